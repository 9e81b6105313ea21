"""Claiming, finishing and retrying jobs: each step one conditional statement.

A claim takes up to `limit` ready rows in one UPDATE ... RETURNING (PostgreSQL adds
`FOR UPDATE SKIP LOCKED`, so workers never wait for each other; SQLite has one writer).
Every later step names the worker and the attempt it claimed, so a worker whose lease
ran out (and whose job another worker took) changes nothing.
"""

import json
import os
import random
import threading
import traceback
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F
from django.utils import timezone

from . import wakeup
from .models import Job

TABLE = Job._meta.db_table
READY, RUNNING, DEAD = Job.State.READY, Job.State.RUNNING, Job.State.DEAD

# Set when a job is committed in this process (a worker thread beside the tests wakes at
# once). Across processes PostgreSQL's NOTIFY does the same (a trigger on the table, see
# 0002), and on SQLite a datagram to each idle worker of the host (wakeup.py).
WAKE = threading.Event()
CHANNEL = "aduan_jobs"


def lease_seconds() -> float:
    return float(getattr(settings, "ADUAN_JOB_LEASE_SECONDS", 30))


def backoff(attempts: int) -> float:
    """Seconds before attempt `attempts + 1`: 2 s, 4 s, 8 s ... up to 10 minutes, ±10%."""
    base = float(getattr(settings, "ADUAN_JOB_BACKOFF_SECONDS", 2))
    delay = min(600.0, base * 2 ** max(0, attempts - 1))
    return delay * random.uniform(0.9, 1.1)


def worker_name() -> str:
    host = os.uname().nodename[:40]
    return f"{host}-{os.getpid()}-{threading.get_ident() % 100000}-{random.randrange(10**6)}"


def _dt(value):
    return connection.ops.adapt_datetimefield_value(value)


def wake_on_commit(queue: str = "") -> None:
    """Wake the idle workers that take `queue` ('': every worker) once this commits."""
    transaction.on_commit(lambda: _wake(queue))


def _wake(queue: str = "") -> None:
    WAKE.set()
    if connection.vendor == "sqlite":  # PostgreSQL: the table's trigger NOTIFYs
        wakeup.ring(queue)


@dataclass
class Claimed:
    id: int
    task_path: str
    args: list
    kwargs: dict
    attempts: int
    max_attempts: int


def claim(worker: str, limit: int = 20, queues: tuple[str, ...] = (),
          exclude: tuple[str, ...] = ()) -> list[Claimed]:
    """Up to `limit` ready jobs, highest priority first; only of `queues` when given,
    never of `exclude` (a worker's sending threads take the outbox, its main loop the rest)."""
    now = timezone.now()
    lock = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    which = ""
    if queues:
        which += f" AND queue IN ({', '.join(['%s'] * len(queues))})"
    if exclude:
        which += f" AND queue NOT IN ({', '.join(['%s'] * len(exclude))})"
    sql = (
        f"UPDATE {TABLE} SET state = %s, attempts = attempts + 1, lease_until = %s, "
        f"worker = %s WHERE id IN (SELECT id FROM {TABLE} WHERE state = %s AND "
        f"run_after <= %s{which} ORDER BY priority DESC, run_after, id LIMIT %s{lock}) "
        "RETURNING id, task_path, args, attempts, max_attempts"
    )
    params = [RUNNING, _dt(now + timedelta(seconds=lease_seconds())), worker, READY,
              _dt(now), *queues, *exclude, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    claimed = []
    for pk, path, args, attempts, max_attempts in sorted(rows):
        data = json.loads(args) if isinstance(args, str) else args
        claimed.append(Claimed(pk, path, data.get("args", []), data.get("kwargs", {}),
                               attempts, max_attempts))
    return claimed


def finish(worker: str, ids: list[int]) -> None:
    """Succeeded jobs leave the table (their effects are the record)."""
    if ids:
        Job.objects.filter(pk__in=ids, worker=worker, state=RUNNING).delete()


def fail(worker: str, job: Claimed, exc: BaseException) -> str:
    """Record why; retry with backoff, or mark dead after the last attempt."""
    error = "".join(traceback.format_exception(exc, limit=8))[-4000:]
    now = timezone.now()
    mine = Job.objects.filter(pk=job.id, worker=worker, state=RUNNING, attempts=job.attempts)
    if job.attempts >= job.max_attempts:
        mine.update(state=DEAD, lease_until=None, failed_at=now, last_error=error)
        return DEAD
    mine.update(state=READY, lease_until=None, last_error=error,
                run_after=now + timedelta(seconds=backoff(job.attempts)))
    return READY


def release(worker: str, ids: list[int]) -> None:
    """Hand back claimed jobs this worker will not run (it is stopping): not an attempt."""
    if ids:
        Job.objects.filter(pk__in=ids, worker=worker, state=RUNNING).update(
            state=READY, lease_until=None, attempts=F("attempts") - 1)


def heartbeat(*workers: str) -> int:
    """Renew the lease of every job these workers (a process's loops) hold."""
    until = timezone.now() + timedelta(seconds=lease_seconds())
    return Job.objects.filter(worker__in=workers, state=RUNNING).update(lease_until=until)


def reclaim_expired() -> int:
    """Jobs whose worker stopped renewing: ready again, or dead after the last attempt."""
    now = timezone.now()
    expired = Job.objects.filter(state=RUNNING, lease_until__lt=now)
    note = "lease expired: the worker stopped before finishing this attempt"
    dead = expired.filter(attempts__gte=F("max_attempts")).update(
        state=DEAD, lease_until=None, failed_at=now, last_error=note)
    again = expired.update(state=READY, lease_until=None, run_after=now, last_error=note)
    return dead + again


def retry_dead(pk: int) -> bool:
    """Staff put a dead job back in the queue with a fresh set of attempts."""
    done = Job.objects.filter(pk=pk, state=DEAD).update(
        state=READY, attempts=0, run_after=timezone.now(), failed_at=None)
    if done:
        wake_on_commit()
    return bool(done)


def counts() -> dict[str, int]:
    found = dict(Job.objects.values_list("state").annotate(n=Count("id")))
    return {state: found.get(state, 0) for state in Job.State.values}
