"""The job queue: leases, retries with backoff, dead jobs for staff, wakeups."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection
from django.utils import timezone

from aduan.jobs import queue
from aduan.jobs.models import Job
from aduan.jobs.runner import Runner

from . import tasks

# Workers run in threads and see only committed rows.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fast(settings):
    settings.ADUAN_JOB_BACKOFF_SECONDS = 0.2
    settings.ADUAN_JOB_MAX_ATTEMPTS = 3
    settings.ADUAN_JOB_LEASE_SECONDS = 30


def key(request) -> str:
    return f"{request.node.name}-{connection.vendor}"


def test_enqueue_writes_a_ready_job_and_a_worker_runs_it_once(request):
    k = key(request)
    result = tasks.record.enqueue(k)
    job = Job.objects.get(pk=result.id)
    assert (job.state, job.attempts, job.args) == ("ready", 0, {"args": [k], "kwargs": {}})
    assert Runner().run_until_empty() == 1
    assert tasks.runs(k) == 1
    assert not Job.objects.exists()  # finished jobs leave the table
    assert Runner().run_until_empty() == 0
    assert tasks.runs(k) == 1


def test_a_deferred_job_waits_for_its_time(request):
    k = key(request)
    tasks.record.using(run_after=timezone.now() + timedelta(seconds=30)).enqueue(k)
    assert Runner().run_until_empty() == 0
    Job.objects.update(run_after=timezone.now())
    assert Runner().run_until_empty() == 1
    assert tasks.runs(k) == 1


def test_a_dead_workers_job_is_claimed_again_after_its_lease(request, settings):
    settings.ADUAN_JOB_LEASE_SECONDS = 0.5
    k = key(request)
    tasks.record.enqueue(k)
    dead_worker = "killed-worker"
    [claimed] = queue.claim(dead_worker)  # claimed, then the process was killed: no finish
    assert Job.objects.get().state == "running"
    assert Runner().run_until_empty() == 0  # the lease still holds
    time.sleep(0.6)
    survivor = Runner()
    survivor.last_reclaim = 0.0
    assert survivor.run_until_empty() == 1
    assert tasks.runs(k) == 1
    assert not Job.objects.exists()
    queue.finish(dead_worker, [claimed.id])  # a late finish from the old claim changes nothing


def test_a_renewed_lease_is_not_taken(request, settings):
    settings.ADUAN_JOB_LEASE_SECONDS = 0.5
    tasks.record.enqueue(key(request))
    [claimed] = queue.claim("slow-but-alive")
    for _ in range(3):
        time.sleep(0.25)
        assert queue.heartbeat("slow-but-alive") == 1
        assert queue.reclaim_expired() == 0
    assert Job.objects.get().worker == "slow-but-alive"


def test_a_failure_is_recorded_and_retried_with_exponential_backoff(request):
    k = key(request)
    tasks.flaky.enqueue(k, 2)
    runner = Runner()
    delays = []
    for attempt in (1, 2):
        before = timezone.now()
        assert runner.run_until_empty() == 1
        job = Job.objects.get()
        assert (job.state, job.attempts) == ("ready", attempt)
        assert f"provider down (run {attempt})" in job.last_error
        assert "RuntimeError" in job.last_error
        delays.append((job.run_after - before).total_seconds())
        assert runner.run_until_empty() == 0  # not before its time
        Job.objects.update(run_after=timezone.now())
    assert 0.15 < delays[0] < 0.3 and 0.3 < delays[1] < 0.5  # 0.2 s, then 0.4 s (±10%)
    assert runner.run_until_empty() == 1
    assert tasks.runs(k) == 3
    assert not Job.objects.exists()


def test_after_the_last_attempt_the_job_is_dead_and_staff_see_why(request, client, login,
                                                                    settings):
    k = key(request)
    tasks.broken.enqueue(k)
    runner = Runner()
    for _ in range(3):
        runner.run_until_empty()
        Job.objects.filter(state="ready").update(run_after=timezone.now())
    job = Job.objects.get()
    assert (job.state, job.attempts, tasks.runs(k)) == ("dead", 3, 3)
    assert job.failed_at is not None and "the record it needs is gone" in job.last_error
    assert runner.run_until_empty() == 0  # dead jobs are not run again on their own

    login("rt03.kemlayan")
    assert client.get("/petugas/antrean-kerja/").status_code == 403
    login("tim")
    page = client.get("/petugas/antrean-kerja/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "aduan.jobs.tests.tasks.broken" in text and "the record it needs is gone" in text

    settings.ADUAN_METRICS_TOKEN = "metrics-token"
    metrics = client.get("/metrics", HTTP_AUTHORIZATION="Bearer metrics-token").content.decode()
    assert 'aduan_jobs{state="dead"} 1' in metrics
    assert 'aduan_jobs{state="ready"} 0' in metrics

    assert client.post(f"/petugas/antrean-kerja/{job.pk}/ulang/").status_code == 302
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("ready", 0)
    assert runner.run_until_empty() == 1
    assert tasks.runs(k) == 4


def test_a_job_whose_lease_ran_out_on_its_last_attempt_is_dead(request, settings):
    settings.ADUAN_JOB_LEASE_SECONDS = 0.2
    tasks.record.enqueue(key(request))
    Job.objects.update(attempts=2)
    queue.claim("killed-again")
    time.sleep(0.3)
    assert queue.reclaim_expired() == 1
    job = Job.objects.get()
    assert job.state == "dead" and "lease expired" in job.last_error


def test_workers_claim_disjoint_batches(request):
    for n in range(30):
        tasks.record.enqueue(f"{key(request)}-{n}")
    first, second = queue.claim("a", 20), queue.claim("b", 20)
    assert len(first) == 20 and len(second) == 10
    assert not {j.id for j in first} & {j.id for j in second}


def test_a_worker_wakes_at_once_when_a_job_is_committed(request):
    """PostgreSQL: LISTEN/NOTIFY (the trigger on the job table). SQLite: the in-process
    wakeup. The poll fallback is set to 10 s, so only the wakeup can be quick."""
    k = key(request)
    stop = threading.Event()
    runner = Runner(poll=10)
    thread = threading.Thread(target=runner.run_forever, args=(stop,))
    thread.start()
    try:
        time.sleep(1.0)  # the worker is asleep (and listening)
        started = time.monotonic()
        tasks.record.enqueue(k)
        while tasks.runs(k) == 0 and time.monotonic() - started < 5:
            time.sleep(0.01)
        waited = time.monotonic() - started
    finally:
        stop.set()
        tasks.record.enqueue(k + "-wakes-the-worker-to-stop")
        thread.join(15)
    assert tasks.runs(k) == 1
    assert waited < 0.5, f"woke after {waited:.2f} s"


def test_higher_priority_jobs_are_claimed_first(request):
    """Acknowledgements (priority 10) overtake an intake backlog."""
    k = key(request)
    for n in range(5):
        tasks.record.enqueue(f"{k}-backlog-{n}")
    urgent = tasks.record.using(priority=10).enqueue(f"{k}-urgent")
    [first] = queue.claim("w", 1)
    assert first.id == int(urgent.id)


def test_a_workers_sending_loop_takes_only_the_outbox_and_its_main_loop_the_rest(request):
    """`aduan worker` sends in threads of their own (worker.SEND_QUEUES): a send waiting
    on the provider never holds up turning messages into complaints, nor the reverse."""
    from aduan.worker import SEND_QUEUES

    k = key(request)
    for n in range(3):
        tasks.record.using(queue_name="intake").enqueue(f"{k}-intake-{n}")
        tasks.record.using(queue_name="outbox", priority=10).enqueue(f"{k}-send-{n}")
    sending = queue.claim("sender", 20, queues=SEND_QUEUES)
    rest = queue.claim("main", 20, exclude=SEND_QUEUES)
    assert {Job.objects.get(pk=j.id).queue for j in sending} == {"outbox"}
    assert len(sending) == 3
    assert {Job.objects.get(pk=j.id).queue for j in rest} == {"intake"} and len(rest) == 3
    assert Runner(queues=SEND_QUEUES).run_until_empty() == 0  # all taken already


def test_the_notification_names_the_queue_and_a_listener_wakes_for_its_own(request):
    """PostgreSQL: the trigger's payload is the queue of the jobs inserted, so the sending
    threads sleep through intake jobs and wake for the outbox."""
    from aduan.jobs.runner import Listener

    if connection.vendor != "postgresql":
        pytest.skip("SQLite's loops wake by mailbox (test_wakeup.py)")

    k = key(request)
    listener = Listener(lambda queue: queue == "outbox")
    try:
        listener.wait(0.01)  # connects and LISTENs
        tasks.record.using(queue_name="intake").enqueue(f"{k}-intake")
        started = time.monotonic()
        listener.wait(0.5)
        assert time.monotonic() - started >= 0.45  # an intake job: slept on
        tasks.record.using(queue_name="outbox").enqueue(f"{k}-send")
        started = time.monotonic()
        listener.wait(5)
        assert time.monotonic() - started < 1
    finally:
        listener.close()


def test_a_processs_loops_share_one_listen_connection(request):
    """PostgreSQL: the loops of a worker process listen through one connection
    (runner.Switchboard), each still woken only for the queues it takes."""
    from aduan.jobs.runner import SWITCHBOARD, Listener

    if connection.vendor != "postgresql":
        pytest.skip("SQLite's loops wake by mailbox (test_wakeup.py)")

    k = key(request)
    sending, taking = Listener(lambda queue: queue == "outbox"), Listener(lambda q: q != "outbox")
    try:
        sending.wait(0.01)
        taking.wait(0.01)
        time.sleep(0.5)  # connected and listening
        assert listening() == 1
        tasks.record.using(queue_name="outbox").enqueue(f"{k}-send")
        started = time.monotonic()
        sending.wait(5)
        assert time.monotonic() - started < 1
        started = time.monotonic()
        taking.wait(0.5)  # an outbox job: the other loop slept on
        assert time.monotonic() - started >= 0.45
    finally:
        sending.close()
        taking.close()
    assert SWITCHBOARD.thread is None and not SWITCHBOARD.members  # the last to leave
    # closed it (the server's backend ends a moment after the client closes, so its row
    # may linger in pg_stat_activity for a few milliseconds).
    deadline = time.monotonic() + 3
    while listening() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert listening() == 0


def listening() -> int:
    """LISTEN connections to the test database (the statement they last ran)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                       "current_database() AND query LIKE 'LISTEN %%'")
        return cursor.fetchone()[0]


