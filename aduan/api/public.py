"""The public face of a complaint as Open311 and the JSON API shape it.

Every rule about what may be shown lives in `aduan.complaints.public_face` (text, place,
rounded point, photos, before/after, timeline); this module only formats its
`PublicComplaint` for the two APIs (W3C times, absolute URLs).
"""

from datetime import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from aduan.complaints import public_face
from aduan.complaints.models import Complaint
from aduan.complaints.public_face import POINT_DECIMALS, PublicComplaint  # noqa: F401


def public_queryset(queryset: QuerySet | None = None) -> QuerySet:
    """Complaints that may appear publicly, loaded in a fixed query count."""
    return public_face.public_complaints(queryset)


def view(complaint: Complaint) -> PublicComplaint:
    return public_face.public_view(complaint)


def w3(moment: datetime | None) -> str | None:
    """W3C date-time with the city's offset, e.g. 2026-03-02T09:15:00+07:00."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def absolute(path: str | None) -> str | None:
    return settings.PUBLIC_URL + path if path else None


def open311_status(complaint: Complaint) -> str:
    return public_face.open311_status(complaint)


def description(complaint: Complaint, shown: PublicComplaint | None = None) -> str:
    """The public text, or "" while the wording waits for the triage team."""
    shown = shown or view(complaint)
    return shown.text or ""


def address(complaint: Complaint, shown: PublicComplaint | None = None) -> str:
    """Kelurahan, kecamatan and city names (RT/RW and street addresses stay private)."""
    return (shown or view(complaint)).place


def point(complaint: Complaint) -> tuple[float | None, float | None]:
    return public_face.point(complaint) or (None, None)


def photo_urls(shown: PublicComplaint) -> list[dict]:
    return [{"tag": p.tag, "url": absolute(p.url), "thumb_url": absolute(p.thumb_url)}
            for p in shown.photos]


def media_url(complaint: Complaint, shown: PublicComplaint | None = None) -> str | None:
    """The first photo of the report (the problem as the citizen saw it)."""
    shown = shown or view(complaint)
    return absolute(shown.photos[0].url) if shown.photos else None


def timeline(complaint: Complaint, shown: PublicComplaint | None = None) -> list[dict]:
    shown = shown or view(complaint)
    return [{"at": w3(line.at), "kind": line.kind, "title": line.title, "note": line.note}
            for line in shown.timeline]


def status_notes(complaint: Complaint, shown: PublicComplaint | None = None) -> str | None:
    shown = shown or view(complaint)
    if not shown.timeline:
        return None
    last = shown.timeline[-1]
    return f"{last.title}: {last.note}" if last.note else last.title


def public_url(complaint: Complaint) -> str:
    return settings.PUBLIC_URL + reverse("citizen:public", args=[complaint.ref])
