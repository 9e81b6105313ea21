"""Save one attachment through the storage API, with a size limit per kind."""

import hashlib
import mimetypes
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection

from .models import Attachment

MB = 1024 * 1024
# WhatsApp's own limits: audio and video 16 MB, stickers 500 KB (animated), documents
# 100 MB; our downloads stop at channels.http.MAX_DOWNLOAD (16 MB) anyway.
DEFAULT_LIMITS = {"voice": 16 * MB, "audio": 16 * MB, "video": 16 * MB,
                  "document": 16 * MB, "sticker": 1 * MB}
# Served inline to staff only when the type is one of these; anything else downloads.
INLINE_TYPES = ("audio/", "video/", "image/jpeg", "image/png", "image/webp", "image/gif",
                "application/pdf")


class AttachmentRejected(ValueError):
    """Empty or too large: the message is still recorded, the file is not kept."""


def limit(kind: str) -> int:
    limits = getattr(settings, "ADUAN_ATTACHMENT_LIMITS", None) or DEFAULT_LIMITS
    return limits.get(kind, DEFAULT_LIMITS["document"])


def save_attachment(data: bytes, *, kind: str, mime_type: str = "", name: str = "",
                    complaint=None, reporter=None, channel: str = "",
                    provider_id: str = "") -> Attachment:
    if not data:
        raise AttachmentRejected("berkas kosong")
    if len(data) > limit(kind):
        raise AttachmentRejected(f"berkas {len(data)} bita melebihi batas {limit(kind)}")
    mime = (mime_type.split(";")[0].strip().lower() or "application/octet-stream")[:100]
    ext = mimetypes.guess_extension(mime) or ".bin"
    item = Attachment(complaint=complaint, reporter=reporter, kind=kind, mime_type=mime,
                      name=name[:200], size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                      channel=channel[:20], provider_id=provider_id[:300])
    item.file.save(f"{uuid.uuid4().hex}{ext}", ContentFile(data), save=False)
    item.save()
    return item


def adopt_pending(complaint) -> int:
    """Attachments the reporter sent before the complaint existed join it."""
    if complaint.reporter_id is None or not complaint.reporter.handle:
        return 0  # a reporter without a handle (the web form) is new with each complaint
    # Plain SQL: asked for every complaint a chat opens (most adopt nothing), and building
    # the ORM's UPDATE cost several times running it.
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {connection.ops.quote_name(Attachment._meta.db_table)} "
                       "SET complaint_id = %s WHERE reporter_id = %s AND complaint_id IS NULL",
                       [complaint.pk, complaint.reporter_id])
        return cursor.rowcount


def is_inline(mime_type: str) -> bool:
    return mime_type.startswith(INLINE_TYPES)