def test_one_heartbeat_renews_the_leases_of_every_loop(request):
    for n in range(2):
        tasks.record.enqueue(f"{key(request)}-{n}")
    assert len(queue.claim("loop-a", 1)) == len(queue.claim("loop-b", 1)) == 1
    assert queue.heartbeat("loop-a", "loop-b") == 2
    assert queue.heartbeat("loop-c") == 0


def test_jobs_a_failed_round_left_claimed_are_run_again_after_one_lease(request, settings,
                                                                        monkeypatch):
    # The database went away after a claim was written but before the loop could use or
    # release it (CI's fault run: a PostgreSQL restart mid-round left 21 jobs `running`,
    # their lease renewed by the live process's heartbeat, never run).
    settings.ADUAN_JOB_LEASE_SECONDS = 1.0
    k = key(request)
    tasks.record.enqueue(k)
    claim, failed = queue.claim, []

    def claim_then_fail(*args, **kwargs):
        jobs = claim(*args, **kwargs)
        if jobs and not failed:
            failed.append(jobs)
            raise DatabaseError("server closed the connection unexpectedly")
        return jobs

    monkeypatch.setattr(queue, "claim", claim_then_fail)
    stop = threading.Event()
    loop = Runner(poll=0.1)
    thread = threading.Thread(target=loop.run_forever, args=(stop,))
    thread.start()
    try:
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline and not tasks.runs(k):
            time.sleep(0.1)
    finally:
        stop.set()
        thread.join(10)
    assert failed and tasks.runs(k) == 1
    assert not Job.objects.exists()
