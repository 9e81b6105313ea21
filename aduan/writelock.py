"""One short write transaction, with SQLite's single writer queued inside the process.

SQLite lets one connection write at a time. Threads of one process wait here, on a lock,
instead of in SQLite's busy handler, whose sleeps (up to 100 ms) would dominate request
times. Compute everything first, then write inside `writing()`. Inside an outer
transaction (which already holds SQLite's lock) it only opens a savepoint: taking the
process lock there could wait on a thread that waits on this transaction. A connection
shared between threads (the test live server's in-memory database) always takes the lock,
because another thread's open block is not this thread's: the lock is re-entrant for that.
"""

import threading
from contextlib import contextmanager

from django.db import connection, transaction

SQLITE_WRITER = threading.RLock()


@contextmanager
def writing():
    own_block = connection.in_atomic_block and not connection.allow_thread_sharing
    if connection.vendor != "sqlite" or own_block:
        with transaction.atomic():
            yield
        return
    with SQLITE_WRITER, transaction.atomic():
        yield
