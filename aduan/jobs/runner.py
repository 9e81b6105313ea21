"""The worker loop: claim a batch, run it, sleep until woken.

Wakeups: PostgreSQL `LISTEN aduan_jobs` on a connection of its own (a trigger NOTIFYs at
the commit of every insert), on SQLite a datagram from the committing process
(`wakeup.py`), else the in-process `WAKE` event; a short poll stays as the fallback.
A heartbeat thread renews the leases of the jobs this worker holds; a worker killed
mid-job stops renewing and its jobs are claimed again after the lease.
"""

import logging
import threading
import time
from contextlib import nullcontext

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils.module_loading import import_string

from . import queue, wakeup

logger = logging.getLogger("aduan.worker")

try:  # psycopg is the PostgreSQL driver; SQLite-only installs may not have it
    import psycopg
except ImportError:  # pragma: no cover
    psycopg = None


class Listener:
    """LISTEN on a dedicated autocommit connection; reconnects after a database restart.
    Wakes for the notifications whose payload (the queue) `wanted` accepts."""

    def __init__(self, wanted=lambda queue: True):
        self.conn = None
        self.next_try = 0.0
        self.wanted = wanted

    def _connect(self) -> None:
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        self.conn = psycopg.connect(**params, autocommit=True, connect_timeout=3)
        self.conn.execute(f"LISTEN {queue.CHANNEL}")

    def wait(self, timeout: float) -> None:
        if self.conn is None and time.monotonic() >= self.next_try:
            try:
                self._connect()
            except psycopg.Error as exc:
                logger.warning("LISTEN unavailable (%s); polling", exc.__class__.__name__)
                self.conn, self.next_try = None, time.monotonic() + 2
        if self.conn is None:
            time.sleep(timeout)
            return
        deadline = time.monotonic() + timeout
        try:
            while (left := deadline - time.monotonic()) > 0:
                notes = list(self.conn.notifies(timeout=left, stop_after=1))
                if not notes or self.wanted(notes[0].payload):
                    return
        except psycopg.Error:
            self.close()

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except psycopg.Error:
                pass
        self.conn = None


class Runner:
    def __init__(self, *, batch: int = 20, poll: float | None = None, around_job=nullcontext,
                 worker: str | None = None, queues: tuple[str, ...] = (),
                 exclude: tuple[str, ...] = ()):
        self.batch = batch
        self.queues, self.exclude = queues, exclude
        self.poll = poll if poll is not None else float(
            getattr(settings, "ADUAN_WORKER_POLL_SECONDS", 0.2))
        self.around_job = around_job
        self.worker = worker or queue.worker_name()
        self.tasks: dict = {}
        self.stop = threading.Event()
        self.last_reclaim = 0.0

    # --- one round ------------------------------------------------------------------
    def run_batch(self) -> int:
        """Claim and run up to `batch` jobs; returns how many were claimed."""
        now = time.monotonic()
        if now - self.last_reclaim > max(1.0, queue.lease_seconds() / 4):
            queue.reclaim_expired()
            self.last_reclaim = now
        jobs = queue.claim(self.worker, self.batch, self.queues, self.exclude)
        done: list[int] = []
        for index, job in enumerate(jobs):
            if self.stop.is_set():
                queue.release(self.worker, [j.id for j in jobs[index:]])
                break
            try:
                with self.around_job():
                    self._call(job)
                done.append(job.id)
            except Exception as exc:
                if not _database_usable():  # the database went away, not the job's fault
                    connection.close()
                    _quietly(queue.finish, self.worker, done)
                    _quietly(queue.release, self.worker, [j.id for j in jobs[index:]])
                    raise
                state = queue.fail(self.worker, job, exc)
                log = logger.error if state == queue.DEAD else logger.warning
                log("job %s %s attempt %s failed (%s): %s", job.id, job.task_path,
                    job.attempts, state, exc.__class__.__name__)
        queue.finish(self.worker, done)
        return len(jobs)

    def _call(self, job: queue.Claimed) -> None:
        task = self.tasks.get(job.task_path)
        if task is None:
            task = self.tasks[job.task_path] = import_string(job.task_path)
        call = getattr(task, "call", task)
        call(*job.args, **job.kwargs)

    def run_until_empty(self, max_rounds: int = 1000) -> int:
        """Run every job that is ready now (tests, `aduan worker --once`, demo seeding)."""
        total = 0
        for _ in range(max_rounds):
            n = self.run_batch()
            total += n
            if not n:
                break
        return total

    # --- forever --------------------------------------------------------------------
    def run_forever(self, stop: threading.Event | None = None) -> None:
        if stop is not None:
            self.stop = stop
        beat = threading.Thread(target=self._heartbeats, name="aduan-job-lease", daemon=True)
        beat.start()
        listener = (Listener(lambda queue: wakeup.takes(queue, self.queues, self.exclude))
                    if connection.vendor == "postgresql" and psycopg else None)
        mailbox = (wakeup.open_mailbox(self.queues, self.exclude)
                   if connection.vendor == "sqlite" else None)
        try:
            while not self.stop.is_set():
                try:
                    claimed = self.run_batch()
                except DatabaseError as exc:
                    logger.warning("worker round failed (%s); retrying", exc.__class__.__name__)
                    connection.close()
                    self.stop.wait(0.5)
                    continue
                finally:
                    close_old_connections()
                if claimed:
                    continue
                if listener is not None:
                    listener.wait(max(self.poll, 1.0))
                elif mailbox is not None:
                    mailbox.wait(self.poll)
                else:
                    queue.WAKE.wait(self.poll)
                queue.WAKE.clear()
        finally:
            if listener is not None:
                listener.close()
            if mailbox is not None:
                mailbox.close()
            connection.close()  # this thread's own connection

    def _heartbeats(self) -> None:
        every = max(0.5, queue.lease_seconds() / 3)
        while not self.stop.wait(every):
            try:
                queue.heartbeat(self.worker)
            except DatabaseError:
                connection.close()
            finally:
                close_old_connections()
        connection.close()


def _database_usable() -> bool:
    try:
        return connection.connection is None or connection.is_usable()
    except Exception:
        return False


def _quietly(fn, *args) -> None:
    try:
        fn(*args)
    except DatabaseError:
        connection.close()
