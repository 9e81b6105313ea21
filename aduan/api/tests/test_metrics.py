"""/metrics: Prometheus text, counts that match the database, no personal data."""

from datetime import timedelta

import pytest
from django.utils import timezone

from aduan.complaints.models import Complaint, Status


def parse(text: str) -> dict[str, float]:
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    return samples


TOKEN = "prometheus-scrape-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(autouse=True)
def _token(settings):
    settings.ADUAN_METRICS_TOKEN = TOKEN


def test_metrics(client, city):
    late = city["complaints"][0]
    Complaint.objects.filter(pk=late.pk).update(next_due=timezone.now() - timedelta(hours=1))
    response = client.get("/metrics", headers=AUTH)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    text = response.content.decode()
    assert "# TYPE aduan_complaints gauge" in text
    samples = parse(text)
    for status in Status.values:
        assert samples[f'aduan_complaints{{status="{status}"}}'] == \
            Complaint.objects.filter(status=status).count()
    assert samples["aduan_complaints_overdue"] == Complaint.objects.open().filter(
        next_due__lt=timezone.now()).count() >= 1
    assert 'aduan_outbox_messages{status="queued"}' in samples
    assert "aduan_inbound_events_unprocessed" in samples
    for complaint in city["complaints"]:
        assert complaint.ref not in text


def test_metrics_are_cheap(client, db, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):  # + refused-input counters, channel health
        assert client.get("/metrics", headers=AUTH).status_code == 200
