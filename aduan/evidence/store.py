"""Store an uploaded photo: validated by content, public copy without EXIF, thumbnail.

Files follow the database: a photo saved inside a transaction that is then rolled back (a
refused action) has its files deleted when the request ends (`files_follow_db`, opened by
the upload middleware for every POST); outside a request the periodic orphan sweep
(evidence/orphans.py) finds what is left.
"""

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.files.base import ContentFile
from django.db import connection, transaction

from .images import ImageRejected, process
from .models import Photo

__all__ = ["ImageRejected", "files_follow_db", "save_photo"]

logger = logging.getLogger("aduan.evidence")
_WRITTEN: ContextVar[list | None] = ContextVar("aduan_written_photos", default=None)


@contextmanager
def files_follow_db():
    """Within this block, files of photos whose transaction rolls back are deleted at the
    end (those still waiting for an outer transaction, as in tests, are left alone)."""
    written: list = []
    token = _WRITTEN.set(written)
    try:
        yield
    finally:
        _WRITTEN.reset(token)
        queued = {id(func) for _sids, func, _robust in connection.run_on_commit}
        for entry in written:
            if not entry["committed"] and id(entry["callback"]) not in queued:
                _delete(entry["storage"], entry["names"])


def _delete(storage, names) -> None:
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("could not delete the file of a refused photo")


def _follow(photo: Photo) -> None:
    written = _WRITTEN.get()
    if written is None or not connection.in_atomic_block:
        return
    entry = {"committed": False, "storage": photo.original.storage,
             "names": [photo.original.name, photo.public.name, photo.thumb.name]}

    def committed():
        entry["committed"] = True

    entry["callback"] = committed
    transaction.on_commit(committed)
    written.append(entry)


def _write(files: list, contents: list[bytes]) -> None:
    """Save each file's content; if one fails, those already written are deleted."""
    for n, (file, content) in enumerate(zip(files, contents, strict=True)):
        try:
            file.save(file.field.name, ContentFile(content), save=False)
        except Exception:
            _delete(file.storage, [written.name for written in files[:n]])
            raise


def save_photo(data: bytes, *, complaint=None, tag: str = Photo.Tag.BEFORE, user=None,
               by_citizen: bool = False, activity=None, check: bool = True) -> Photo:
    """Process and store one photo. Raises ImageRejected with a message for the user.

    A complaint's proof checks are recomputed at once (`check=False` to batch them)."""
    image = process(data)
    photo = Photo(
        complaint=complaint, activity=activity, tag=tag, content_type=image.content_type,
        width=image.width, height=image.height, taken_at=image.taken_at, phash=image.phash,
        sha256=image.sha256,
        gps_lat=image.gps[0] if image.gps else None,
        gps_lng=image.gps[1] if image.gps else None,
        uploaded_by=user if user is not None and user.is_authenticated else None,
        by_citizen=by_citizen,
    )
    files = [photo.original, photo.public, photo.thumb]
    _write(files, [data, image.public_jpeg, image.thumb_jpeg])
    try:
        photo.save()
    except Exception:
        _delete(photo.original.storage, [f.name for f in files])
        raise
    _follow(photo)
    if complaint is not None and check:
        from .checks import refresh

        refresh(complaint)
    return photo
