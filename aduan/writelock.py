"""One short write transaction, with SQLite's single writer queued before SQLite.

SQLite lets one connection write at a time. Threads of one process wait here, on a lock,
and processes of the host on a lock file beside the database (flock), instead of in
SQLite's busy handler, whose sleeps (1, 2, 5 ... up to 100 ms, longer the more often
another process took the lock meanwhile) would dominate request times: the kernel wakes
the next process as soon as the lock is free. Compute everything first, then write
inside `writing()`. Inside an outer transaction (which already holds SQLite's lock) it
only opens a savepoint: taking the process lock there could wait on a thread that waits
on this transaction. A connection shared between threads (the test live server's
in-memory database) always takes the lock, because another thread's open block is not
this thread's: the lock is re-entrant for that.

Work that only follows from what was written (the dashboard's per-complaint figures) is
handed to `after_write`: it runs once per outermost `writing()` block, after that block
ended well, for every item gathered inside it, instead of once per event inside the lock.

`together(run, items)` is a group commit for short writes many requests make at once
(webhook events): the threads of one process that call it meanwhile have their items
written by one of them in one call of `run`, and each returns once the commit that holds
its rows is done. One statement or transaction (SQLite's lock taken once, PostgreSQL's WAL
flushed once) serves them all.
"""

import fcntl
import os
import threading
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, transaction


class _SqliteWriter:
    """This process's turn to write to a SQLite file: a re-entrant thread lock, then (at
    the outermost level) an exclusive flock on `<database>-writer.lock`. The lock file is
    opened per process (a descriptor inherited through fork would be shared, not locked);
    an in-memory database or an unwritable folder has only the thread lock."""

    def __init__(self):
        self.thread = threading.RLock()
        self.depth = 0
        self.files: dict[tuple[int, str], int | None] = {}

    def _file(self) -> int | None:
        key = (os.getpid(), str(connection.settings_dict["NAME"]))
        try:
            return self.files[key]
        except KeyError:
            pass
        fd = None
        if not connection.is_in_memory_db():
            try:
                fd = os.open(f"{key[1]}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
            except OSError:
                pass
        self.files[key] = fd
        return fd

    @contextmanager
    def __call__(self):
        with self.thread:
            self.depth += 1
            fd = self._file() if self.depth == 1 else None
            try:
                if fd is not None:
                    fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                if fd is not None:
                    fcntl.flock(fd, fcntl.LOCK_UN)
                self.depth -= 1


SQLITE_WRITER = _SqliteWriter()

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
            with SQLITE_WRITER(), transaction.atomic():
                yield
    finally:
        _AFTER.reset(token)
    for func, items in batch.items():
        func(items)


class _Turn:
    """One caller's items waiting in `together()`, and what came of them."""

    __slots__ = ("items", "woken", "lead", "finished", "results", "error")

    def __init__(self, items: list):
        self.items, self.woken = items, threading.Event()
        self.lead = self.finished = False
        self.results: list = []
        self.error: BaseException | None = None

    def end(self, results: list | None = None, error: BaseException | None = None) -> None:
        self.results, self.error, self.finished = results or [], error, True


class _Group:
    """The callers of `together(run, ...)` for one `run`: who waits, whether one leads."""

    def __init__(self):
        self.lock, self.waiting, self.leading = threading.Lock(), [], False


_GROUPS: dict[Callable, _Group] = {}
_GROUPS_LOCK = threading.Lock()


def together(run: Callable[[list], list], items: list) -> list:
    """`run(items)`, shared with the other threads of this process calling `together` with
    the same `run` meanwhile: a group commit. `run` writes a list of items (in its own
    transaction) and returns one result per item; it is called once for everyone's items
    and each caller gets its own results back, once they are committed.

    The first caller leads: it takes every waiting turn, calls `run` and wakes them; then
    the oldest turn that came meanwhile leads the next group, so no caller serves others
    for long. When a group fails, each turn runs again alone: one bad input fails only its
    own request. Inside an outer transaction `run(items)` is called at once (that
    transaction decides). `run` works in the leader's thread and database connection."""
    if connection.in_atomic_block or not items:
        return run(items) if items else []
    with _GROUPS_LOCK:
        group = _GROUPS.setdefault(run, _Group())
    turn = _Turn(items)
    with group.lock:
        group.waiting.append(turn)
        turn.lead, group.leading = not group.leading, True
    if not turn.lead:
        turn.woken.wait()  # finished by a leader, or made the next leader
    if not turn.finished:
        _lead(run, group)
    if turn.error is not None:
        raise turn.error
    return turn.results


def _lead(run: Callable[[list], list], group: _Group) -> None:
    with group.lock:
        turns = list(group.waiting)
        group.waiting.clear()
    try:
        _run(run, turns)
    finally:
        with group.lock:
            successor = group.waiting[0] if group.waiting else None
            if successor is None:
                group.leading = False
            else:
                successor.lead = True
        for turn in turns:
            if not turn.finished:  # the leader was stopped (BaseException) mid-group
                turn.end(error=RuntimeError("the write group stopped before its commit"))
            turn.woken.set()
        if successor is not None:
            successor.woken.set()


def _run(run: Callable[[list], list], turns: list[_Turn]) -> None:
    try:
        results = run([item for turn in turns for item in turn.items])
    except Exception as exc:
        if len(turns) == 1:
            turns[0].end(error=exc)
            return
        for turn in turns:  # find whose input failed: each alone
            try:
                turn.end(run(turn.items))
            except Exception as own:
                turn.end(error=own)
        return
    start = 0
    for turn in turns:
        turn.end(results[start:start + len(turn.items)])
        start += len(turn.items)
