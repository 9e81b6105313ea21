"""Tasks the queue tests run (module level, as django-tasks requires). Runs are counted in
this process: the tests run their workers in threads of the test process."""

import threading
from collections import Counter

from django_tasks import task

RUNS: Counter = Counter()
LOCK = threading.Lock()


def runs(key: str) -> int:
    with LOCK:
        return RUNS[key]


def _count(key: str) -> int:
    with LOCK:
        RUNS[key] += 1
        return RUNS[key]


@task()
def record(key: str) -> None:
    _count(key)


@task()
def flaky(key: str, failures: int) -> None:
    """Fails its first `failures` runs, then succeeds."""
    if _count(key) <= failures:
        raise RuntimeError(f"provider down (run {RUNS[key]})")


@task()
def broken(key: str) -> None:
    _count(key)
    raise ValueError("cannot be done: the record it needs is gone")
