"""A citizen's requests reach a web complaint that is accepted but not opened yet
(`complaints/accepted.py`): found by its reference or by the phone number in any spelling,
exported as "diterima, belum diproses", de-identified before the worker opens it, and
counted by the breach query."""

import io
import json
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from aduan.channels.models import OutboxMessage
from aduan.complaints import accepted
from aduan.complaints.intake import IncomingMessage
from aduan.complaints.models import AcceptedComplaint, Complaint, Event, Reporter
from aduan.jobs import queue
from aduan.jobs.models import Job
from aduan.privacy import citizen
from aduan.privacy.models import IdentityView
from aduan.worker import run_until_empty

from . import cases

pytestmark = pytest.mark.django_db

BAMBANG = cases.BAMBANG  # only ever wrote through the web form, words only
NIK = "3372024107850003"
WORDS = (f"Lampu jalan mati di gang RT 3 RW 5 Kemlayan. Saya {BAMBANG.name}, NIK {NIK}, "
         f"hubungi {BAMBANG.phone} atau {BAMBANG.email}.")


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("privacy", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _accept(who=BAMBANG, text=WORDS, **extra) -> AcceptedComplaint:
    """What the web form does with a complaint of words only (complaints/views.py:new)."""
    given = {"name": who.name, "phone": who.phone, "email": who.email, **extra}
    return accepted.accept(IncomingMessage(channel="web", text=text, region_code=cases.KEMLAYAN,
                                           rw=5, rt=3, **given))


def _secrets(who) -> list[str]:
    return [who.first, who.last, who.email, *who.phone_spellings(), NIK]


def _leaks(who, text: str) -> list[str]:
    return [s for s in _secrets(who) if s.lower() in text.lower()]


def _job(row) -> Job:
    return Job.objects.get(task_path=accepted.open_accepted.module_path, args__args=[row.pk])


def test_found_by_its_reference_and_by_the_phone_in_another_spelling(city, client):
    response = client.post(reverse("citizen:new"), {
        "text": "Sampah menumpuk di depan pasar Kembang sejak Sabtu", "name": BAMBANG.name,
        "contact": "0813-7778-8899"})
    row = AcceptedComplaint.objects.get(token=response["Location"].rstrip("/").split("/")[-1])
    other = _accept(cases.AGUS, "Jalan berlubang di depan SD Kemlayan, bahaya untuk motor")

    for reference in (row.ref, row.ref.lower(), f" {row.ref} "):
        assert citizen.find(reference=reference).accepted == [row]
    for phone in ("+62 813 7778 8899", "6281377788899", "0813 7778 8899", "(+62)813.7778.8899"):
        found = citizen.find(phone=phone)
        assert found.accepted == [row] and not found.complaints and not found.reporters
    assert citizen.find(phone="0813 7778 0000").accepted == []
    assert citizen.find(reference=other.ref).accepted == [other]


def test_the_same_citizen_across_an_opened_and_an_accepted_complaint(city):
    opened = cases.ordinary()  # Siti, 0812 9876 5432, opened long ago
    waiting = _accept(cases.SITI, "Selokan di gang saya mampet lagi", phone="+62 812-9876-5432")

    by_opened = citizen.find(reference=opened.ref)
    assert by_opened.complaints == [opened] and by_opened.accepted == [waiting]
    by_waiting = citizen.find(reference=waiting.ref)
    assert by_waiting.complaints == [opened] and by_waiting.accepted == [waiting]


def test_export_holds_the_accepted_complaint_as_given(city):
    row = _accept()
    out, err = run("export", "--phone", "6281377788899", "--by", "Rina (tim privasi)")
    data = json.loads(out)
    assert data["complaints"] == [] and data["reporters"] == []
    [mine] = data["accepted_complaints"]
    assert mine["reference"] == row.ref and mine["status"] == "diterima, belum diproses"
    assert mine["received_at"] == row.created_at.isoformat()
    assert mine["text"] == WORDS
    assert (mine["name"], mine["phone"], mine["email"]) == (BAMBANG.name, BAMBANG.phone,
                                                           BAMBANG.email)
    assert mine["tracking_url"].endswith(reverse("citizen:track", args=[row.token]))
    assert "1 accepted complaint(s)" in err
    assert IdentityView.objects.filter(via="export", user_label="Rina (tim privasi)",
                                       reason__contains=row.ref).count() == 1


def test_erase_before_the_worker_opens_it(city, client):
    row = _accept()
    out, err = run("erase", "--reference", row.ref, "--by", "Rina (tim privasi)")
    stats = json.loads(out)["erased"]
    assert stats["accepted_complaints"] == 1 and stats["accepted_being_opened"] == []
    assert "was being opened" not in err
    for left in AcceptedComplaint.objects.all():
        assert _leaks(BAMBANG, json.dumps(left.message)) == []
    assert _job(row).state == Job.State.READY  # it still opens, without the citizen

    assert run_until_empty() >= 1
    complaint = Complaint.objects.get(ref=row.ref)
    assert complaint.token == row.token and not AcceptedComplaint.objects.exists()
    assert complaint.anonymous and complaint.reporter is None
    assert "Lampu jalan mati" in complaint.text  # the report itself stays
    assert complaint.region_id == cases.KEMLAYAN and (complaint.rw, complaint.rt) == (5, 3)
    notes = " ".join(Event.objects.filter(complaint=complaint).values_list("note", flat=True))
    payloads = json.dumps(list(OutboxMessage.objects.values_list("recipient", "payload")))
    for text in (complaint.text, complaint.text_public, notes, payloads):
        assert _leaks(BAMBANG, text) == []
    assert not Reporter.objects.filter(name__icontains=BAMBANG.last).exists()
    assert client.get(reverse("citizen:track", args=[row.token])).status_code == 200
    assert IdentityView.objects.filter(via="erase", reason__contains=row.ref).exists()
    # its timeline says what was done, as an opened complaint's erasure does
    [erased] = Event.objects.filter(complaint=complaint, kind="personal_data_erased")
    assert erased.actor_label == "Rina (tim privasi)" and "UU PDP" in erased.note
    assert erased.data == {"accepted": row.ref} and not erased.public


def test_the_erased_event_and_the_complaint_are_one_write(city, monkeypatch):
    """A worker that fails between opening the complaint and writing its erasure event
    leaves neither: the job runs again and writes both."""
    row = _accept()
    citizen.erase(citizen.find(phone=BAMBANG.phone), by="Rina (tim privasi)")
    record = accepted.actions.record

    def fails_on_erasure(complaint, kind, *args, **kwargs):
        if kind == accepted.ERASED:
            raise RuntimeError("worker killed here")
        return record(complaint, kind, *args, **kwargs)

    monkeypatch.setattr(accepted.actions, "record", fails_on_erasure)
    events = Event.objects.count()
    with pytest.raises(RuntimeError):
        accepted.open_accepted.call(row.pk)
    assert not Complaint.objects.filter(ref=row.ref).exists()
    assert AcceptedComplaint.objects.filter(pk=row.pk).exists()
    assert Event.objects.count() == events  # not even the "received" one

    monkeypatch.setattr(accepted.actions, "record", record)
    accepted.open_accepted.call(row.pk)
    complaint = Complaint.objects.get(ref=row.ref)
    assert complaint.reporter is None and not AcceptedComplaint.objects.exists()
    assert Event.objects.filter(complaint=complaint, kind=accepted.ERASED).count() == 1


def test_erase_while_its_job_is_dead_then_retried(city):
    row = _accept()
    Job.objects.filter(pk=_job(row).pk).update(state=Job.State.DEAD, attempts=5)
    stats = citizen.erase(citizen.find(phone=BAMBANG.phone))
    assert stats["accepted_complaints"] == 1 and stats["accepted_being_opened"] == []
    assert queue.retry_dead(_job(row).pk)  # staff put it back
    run_until_empty()
    complaint = Complaint.objects.get(ref=row.ref)
    assert complaint.reporter is None and _leaks(BAMBANG, complaint.text) == []


def test_erase_while_the_worker_runs_its_job_asks_to_repeat(city):
    run_until_empty()  # the demo city's own jobs
    row = _accept()
    [claimed] = queue.claim("worker-1")  # the worker took the job; it may have read the row
    out, err = run("erase", "--phone", BAMBANG.phone)
    stats = json.loads(out)["erased"]
    assert stats["accepted_complaints"] == 1  # scrubbed all the same, in case it had not
    assert stats["accepted_being_opened"] == [row.ref]
    assert f"aduan privacy erase --reference {row.ref}" in err
    assert _leaks(BAMBANG, json.dumps(AcceptedComplaint.objects.get().message)) == []
    accepted.open_accepted.call(*claimed.args)  # it reads the row only now
    queue.finish("worker-1", [claimed.id])
    complaint = Complaint.objects.get(ref=row.ref)
    assert complaint.reporter is None and _leaks(BAMBANG, complaint.text) == []


@pytest.mark.django_db(transaction=True)
def test_a_worker_passes_over_the_job_while_erase_scrubs_its_row(demo_city):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite: erase's transaction holds the one write lock from its start "
                    "(IMMEDIATE), so a claim waits for it; the in-memory test database fails "
                    "concurrent writers at once instead of queueing them")
    run_until_empty()  # the demo city's own jobs
    row = _accept()
    found = citizen.find(reference=row.ref)
    claims = []

    def worker():
        try:
            claims.append(queue.claim("worker-2"))
        finally:
            connection.close()

    with transaction.atomic():  # erase done, not committed yet
        stats = citizen.erase(found)
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join(10)
        assert not thread.is_alive() and claims == [[]]  # passed over, not waited for
    assert stats["accepted_being_opened"] == []
    assert run_until_empty() >= 1  # now it is taken, and reads the scrubbed row
    complaint = Complaint.objects.get(ref=row.ref)
    assert complaint.reporter is None and _leaks(BAMBANG, complaint.text) == []


