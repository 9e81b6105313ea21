"""A webhook's job claimed twice (its first worker killed before it could finish) still
makes one complaint and one acknowledgement: the job's effects are idempotent."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from aduan.channels.models import InboundEvent, OutboxMessage
from aduan.channels.outbox import deliver
from aduan.channels.processing import process
from aduan.channels.tests.helpers import drain, process_at_once
from aduan.complaints.models import Complaint
from aduan.jobs import queue
from aduan.jobs.models import Job
from aduan.jobs.runner import Runner

from .plain.deliver import message, receive

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = "Jalan di depan pasar Kemlayan berlubang besar, bahaya untuk motor"


def expire_leases() -> None:
    Job.objects.filter(state="running").update(lease_until=timezone.now())


def test_killed_after_processing_before_finishing(plain_account, plain_api):
    assert receive(plain_account, message(TEXT)) == 1
    killed = Runner(worker="killed")
    [job] = queue.claim(killed.worker)
    killed._call(job)  # the complaint is made, then the worker dies before `finish`
    assert Complaint.objects.count() == 1
    expire_leases()
    drain()  # another worker takes the job again, and the acknowledgement's job
    assert Complaint.objects.count() == 1
    assert OutboxMessage.objects.get().status == "sent"
    assert len(plain_api.sent("/send")) == 1
    assert not Job.objects.exists()


def test_killed_right_after_claiming(plain_account, plain_api):
    receive(plain_account, message(TEXT))
    queue.claim("killed")
    expire_leases()
    drain()
    assert Complaint.objects.count() == 1
    assert len(plain_api.sent("/send")) == 1
    assert InboundEvent.objects.get().processed_at is not None


def test_two_workers_running_one_event_at_once(plain_account, plain_api):
    if connection.vendor == "sqlite":  # one writer: real processes queue for the file lock
        pytest.skip("the in-memory test database fails concurrent writers at once instead "
                    "of queueing them; the fault test covers SQLite with real processes")
    receive(plain_account, message(TEXT))
    Job.objects.all().delete()
    event = InboundEvent.objects.get()
    errors = []

    def run():
        try:
            process(event.pk)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    assert Complaint.objects.count() == 1
    assert OutboxMessage.objects.count() == 1  # unique key event:<id>
    drain()
    assert len(plain_api.sent("/send")) == 1


def test_a_send_job_run_twice_sends_once(plain_account, plain_api):
    receive(plain_account, message(TEXT))
    Runner().run_batch()  # the complaint; its acknowledgement waits in the outbox
    row = OutboxMessage.objects.get()
    assert deliver(row.pk) == "sent"
    assert deliver(row.pk) == "skipped"
    drain()
    assert len(plain_api.sent("/send")) == 1


def test_two_first_messages_from_one_citizen_at_once_open_one_complaint(plain_account,
                                                                        plain_api):
    if connection.vendor == "sqlite":  # see above
        pytest.skip("the in-memory test database fails concurrent writers at once")
    for n, text in enumerate(["Jalan berlubang di Kemlayan", "Lubangnya makin besar"]):
        assert receive(plain_account, message(text, id=f"two-at-once-{n}")) == 1
    Job.objects.all().delete()
    assert not process_at_once(list(InboundEvent.objects.values_list("pk", flat=True)))
    complaint = Complaint.objects.get()
    assert set(InboundEvent.objects.values_list("complaint_id", flat=True)) == {complaint.pk}
    texts = [complaint.text] + list(complaint.events.filter(kind="citizen_message")
                                    .values_list("note", flat=True))
    assert sorted(texts) == ["Jalan berlubang di Kemlayan", "Lubangnya makin besar"]
