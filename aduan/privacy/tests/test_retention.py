"""The retention job removes what each city's policy says, reports it, and stores a run."""

import io
import logging
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from PIL.ExifTags import IFD

from aduan import worker
from aduan.channels.models import ChannelAccount, InboundEvent
from aduan.complaints import accepted
from aduan.complaints.intake import IncomingMessage
from aduan.complaints.models import AcceptedComplaint, Complaint, Reporter
from aduan.evidence.store import save_photo
from aduan.evidence.tests.photos import camera_exif, encode, scene
from aduan.jobs.models import Job
from aduan.privacy import retention
from aduan.privacy.models import RetentionPolicy, RetentionRun
from aduan.regions.models import Region

from . import cases

pytestmark = pytest.mark.django_db


def _closed(complaint, days_ago):
    Complaint.objects.filter(pk=complaint.pk).update(
        status="closed", closed_at=timezone.now() - timedelta(days=days_ago), next_due=None)
    return complaint


def _gps_photo(complaint):
    return save_photo(encode(scene(3), "JPEG", exif=camera_exif()), complaint=complaint,
                      by_citizen=True)


def _has_gps(photo) -> bool:
    photo.refresh_from_db()
    with photo.original.open("rb") as handle:
        exif = Image.open(io.BytesIO(handle.read())).getexif()
    return bool(exif.get_ifd(IFD.GPSInfo)) or photo.gps_lat is not None


def _webhook(days_ago, n):
    account = ChannelAccount.objects.get_or_create(kind="telegram", account_id="42",
                                                   defaults={"token": "t"})[0]
    return InboundEvent.objects.create(
        account=account, provider_id=f"update-{n}", sender="5550001",
        body='{"message": {"text": "Lampu mati, saya Siti 081298765432"}}',
        received_at=timezone.now() - timedelta(days=days_ago))


def test_defaults(db):
    policy = RetentionPolicy.default()
    assert (policy.webhook_body_days, policy.photo_original_days,
            policy.reporter_contact_days) == (90, 365, 730)


def test_the_job_removes_what_is_past_its_time(city, caplog):
    old_hook, new_hook = _webhook(91, 1), _webhook(10, 2)
    long_closed = _closed(cases.ordinary(), 400)
    old_photo = _gps_photo(long_closed)
    recently_closed = _closed(cases.road(), 30)
    recent_photo = _gps_photo(recently_closed)
    assert _has_gps(old_photo) and _has_gps(recent_photo)
    gone = _closed(cases.confidential(), 800)  # Dewi: closed over two years ago
    still_open = cases.about_rt()  # Bambang: open, however old
    Complaint.objects.filter(pk=still_open.pk).update(
        created_at=timezone.now() - timedelta(days=900))

    with caplog.at_level(logging.INFO, logger="aduan.privacy"):
        removed = retention.run()
    # Only Dewi's contact goes: Siti's complaint closed 400 days ago (her photo's GPS goes,
    # her contact stays two years), Agus's 30 days ago, Bambang's is still open.
    assert removed == {"webhook_bodies": 1, "photo_originals": 1, "reporter_contacts": 1,
                       "accepted_complaints": 0}
    assert ("webhook_bodies=1 photo_originals=1 reporter_contacts=1 accepted_complaints=0"
            in caplog.text)
    run = RetentionRun.objects.get()
    assert run.removed == removed and run.finished_at is not None

    old_hook.refresh_from_db()
    new_hook.refresh_from_db()
    assert old_hook.body == "" and "Siti" in new_hook.body
    assert not _has_gps(old_photo) and _has_gps(recent_photo)
    with old_photo.public.open("rb") as handle:
        assert Image.open(io.BytesIO(handle.read())).size[0] > 0  # the public copy stays
    dewi = Reporter.objects.get(pk=gone.reporter_id)
    assert (dewi.name, dewi.phone, dewi.email) == ("", "", "")
    assert Reporter.objects.get(pk=still_open.reporter_id).phone == cases.BAMBANG.phone
    assert Reporter.objects.get(pk=long_closed.reporter_id).phone == cases.SITI.phone
    gone.refresh_from_db()
    assert gone.status == "closed" and gone.text_public  # the public record stays

    assert retention.run() is None  # within the hour: nothing to do, no new run
    again = retention.run(force=True)
    assert again == {"webhook_bodies": 0, "photo_originals": 0, "reporter_contacts": 0,
                     "accepted_complaints": 0}
    assert RetentionRun.objects.count() == 2


