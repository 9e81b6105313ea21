"""Wake-ups between the processes of one host, for SQLite (PostgreSQL has LISTEN/NOTIFY).

A SQLite database lives on one host, so its workers can be woken the way PostgreSQL's
are, without a server: each idle worker waits on a Unix datagram socket of its own in
`ADUAN_DATA_DIR/run/`, and a process that commits a job sends one byte to every socket
there (`ring`). A worker that cannot bind one (a path too long for a socket, a read-only
folder) polls, as every worker still does between wake-ups for jobs due later.
"""

import logging
import os
import select
import socket
import threading
from pathlib import Path

from django.conf import settings

logger = logging.getLogger("aduan.worker")

PREFIX = "worker-"


def folder() -> Path:
    return Path(settings.DATA_DIR) / "run"


def open_mailbox(queues: tuple[str, ...] = (), exclude: tuple[str, ...] = ()
                 ) -> "Mailbox | None":
    """This worker loop's mailbox, or None when no socket can be bound (the caller polls).
    Its name carries the loop's queue filter, so `ring` wakes only the loops that take the
    queue committed to."""
    ident = f"{os.getpid()}-{threading.get_ident() % 100000}"
    path = folder() / f"{PREFIX}{ident}.{','.join(queues)}.{','.join(exclude)}.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        sock.bind(str(path))
    except OSError as exc:
        sock.close()
        logger.info("no wake-up socket at %s (%s); polling", path, exc)
        return None
    sock.setblocking(False)
    return Mailbox(sock, path)


class Mailbox:
    """The socket an idle worker waits on."""

    def __init__(self, sock: socket.socket, path: Path):
        self.sock: socket.socket | None = sock
        self.path = path

    def wait(self, timeout: float) -> None:
        if self.sock is None:  # closed
            return
        ready, _, _ = select.select([self.sock], [], [], timeout)
        while ready:  # every byte waiting is the same news
            try:
                self.sock.recv(64)
            except BlockingIOError:
                break

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.path.unlink(missing_ok=True)
            self.sock = None


_sender: socket.socket | None = None


def takes(queue: str, queues: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> bool:
    """Whether a loop claiming `queues` (every queue when empty) but never `exclude` wants
    to wake for a job of `queue`; an unnamed queue ('') wakes every loop. The rule of
    `queue.claim`'s filter, for wake-ups (PostgreSQL's notification payload names the
    queue, SQLite's mailbox names carry the filter)."""
    return not queue or ((not queues or queue in queues) and queue not in exclude)


def _takes(name: str, queue: str) -> bool:
    """Whether the loop behind mailbox `name` takes jobs of `queue` (see `open_mailbox`)."""
    parts = name.removesuffix(".sock").split(".")
    if len(parts) != 3:
        return True
    queues, exclude = (tuple(filter(None, part.split(","))) for part in parts[1:])
    return takes(queue, queues, exclude)


def ring(queue: str = "") -> None:
    """Wake every idle worker loop of this host that takes `queue` ('': all of them), after
    a job was committed. Never raises."""
    global _sender
    try:
        entries = list(os.scandir(folder()))
    except OSError:
        return  # no worker has waited here yet
    if _sender is None:
        _sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        _sender.setblocking(False)
    for entry in entries:
        if not entry.name.startswith(PREFIX) or not _takes(entry.name, queue):
            continue
        try:
            _sender.sendto(b"!", entry.path)
        except BlockingIOError:
            pass  # its queue is full: it is awake anyway
        except (ConnectionRefusedError, FileNotFoundError):
            Path(entry.path).unlink(missing_ok=True)  # its worker died without cleaning up
        except OSError:
            pass
