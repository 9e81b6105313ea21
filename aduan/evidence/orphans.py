"""Files that no database row names: found and reported (a log line), at most hourly.

Every FileField of every model is a reference; every file under the folders those fields
write to is a candidate. Files younger than GRACE belong to transactions still running.
Nothing is deleted here: a rolled-back request deletes its own files (store.py), so what
this finds is news (a crash between writing and committing, a manual edit) for staff.
"""

import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

logger = logging.getLogger("aduan.evidence")

FOLDERS = ("photos", "attachments")
GRACE = timedelta(hours=1)
EVERY_SECONDS = 3600
_last_run = 0.0


@dataclass
class Orphans:
    names: list[str] = field(default_factory=list)
    bytes: int = 0
    checked: int = 0


def _referenced() -> set[str]:
    names: set[str] = set()
    for model in apps.get_models():
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        for name in fields:
            names.update(n for n in model._default_manager.exclude(**{name: ""})
                         .values_list(name, flat=True).iterator() if n)
    return names


def _walk(storage, folder: str):
    try:
        dirs, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in dirs:
        yield from _walk(storage, f"{folder}/{sub}")


def find(storage=None, grace: timedelta = GRACE) -> Orphans:
    storage = storage or default_storage
    referenced = _referenced()
    cutoff = timezone.now() - grace
    found = Orphans()
    for folder in FOLDERS:
        for name in _walk(storage, folder):
            found.checked += 1
            if name in referenced:
                continue
            try:
                if storage.get_modified_time(name) > cutoff:
                    continue
                found.bytes += storage.size(name)
            except (OSError, NotImplementedError):
                pass
            found.names.append(name)
    return found


def sweep() -> Orphans | None:
    """Periodic job (aduan/worker.py): report orphan files, at most once an hour."""
    global _last_run
    if time.monotonic() - _last_run < EVERY_SECONDS and _last_run:
        return None
    _last_run = time.monotonic()
    found = find()
    if found.names:
        logger.warning("orphan files: %d (%d bytes) of %d checked, e.g. %s", len(found.names),
                       found.bytes, found.checked, ", ".join(found.names[:3]))
    return found
