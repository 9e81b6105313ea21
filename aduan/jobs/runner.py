"""The worker loop: claim a batch, run it, sleep until woken.

Wakeups: PostgreSQL `LISTEN aduan_jobs` (a trigger NOTIFYs at the commit of every
insert, naming the queue) on one connection per process, shared by its loops
(`Switchboard`); on SQLite a datagram from the committing process (`wakeup.py`), else
the in-process `WAKE` event; a short poll stays as the fallback. One heartbeat thread per
process renews the leases of the jobs its loops hold (`Leases`); a worker killed mid-job
stops renewing and its jobs are claimed again after the lease. So a worker process with
a main loop and four sending threads holds eight database connections on PostgreSQL
(the five loops', one LISTEN, one heartbeat, the periodic jobs'), not sixteen.
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


class Served:
    """Members (a process's loops) served by one thread of the process: started with the
    first member; `_members` answers None, and the thread ends, once the last has left."""

    thread_name = ""

    def __init__(self):
        self.lock = threading.Lock()
        self.members: set = set()
        self.thread: threading.Thread | None = None

    def add(self, member) -> None:
        with self.lock:
            self.members.add(member)
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name=self.thread_name,
                                               daemon=True)
                self.thread.start()

    def remove(self, member) -> threading.Thread | None:
        """Remove the member; the thread when it was the last (the thread ends soon)."""
        with self.lock:
            self.members.discard(member)
            return self.thread if not self.members else None

    def _members(self) -> tuple | None:
        with self.lock:
            if not self.members:
                self.thread = None
                return None
            return tuple(self.members)

    def _run(self) -> None:
        raise NotImplementedError


class Switchboard(Served):
    """The process's one LISTEN connection (autocommit, its own thread): each notification
    wakes every registered `Listener` whose filter takes the queue it names. It connects
    when the first listener registers, reconnects after a database restart (then wakes
    every listener: notifications may have been missed), and closes when the last one
    leaves."""

    thread_name = "aduan-job-listen"
    TICK = 0.25  # how often the thread looks whether anyone still listens

    def leave(self, listener: "Listener") -> None:
        thread = self.remove(listener)
        if thread is not None and thread is not threading.current_thread():
            thread.join(2 * self.TICK + 3)  # its connection is closed when this returns

    def _wake(self, wanted=lambda listener: True) -> None:
        with self.lock:
            listeners = tuple(self.members)
        for listener in listeners:
            if wanted(listener):
                listener.event.set()

    def _run(self) -> None:
        conn, lost = None, False
        try:
            while self._members() is not None:
                if conn is None:
                    try:
                        conn = _listen()
                    except psycopg.Error as exc:
                        logger.warning("LISTEN unavailable (%s); polling",
                                       exc.__class__.__name__)
                        time.sleep(2)
                        continue
                    if lost:  # back after a restart: jobs may have come meanwhile
                        self._wake()
                try:
                    for note in conn.notifies(timeout=self.TICK):
                        self._wake(lambda listener, queue=note.payload: listener.wanted(queue))
                except psycopg.Error:
                    _close(conn)
                    conn, lost = None, True
        finally:
            _close(conn)


def _listen():
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    conn = psycopg.connect(**params, autocommit=True, connect_timeout=3)
    conn.execute(f"LISTEN {queue.CHANNEL}")
    return conn


def _close(conn) -> None:
    if conn is not None:
        try:
            conn.close()
        except psycopg.Error:
            pass


SWITCHBOARD = Switchboard()


class Listener:
    """One loop's wake-ups on PostgreSQL, for the notifications whose payload (the queue)
    `wanted` accepts; registered with the process's `Switchboard` from the first `wait`
    until `close`, so a notification that arrives while the loop is busy is not lost."""

    def __init__(self, wanted=lambda queue: True):
        self.wanted = wanted
        self.event = threading.Event()
        self.joined = False

    def wait(self, timeout: float) -> None:
        if not self.joined:
            SWITCHBOARD.add(self)
            self.joined = True
        self.event.wait(timeout)
        self.event.clear()

    def close(self) -> None:
        if self.joined:
            SWITCHBOARD.leave(self)
            self.joined = False


class Leases(Served):
    """One thread per process renews the leases of the jobs its loops hold (one UPDATE for
    every loop's worker name, one connection), every third of the lease."""

    thread_name = "aduan-job-lease"

    def __init__(self):
        super().__init__()
        self.changed = threading.Event()

    def release(self, name: str) -> None:
        self.remove(name)
        self.changed.set()

    def _run(self) -> None:
        try:
            while True:
                self.changed.wait(max(0.5, queue.lease_seconds() / 3))
                self.changed.clear()
                names = self._members()
                if names is None:
                    return
                try:
                    queue.heartbeat(*names)
                except DatabaseError:
                    connection.close()
                finally:
                    close_old_connections()
        finally:
            connection.close()


LEASES = Leases()


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

    def _new_name(self) -> None:
        """After a round that failed on the database: jobs it claimed may still be
        `running` under this loop's name (their release or finish could not be written),
        and the process's heartbeat would renew them for as long as the loop lives, so
        nothing would run them again. Under a new name they lapse after one lease and are
        claimed again (jobs are idempotent)."""
        LEASES.release(self.worker)
        self.worker = queue.worker_name()
        LEASES.add(self.worker)

    # --- forever --------------------------------------------------------------------
    def run_forever(self, stop: threading.Event | None = None) -> None:
        if stop is not None:
            self.stop = stop
        LEASES.add(self.worker)
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
                    self._new_name()
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
            LEASES.release(self.worker)
            if listener is not None:
                listener.close()
            if mailbox is not None:
                mailbox.close()
            connection.close()  # this thread's own connection


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
