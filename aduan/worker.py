"""The background worker: queued tasks (django-tasks database backend) plus periodic jobs.

Run as many `aduan worker` processes as you like, on SQLite or PostgreSQL: tasks are claimed
with row locks, and every periodic job is idempotent (each records what it did under a
unique key), so two workers ticking at once do each thing once.
"""

import logging
import os
import socket
import threading
import time

from django.db import close_old_connections
from django.utils.module_loading import import_string

logger = logging.getLogger("aduan.worker")

# Dotted paths of functions called every PERIODIC_SECONDS; each takes no arguments.
PERIODIC_JOBS = [
    "aduan.sla.escalation.tick",
    "aduan.sla.audit.send_daily_digest",
    "aduan.channels.outbox.sweep",
    "aduan.channels.email.poll.poll_all",
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


def make_task_worker(interval: float = 0.5, batch: bool = False):
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(
        queue_names=["*"], interval=interval, batch=batch, backend_name="default",
        startup_delay=False, max_tasks=None,
        worker_id=f"{socket.gethostname()}-{os.getpid()}-{threading.get_ident()}"[:64],
        excluded_queue_names=[],
    )


def run_until_empty(max_rounds: int = 20) -> None:
    """Run every queued task now (tests, `aduan demo` seeding). Loops while tasks appear."""
    for _ in range(max_rounds):
        from django_tasks_db.models import DBTaskResult

        if not DBTaskResult.objects.ready().exists():
            return
        make_task_worker(interval=0, batch=True).run()


def start_in_thread(stop: threading.Event) -> list[threading.Thread]:
    """The demo's in-process worker: a task thread and a periodic thread."""
    def tasks():
        worker = make_task_worker()
        while not stop.is_set():
            try:
                run_until_empty()
            except Exception:
                logger.exception("task worker round failed")
            finally:
                close_old_connections()
            stop.wait(worker.interval)

    threads = [
        threading.Thread(target=tasks, name="aduan-tasks", daemon=True),
        threading.Thread(target=periodic_loop, args=(stop,), name="aduan-periodic", daemon=True),
    ]
    for thread in threads:
        thread.start()
    return threads


def serve_forever() -> None:
    """`aduan worker`: periodic jobs in a thread, queued tasks in the main thread."""
    stop = threading.Event()
    threading.Thread(target=periodic_loop, args=(stop,), daemon=True).start()
    try:
        make_task_worker().run()
    finally:
        stop.set()
        time.sleep(0)
