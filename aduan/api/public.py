"""The public face of a complaint, shared by Open311 and the JSON API.

Everything here is safe to show anyone: no reporter name, phone, e-mail, NIK, original text,
private address or tracking token. The rules, in one place:

- text: `text_public` (masked by triage), masked again, and with the reporter's own name,
  phone and e-mail blanked if they still appear in it;
- place: the kelurahan/kecamatan/city names, never the address the reporter typed;
- point: rounded to `POINT_DECIMALS` decimals (about 110 m), and withheld entirely for
  categories that may hold identity data (adminduk, bansos), where a point is a home;
- photos: the re-encoded public copy (no EXIF), never the original;
- status notes: the latest public timeline line, masked, without the acknowledgement text
  (it carries the citizen's private tracking link).
"""

from datetime import datetime

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from aduan.complaints import publicity
from aduan.complaints.models import TERMINAL, Complaint, Event
from aduan.complaints.timeline import TITLES

POINT_DECIMALS = 3

PUBLIC_RELATED = ("category", "region__parent__parent", "owner", "reporter", "duplicate_of")
HEAVY = ("region__boundary", "region__parent__boundary", "region__parent__parent__boundary")


def public_queryset(queryset: QuerySet | None = None) -> QuerySet:
    """Complaints with everything the public representation reads, in a fixed query count."""
    queryset = Complaint.objects.all() if queryset is None else queryset
    return queryset.select_related(*PUBLIC_RELATED).defer(*HEAVY).prefetch_related(
        "photos",
        Prefetch("events", queryset=Event.objects.filter(public=True).order_by("created_at", "id"),
                 to_attr="public_events"),
    )


def w3(moment: datetime | None) -> str | None:
    """W3C date-time with the city's offset, e.g. 2026-03-02T09:15:00+07:00."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def open311_status(complaint: Complaint) -> str:
    return "closed" if complaint.status in TERMINAL else "open"


def clean_text(complaint: Complaint, text: str) -> str:
    """Mask personal data in text bound for the public (rules in complaints.publicity)."""
    return publicity.clean_text(complaint, text)


def description(complaint: Complaint) -> str:
    return clean_text(complaint, complaint.text_public)


def place_names(complaint: Complaint) -> list[str]:
    """Kelurahan, kecamatan, city: most specific first."""
    names, region = [], complaint.region
    while region is not None:
        names.append(region.name)
        if len(names) == 3:
            break
        region = region.parent
    return names


def address(complaint: Complaint) -> str:
    """Kelurahan, kecamatan and city names (RT/RW and street addresses stay private)."""
    return ", ".join(place_names(complaint))


def point(complaint: Complaint) -> tuple[float | None, float | None]:
    """The complaint's point rounded for privacy, or the kelurahan's centre, or nothing."""
    if complaint.category is not None and complaint.category.may_hold_identity:
        return None, None
    lat, lng = complaint.lat, complaint.lng
    if (lat is None or lng is None) and complaint.region is not None:
        lat, lng = complaint.region.centroid_lat, complaint.region.centroid_lng
    if lat is None or lng is None:
        return None, None
    return round(lat, POINT_DECIMALS), round(lng, POINT_DECIMALS)


def photo_url(photo, size: str = "public") -> str:
    return settings.PUBLIC_URL + reverse("photo", args=[photo.pk, size])


def photos(complaint: Complaint) -> list:
    if complaint.category is not None and complaint.category.may_hold_identity:
        return []
    return [p for p in complaint.photos.all() if publicity.photo_is_public(p)]


def media_url(complaint: Complaint) -> str | None:
    """The first photo of the report (the problem as the citizen saw it)."""
    items = photos(complaint)
    return photo_url(items[0]) if items else None


def _public_events(complaint: Complaint) -> list[Event]:
    events = getattr(complaint, "public_events", None)
    if events is None:
        events = list(complaint.events.filter(public=True).order_by("created_at", "id"))
    return events


def event_note(complaint: Complaint, event: Event) -> str:
    """An event's public note; the acknowledgement (private tracking link) is left out."""
    if event.data.get("acknowledgement") or event.kind == "received":
        return ""
    note = event.note or ""
    if event.kind in ("assigned", "forwarded") and event.data.get("unit"):
        note = f"{event.data['unit']}. {note}".strip(". ") if note else event.data["unit"]
    if event.kind == "merged" and event.data.get("into"):
        note = f"Ikuti aduan {event.data['into']}"
    return clean_text(complaint, note)


def timeline(complaint: Complaint) -> list[dict]:
    return [
        {"at": w3(e.created_at), "kind": e.kind, "title": str(TITLES.get(e.kind, e.kind)),
         "note": event_note(complaint, e)}
        for e in _public_events(complaint)
    ]


def status_notes(complaint: Complaint) -> str | None:
    events = _public_events(complaint)
    if not events:
        return None
    last = events[-1]
    title = str(TITLES.get(last.kind, last.kind))
    note = event_note(complaint, last)
    return f"{title}: {note}" if note else title


def public_url(complaint: Complaint) -> str:
    return settings.PUBLIC_URL + reverse("citizen:public", args=[complaint.ref])
