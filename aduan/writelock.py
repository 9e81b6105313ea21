"""One short write transaction, with SQLite's single writer queued inside the process.

SQLite lets one connection write at a time. Threads of one process wait here, on a lock,
instead of in SQLite's busy handler, whose sleeps (up to 100 ms) would dominate request
times. Compute everything first, then write inside `writing()`. Inside an outer
transaction (which already holds SQLite's lock) it only opens a savepoint: taking the
process lock there could wait on a thread that waits on this transaction. A connection
shared between threads (the test live server's in-memory database) always takes the lock,
because another thread's open block is not this thread's: the lock is re-entrant for that.

Work that only follows from what was written (the dashboard's per-complaint figures) is
handed to `after_write`: it runs once per outermost `writing()` block, after that block
ended well, for every item gathered inside it, instead of once per event inside the lock.
"""

import threading
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, transaction

SQLITE_WRITER = threading.RLock()

Batch = dict[Callable[[Iterable], object], set]
_AFTER: ContextVar[Batch | None] = ContextVar("aduan_after_write", default=None)


def after_write(func: Callable[[Iterable], object], item) -> None:
    """Call `func(items)` once when the outermost `writing()` block ends well, with every
    item handed over inside it; at once when no block is open. Dropped when it fails."""
    batch = _AFTER.get()
    if batch is None:
        func([item])
    else:
        batch.setdefault(func, set()).add(item)


@contextmanager
def writing():
    if _AFTER.get() is not None:  # nested: the outermost block runs the batch
        with transaction.atomic():
            yield
        return
    batch: Batch = {}
    token = _AFTER.set(batch)
    try:
        own_block = connection.in_atomic_block and not connection.allow_thread_sharing
        if connection.vendor != "sqlite" or own_block:
            with transaction.atomic():
                yield
        else:
            with SQLITE_WRITER, transaction.atomic():
                yield
    finally:
        _AFTER.reset(token)
    for func, items in batch.items():
        func(items)
