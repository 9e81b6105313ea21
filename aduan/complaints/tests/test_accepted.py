"""A web complaint of words only: accepted in one short write, opened by the worker
under the reference and token the citizen already holds (complaints/accepted.py)."""

import pytest
from django.urls import reverse

from aduan.complaints import accepted
from aduan.complaints.models import AcceptedComplaint, Complaint, Status
from aduan.jobs.models import Job
from aduan.worker import run_until_empty

pytestmark = pytest.mark.django_db

NIK = "3372024107850003"
FORM = {"text": f"Lampu jalan mati di gang RT 3 RW 5 Kemlayan sejak Senin, NIK saya {NIK}",
        "kelurahan": "33.72.02.1007", "rt": "3", "rw": "5", "name": "Sari Wulandari",
        "contact": "081234567890"}


def test_the_form_answers_before_the_worker_and_the_worker_opens_it(city, client):
    before = Complaint.objects.count()
    response = client.post(reverse("citizen:new"), FORM)
    assert response.status_code == 302
    row = AcceptedComplaint.objects.get()
    assert response["Location"] == reverse("citizen:track", args=[row.token])
    assert Complaint.objects.count() == before  # nothing computed while the citizen waited
    assert Job.objects.filter(task_path="aduan.complaints.accepted.open_accepted").count() == 1

    page = client.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200 and row.ref in text and 'http-equiv="refresh"' in text
    assert "no-cache" in page["Cache-Control"] and page["X-Robots-Tag"] == "noindex"
    for private in (NIK, "081234567890", "Sari", "Kemlayan sejak"):
        assert private not in text

    assert run_until_empty() >= 1
    complaint = Complaint.objects.get(ref=row.ref)
    assert complaint.token == row.token and complaint.channel == "web"
    assert complaint.region_id == "33.72.02.1007" and complaint.rt == 3 and complaint.rw == 5
    assert complaint.reporter.name == "Sari Wulandari" and complaint.reporter.phone
    assert complaint.status in (Status.NEW, Status.ASSIGNED)
    assert complaint.events.filter(kind="received").count() == 1
    assert not AcceptedComplaint.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' not in page and complaint.ref in page and NIK not in page


def test_the_job_opens_one_complaint_however_often_it_runs(city, client):
    client.post(reverse("citizen:new"), FORM)
    row = AcceptedComplaint.objects.get()
    accepted.open_accepted.call(row.pk)
    accepted.open_accepted.call(row.pk)  # a retry after the row went: nothing
    assert Complaint.objects.filter(token=row.token).count() == 1

    # Killed between opening and removing the row: the next run only removes it.
    client.post(reverse("citizen:new"), {**FORM, "text": "Sampah menumpuk di pasar Kembang"})
    second = AcceptedComplaint.objects.get()
    accepted.open_accepted.call(second.pk)
    AcceptedComplaint.objects.create(ref=second.ref, token=second.token,
                                     message=second.message, created_at=second.created_at)
    again = AcceptedComplaint.objects.get()
    accepted.open_accepted.call(again.pk)
    assert Complaint.objects.filter(token=second.token).count() == 1
    assert not AcceptedComplaint.objects.exists()


def test_anonymous_words_keep_no_contact_and_unknown_tokens_are_404(city, client):
    response = client.post(reverse("citizen:new"), {
        "text": "Saluran air di Jalan Gatot Subroto mampet dan meluap", "anonymous": "on",
        "name": "Budi", "contact": "081299988877"})
    assert response.status_code == 302
    assert "Budi" not in str(AcceptedComplaint.objects.get().message)
    run_until_empty()
    complaint = Complaint.objects.get(text__startswith="Saluran air di Jalan Gatot")
    assert complaint.anonymous and complaint.reporter is None
    assert client.get(reverse("citizen:track", args=["not-a-token"])).status_code == 404


def test_a_reference_held_by_an_accepted_complaint_is_not_given_again(city, monkeypatch):
    from aduan.complaints import reference

    AcceptedComplaint.objects.create(ref="SKA-0001-0001", token="t" * 24, message={},
                                     created_at="2026-12-01T00:00:00Z")
    draws = iter([1, 1, 2, 2])
    monkeypatch.setattr(reference.secrets, "randbelow", lambda n: next(draws))
    assert reference.new_reference() == "SKA-0002-0002"
