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
    end (those still waiting for an outer transaction, as in tests, are left alone).
    Inside another such block, the outer one does it (its transaction may roll back
    after this block ends)."""
    if _WRITTEN.get() is not None:
        yield
        return
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
             "names": [f.name for f in _files(photo)]}

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


def _files(photo: Photo) -> list:
    return [photo.original, photo.public, photo.thumb]


def _discard(photo: Photo) -> None:
    """Delete the files of a photo whose row the database does not keep."""
    _delete(photo.original.storage, [f.name for f in _files(photo)])


def prepare(data: bytes, *, tag: str = Photo.Tag.BEFORE, user=None,
            by_citizen: bool = False) -> Photo:
    """Process a photo and write its files; the row is not saved yet (`record` saves it).
    The slow part of storing a photo (decoding, re-encoding, three uploads), so it can
    run before a write transaction instead of inside it. Raises ImageRejected."""
    image = process(data)
    photo = Photo(
        tag=tag, content_type=image.content_type,
        width=image.width, height=image.height, taken_at=image.taken_at, phash=image.phash,
        sha256=image.sha256,
        gps_lat=image.gps[0] if image.gps else None,
        gps_lng=image.gps[1] if image.gps else None,
        uploaded_by=user if user is not None and user.is_authenticated else None,
        by_citizen=by_citizen,
    )
    _write(_files(photo), [data, image.public_jpeg, image.thumb_jpeg])
    return photo


def record(photo: Photo, *, complaint=None, activity=None, check: bool = True) -> Photo:
    """Save the row of a prepared photo on a complaint or activity post. A complaint's
    proof checks are recomputed at once (`check=False` to batch them)."""
    photo.complaint, photo.activity = complaint, activity
    try:
        photo.save()
    except Exception:
        _discard(photo)
        raise
    _follow(photo)
    if complaint is not None and check:
        from .checks import refresh

        refresh(complaint)
    return photo


@contextmanager
def prepared(photos: list[bytes], **kwargs):
    """The photos prepared (files written) before the caller's write transaction, which
    then only `record`s them; those refused (ImageRejected) are left out. When the block
    ends, the files of photos the database did not keep are deleted: never recorded, or
    recorded in a transaction that rolled back (`files_follow_db`)."""
    ready: list[Photo] = []
    try:
        for data in photos:
            try:
                ready.append(prepare(data, **kwargs))
            except ImageRejected as exc:
                logger.info("photo refused: %s", exc)
        with files_follow_db():
            yield ready
    finally:
        for photo in ready:
            if photo.pk is None:
                _discard(photo)


def save_photo(data: bytes, *, complaint=None, tag: str = Photo.Tag.BEFORE, user=None,
               by_citizen: bool = False, activity=None, check: bool = True) -> Photo:
    """Process and store one photo. Raises ImageRejected with a message for the user.

    A complaint's proof checks are recomputed at once (`check=False` to batch them)."""
    return record(prepare(data, tag=tag, user=user, by_citizen=by_citizen),
                  complaint=complaint, activity=activity, check=check)
