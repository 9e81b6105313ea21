"""The background worker: queued jobs (`aduan/jobs`, django-tasks API) plus periodic jobs.

Run as many `aduan worker` processes as you like, on SQLite or PostgreSQL: jobs are claimed
in batches under a lease (a killed worker's jobs are claimed again when it runs out), and
every periodic job is idempotent (each records what it did under a unique key), so two
workers ticking at once do each thing once. See docs/worker.md.
"""

import logging
import os
import signal
import subprocess
import sys
import threading

from django.conf import settings
from django.db import close_old_connections
from django.utils.module_loading import import_string

from aduan.jobs.runner import Runner

logger = logging.getLogger("aduan.worker")

# Dotted paths of functions called every PERIODIC_SECONDS; each takes no arguments.
PERIODIC_JOBS = [
    "aduan.sla.escalation.tick",
    "aduan.sla.audit.send_daily_digest",
    "aduan.channels.outbox.sweep",
    "aduan.channels.email.poll.poll_all",
    "aduan.dashboard.facts.fill_missing",  # figures for complaints loaded in bulk
    "aduan.dashboard.report.send_weekly",  # Monday 07:00: last week's report to the mayor
    "aduan.dashboard.stats.warm",  # the city's figures, recomputed every few minutes
    "aduan.privacy.retention.run",  # at most hourly: personal data past its city's policy
    "aduan.complaints.learning.nightly_retrain",  # once a night: triage learns the corrections
    "aduan.evidence.orphans.sweep",  # at most hourly: files no row names, reported
]
PERIODIC_SECONDS = float(os.environ.get("ADUAN_PERIODIC_SECONDS", "30"))


def run_periodic_once() -> None:
    for path in PERIODIC_JOBS:
        try:
            import_string(path)()
        except Exception:  # one failing job must not stop the others
            logger.exception("periodic job %s failed", path)
        finally:
            close_old_connections()


def periodic_loop(stop: threading.Event, interval: float = PERIODIC_SECONDS) -> None:
    while not stop.is_set():
        run_periodic_once()
        stop.wait(interval)


def run_until_empty(max_rounds: int = 1000) -> int:
    """Run every job that is ready now (tests, `aduan worker --once`, demo seeding)."""
    return Runner().run_until_empty(max_rounds)


def start_process() -> subprocess.Popen:
    """The demo's worker: `aduan worker` in a process of its own beside the web server.
    (In the server's process its jobs took turns with the requests for Python's one
    interpreter lock, and webhook answers waited for triage.) It reads the same data
    folder and sends tracking links to the address the demo serves."""
    env = {**os.environ, "ADUAN_DATA_DIR": str(settings.DATA_DIR),
           "ADUAN_PUBLIC_URL": settings.PUBLIC_URL}
    return subprocess.Popen([sys.executable, "-m", "aduan.cli", "worker"], env=env)


def stop_process(process: subprocess.Popen) -> None:
    process.terminate()  # the worker finishes its current job and hands back the rest
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# Queues the sending threads take: a send waits on the provider and on the account's pacing.
SEND_QUEUES = ("outbox",)


def serve_forever() -> None:
    """`aduan worker`: periodic jobs in a thread, the outbox in ADUAN_WORKER_SEND_THREADS
    threads, every other queued job in the main thread. SIGTERM stops each loop after its
    current job; jobs claimed but not started go back to the queue."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    threading.Thread(target=periodic_loop, args=(stop,), daemon=True).start()
    # Small batches: a sender holds few jobs while it waits for the provider.
    senders = [threading.Thread(target=Runner(queues=SEND_QUEUES, batch=4).run_forever,
                                args=(stop,),
                                name=f"aduan-send-{n}", daemon=True)
               for n in range(settings.ADUAN_WORKER_SEND_THREADS)]
    if senders:  # a sender back from the provider takes the interpreter within 1 ms, not 5
        sys.setswitchinterval(0.001)
    for sender in senders:
        sender.start()
    Runner(exclude=SEND_QUEUES if senders else ()).run_forever(stop)
    for sender in senders:
        sender.join(20)