def test_a_city_sets_its_own_periods(city):
    RetentionPolicy.objects.create(city=Region.objects.get(code="33.72"),
                                   photo_original_days=30, reporter_contact_days=60)
    complaint = _closed(cases.ordinary(), 40)
    photo = _gps_photo(complaint)
    removed = retention.run()
    assert removed["photo_originals"] == 1 and removed["reporter_contacts"] >= 0
    assert not _has_gps(photo)
    # Siti's other complaints (none open) closed 40 days ago: under 60, so she stays.
    assert Reporter.objects.get(pk=complaint.reporter_id).phone == cases.SITI.phone


def test_the_worker_runs_it():
    assert "aduan.privacy.retention.run" in worker.PERIODIC_JOBS


def test_a_backlog_goes_batch_after_batch(db, monkeypatch):
    monkeypatch.setattr(retention, "BATCH", 2)
    for n in range(5):
        _webhook(120, n)
    calls = []
    real = retention.webhook_bodies
    monkeypatch.setattr(retention, "webhook_bodies",
                        lambda now, stats: calls.append(1) or real(now, stats))
    assert retention.run()["webhook_bodies"] == 5
    assert len(calls) == 3  # 2 + 2 + 1
    assert not InboundEvent.objects.exclude(body="").exists()


def _accepted(days_ago, job_state):
    """A web complaint of words only, accepted `days_ago`; its job in `job_state`."""
    row = accepted.accept(IncomingMessage(
        channel="web", text="Lampu jalan mati di gang Kemlayan, saya Sari 081234567890",
        name="Sari Wulandari", phone="081234567890", email="sari@example.id",
        received_at=timezone.now() - timedelta(days=days_ago)))
    jobs = Job.objects.filter(task_path="aduan.complaints.accepted.open_accepted",
                              args__args=[row.pk])
    assert jobs.count() == 1
    if job_state is None:
        jobs.delete()
    else:
        jobs.update(state=job_state, attempts=5 if job_state == "dead" else 0)
    return row


def test_a_web_complaint_never_opened_goes_with_its_dead_job(city, client):
    # Accepted over two years ago, its job failed for good (or was lost): the citizen's
    # words and contact go with it; the tracking link answers as for an unknown token.
    dead = _accepted(800, "dead")
    lost = _accepted(800, None)
    fresh = _accepted(10, "dead")  # staff may still retry it
    behind = _accepted(800, "ready")  # the worker is only behind: it will open it
    running = _accepted(800, "running")
    other = Job.objects.create(task_path="aduan.other.task", args={"args": [dead.pk],
                                                                  "kwargs": {}}, state="dead")

    assert retention.run()["accepted_complaints"] == 2
    left = set(AcceptedComplaint.objects.values_list("token", flat=True))
    assert left == {fresh.token, behind.token, running.token}
    assert set(Job.objects.filter(task_path="aduan.complaints.accepted.open_accepted")
               .values_list("args__args__0", "state")) == {
        (fresh.pk, "dead"), (behind.pk, "ready"), (running.pk, "running")}
    assert Job.objects.filter(pk=other.pk).exists()  # another task's job with the same id
    assert client.get(reverse("citizen:track", args=[dead.token])).status_code == 404
    assert client.get(reverse("citizen:track", args=[behind.token])).status_code == 200
    assert not Complaint.objects.filter(token__in=[dead.token, lost.token]).exists()
    assert retention.run(force=True)["accepted_complaints"] == 0
