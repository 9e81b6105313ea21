"""SQLite workers in other processes are woken at once by a committed job (wakeup.py)."""

import time
from pathlib import Path

from aduan.jobs import wakeup
from aduan.jobs.tests.procs import Graph, Site, payload, post


def test_ring_wakes_a_mailbox_and_clears_a_dead_workers_socket(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    box = wakeup.open_mailbox()
    assert box is not None
    stale = wakeup.folder() / f"{wakeup.PREFIX}999999-1.sock"
    stale.touch()  # a worker killed before it could remove its socket
    try:
        started = time.monotonic()
        wakeup.ring()
        box.wait(5)
        assert time.monotonic() - started < 1
        assert not stale.exists()
        started = time.monotonic()
        box.wait(0.3)  # nothing rang again: waits its whole timeout
        assert time.monotonic() - started >= 0.25
    finally:
        box.close()
    assert not box.path.exists()


def test_a_webhook_answered_by_one_process_wakes_the_worker_process():
    """`aduan serve` and `aduan worker` on one SQLite file, the worker polling only every
    60 s: the acknowledgement leaves within seconds only if the commit woke it."""
    graph = Graph()
    site = Site(None, graph, ADUAN_WORKER_POLL_SECONDS=60, ADUAN_PERIODIC_SECONDS=600)
    try:
        site.setup()
        site.start_server()
        site.start_worker()
        site.wait_ready()
        deadline = time.monotonic() + 30
        while not list((Path(site.data) / "run").glob("worker-*.sock")):
            assert time.monotonic() < deadline, "the worker never waited for a wake-up"
            time.sleep(0.1)
        time.sleep(1)  # its first round is over: it sleeps until rung (or 60 s)
        sent = time.monotonic()
        assert post(site.port, payload(1, "6281200000001", "Lampu jalan mati di Kemlayan")) == 200
        while "6281200000001" not in graph.accepted and time.monotonic() - sent < 20:
            time.sleep(0.05)
        assert "6281200000001" in graph.accepted, "not acknowledged: the worker slept on"
        assert graph.accepted["6281200000001"][0] - sent < 10
    finally:
        site.close()
        graph.stop()


def test_a_ring_for_a_queue_wakes_only_the_loops_that_take_it(settings, tmp_path):
    """A worker's sending threads (the outbox) and its main loop (the rest) each have a
    mailbox named with their filter: a committed intake job does not wake the senders."""
    settings.DATA_DIR = tmp_path
    senders = wakeup.open_mailbox(queues=("outbox",))
    main = wakeup.open_mailbox(exclude=("outbox",))
    assert senders is not None and main is not None
    try:
        wakeup.ring("intake")
        started = time.monotonic()
        main.wait(5)
        assert time.monotonic() - started < 1
        senders.wait(0.3)  # not rung: waits its whole timeout
        assert time.monotonic() - started >= 0.25
        wakeup.ring("outbox")
        started = time.monotonic()
        senders.wait(5)
        assert time.monotonic() - started < 1
        wakeup.ring("")  # a job of no known queue (a staff retry) wakes every loop
        started = time.monotonic()
        senders.wait(5)
        main.wait(5)
        assert time.monotonic() - started < 1
    finally:
        senders.close()
        main.close()
