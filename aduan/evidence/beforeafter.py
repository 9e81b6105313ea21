"""The before/after picture of a resolved complaint, and sending it to the citizen.

`build(complaint_id)` runs as a task queued with the "resolved" event: it takes the
public copies (EXIF-free, what the official chose to publish) of the first before photo
and the last after photo, combines them with `composite.before_after`, stores a
`BeforeAfter` row (the gallery reads it) and queues the picture to the citizen on their
chat channel. It is idempotent: the same pair of photos is built and sent once.
"""

from __future__ import annotations

import io
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from aduan.complaints import public_face
from aduan.complaints.models import Complaint, Status
from aduan.regions.models import Region

from . import composite
from .images import JAKARTA, THUMB_QUALITY, ImageRejected
from .models import BeforeAfter, Photo

logger = logging.getLogger("aduan.evidence")

THUMB_WIDTH = 720
SHOWN = (Status.RESOLVED, Status.CLOSED)


def pair(photos) -> tuple[Photo | None, Photo | None]:
    """The first before photo and the last after photo (photos in upload order)."""
    befores = [p for p in photos if p.tag == Photo.Tag.BEFORE]
    afters = [p for p in photos if p.tag == Photo.Tag.AFTER]
    return (befores[0] if befores else None, afters[-1] if afters else None)


def _date(photo: Photo) -> str:
    return timezone.localtime(photo.taken_at or photo.created_at, JAKARTA).strftime("%d-%m-%Y")


def _read(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def compose(before: Photo, after: Photo, *, reference: str, footer: str) -> tuple[bytes, bytes]:
    """(picture, thumbnail) JPEG bytes from two stored photos' public copies."""
    jpeg = composite.before_after(
        _read(before.public), _read(after.public), reference=reference,
        before_date=_date(before), after_date=_date(after), footer=footer)
    im = Image.open(io.BytesIO(jpeg))
    im.thumbnail((THUMB_WIDTH, THUMB_WIDTH), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    im.save(out, "JPEG", quality=THUMB_QUALITY, optimize=True)
    return jpeg, out.getvalue()


def _places(region: Region | None) -> tuple[Region | None, Region | None]:
    if region is None:
        return None, None
    if region.level == Region.Level.KELURAHAN:
        return region, region.parent
    if region.level == Region.Level.KECAMATAN:
        return None, region
    return None, None


def build(complaint_id: int) -> BeforeAfter | None:
    complaint = Complaint.objects.select_related(
        "category", "region__parent", "reporter").filter(pk=complaint_id).first()
    if complaint is None or complaint.status not in SHOWN:
        return None  # reopened (or gone) since the task was queued
    if public_face.identity_category(complaint):
        # A KTP/KK may be in the photos: no picture is ever made, so none can be published.
        BeforeAfter.objects.filter(complaint=complaint).delete()
        return None
    before, after = pair(Photo.objects.filter(complaint=complaint).order_by("created_at", "id"))
    if before is None or after is None:
        return None
    current = BeforeAfter.objects.filter(complaint=complaint).first()
    if current is None or (current.before_id, current.after_id) != (before.pk, after.pk):
        kelurahan, kecamatan = _places(complaint.region)
        footer = " · ".join(filter(None, [
            kelurahan.name if kelurahan else (kecamatan.name if kecamatan else ""),
            complaint.category.name if complaint.category else "",
        ]))
        try:
            jpeg, thumb = compose(before, after, reference=complaint.ref, footer=footer)
        except (ImageRejected, OSError) as exc:
            logger.warning("before/after for %s not built: %s", complaint.ref, exc)
            return None
        current = current or BeforeAfter(complaint=complaint)
        current.before, current.after = before, after
        current.category_id = complaint.category_id
        current.kelurahan, current.kecamatan = kelurahan, kecamatan
        current.created_at = complaint.resolved_at or timezone.now()
        current.image.save(f"{after.pk}.jpg", ContentFile(jpeg), save=False)
        current.thumb.save(f"{after.pk}-thumb.jpg", ContentFile(thumb), save=False)
        current.save()
    notify_citizen(complaint, current)
    return current


def image_url(item: BeforeAfter) -> str:
    path = reverse("evidence:before_after_image", args=[item.pk, "full"])
    return f"{settings.PUBLIC_URL}{path}?v={item.after_id}"


def caption(complaint: Complaint) -> str:
    return (f"Foto sebelum/sesudah aduan {complaint.ref}. Balas SUDAH bila sudah beres, "
            "atau BELUM bila belum beres.")


def notify_citizen(complaint: Complaint, item: BeforeAfter):
    """Queue the picture on the citizen's channel, once per pair of photos. Returns the
    outbox row, or None where there is no chat to send it to."""
    from .notify import queue_image

    return queue_image(complaint, f"before-after:{complaint.pk}:{item.after_id}",
                             image_url(item), caption(complaint))