def test_opened_between_find_and_erase_then_erased_by_reference(city):
    row = _accept()
    found = citizen.find(phone=BAMBANG.phone)
    run_until_empty()  # the worker opened it from the citizen's data meanwhile
    complaint = Complaint.objects.get(ref=row.ref)
    assert complaint.reporter.name == BAMBANG.name
    stats = citizen.erase(found)
    assert stats["accepted_complaints"] == 0 and stats["accepted_being_opened"] == [row.ref]

    stats = json.loads(run("erase", "--reference", row.ref)[0])["erased"]  # as advised
    assert stats["complaints"] == 1 and stats["reporters"] == 1
    complaint.refresh_from_db()
    reporter = Reporter.objects.get(pk=complaint.reporter_id)
    assert (reporter.name, reporter.phone, reporter.email) == ("", "", "")
    assert _leaks(BAMBANG, complaint.text) == [] and _leaks(BAMBANG, complaint.text_public) == []


def test_breach_counts_and_lists_accepted_complaints(city):
    old = _accept(cases.AGUS, "Jalan berlubang di depan SD Kemlayan, bahaya untuk motor")
    AcceptedComplaint.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=10))
    before = timezone.now()
    row = _accept()
    nameless = accepted.accept(IncomingMessage(
        channel="web", text="Pohon tumbang menutup jalan di Kemlayan", anonymous=True))
    after = timezone.now()
    window = ("--since", (before - timedelta(seconds=1)).isoformat(),
              "--until", (after + timedelta(seconds=1)).isoformat())

    report = json.loads(run("breach", *window, "--table", "accepted_complaints")[0])
    assert report["rows"] == {"accepted_complaints": 2}
    assert report["people"] == [{"reporter": None, "channel": "web", "name": BAMBANG.name,
                                 "phone": BAMBANG.phone, "email": BAMBANG.email, "handle": "",
                                 "complaints": [row.ref]}]
    assert report["people_count"] == 1 and report["anonymous_complaints"] == 1
    assert old.ref not in json.dumps(report) and nameless.ref not in json.dumps(report)

    everything = json.loads(run("breach", *window)[0])
    assert everything["rows"]["accepted_complaints"] == 2
    assert BAMBANG.phone in {p["phone"] for p in everything["people"]}
    assert cases.AGUS.phone not in {p["phone"] for p in everything["people"]}
    complaints_only = json.loads(run("breach", *window, "--table", "complaints")[0])
    assert "accepted_complaints" not in complaints_only["rows"]
    assert BAMBANG.phone not in {p["phone"] for p in complaints_only["people"]}
