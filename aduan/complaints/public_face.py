"""The public face of a complaint: the ONE place that decides what anyone may see.

Every public exit (tracking page, timeline, photo URLs, before/after pictures, gallery,
activity feed, Open311, the JSON API, statistics, map, exports) renders from here:

- `public_complaints()`: the complaints that may appear publicly at all, with what
  `public_view` reads loaded in a fixed number of queries;
- `public_view(complaint)` -> `PublicComplaint`: reference, category, status, place names,
  a rounded point, the masked public text (None while the wording waits for the triage
  team), the photos and before/after picture that may be shown, public timeline lines;
- `photo_is_public(photo)`, `before_after_is_public(item)` (and `public_before_afters()`,
  the same rule as a query for lists), `post_*` for activity posts.

Rules:
- text: the approved wording, or the masked text when the masker was sure ("auto"); the
  masker runs again at render time with the reporter's own name/phone/e-mail, and the
  private tracking token is removed. While the wording is pending: no text, no photos,
  no timeline notes (category, place and status only).
- identity categories (`Category.may_hold_identity`: a KTP or KK photo is likely) never
  show a photo, a before/after picture or a point, in any form.
- place: kelurahan/kecamatan/city names only; the point rounded to `POINT_DECIMALS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from aduan.regions.models import Region
from aduan.triage import pii

from .models import TERMINAL, Complaint, Event, PublicText, Status
from .timeline import TITLES

POINT_DECIMALS = 3  # about 110 m: a street, not a house
SHOWN_TEXT = (PublicText.AUTO, PublicText.APPROVED)
BEFORE_AFTER_SHOWN = (Status.RESOLVED, Status.CLOSED)

# Joined to each page of complaints; the place (kelurahan, kecamatan, city) comes in a
# query of its own: with those three joins too, PostgreSQL spent 15 ms planning every
# Open311 page (median 88 -> 67 ms at a million complaints, under load).
PUBLIC_RELATED = ("category", "owner", "reporter", "duplicate_of", "before_after")


@dataclass(frozen=True)
class PublicPhoto:
    pk: int
    tag: str
    tag_label: str
    url: str  # site-relative path
    thumb_url: str


@dataclass(frozen=True)
class PublicLine:
    at: datetime
    kind: str
    title: str
    who: str
    note: str
    photos: list[PublicPhoto] = field(default_factory=list)

    @property
    def created_at(self) -> datetime:  # the name the timeline template reads
        return self.at


@dataclass(frozen=True)
class PublicComplaint:
    reference: str
    category_code: str | None
    category_label: str | None
    status: str
    status_label: str
    open311_status: str  # "open" or "closed"
    urgency: str
    kelurahan: str | None
    kecamatan: str | None
    city: str | None
    region_code: str | None
    point: tuple[float, float] | None
    text: str | None  # None while the public wording waits for the triage team
    text_withheld: bool
    photos: list[PublicPhoto]
    before_after_url: str | None  # site-relative path, or None
    before_after_thumb_url: str | None
    timeline: list[PublicLine]
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    owner: str | None
    duplicate_of: str | None
    rating: int | None

    @property
    def place(self) -> str:
        """Kelurahan, kecamatan, city (never RT/RW nor a street address)."""
        return ", ".join(p for p in (self.kelurahan, self.kecamatan, self.city) if p)

    @property
    def url(self) -> str:
        return reverse("citizen:public", args=[self.reference])


# --- which complaints, which photos ----------------------------------------------------------

def public_complaints(queryset: QuerySet | None = None) -> QuerySet:
    """Complaints that may appear publicly at all, loaded for `public_view`."""
    queryset = Complaint.objects.all() if queryset is None else queryset
    places = Region.objects.select_related("parent__parent").defer(
        "boundary", "parent__boundary", "parent__parent__boundary")
    return queryset.select_related(*PUBLIC_RELATED).prefetch_related(
        Prefetch("region", queryset=places), "photos__activity",
        Prefetch("events",
                 queryset=Event.objects.filter(public=True).order_by("created_at", "id"),
                 to_attr="public_events"))


def identity_category(complaint) -> bool:
    category = complaint.category if complaint is not None and complaint.category_id else None
    return bool(category is not None and category.may_hold_identity)


def text_shown(complaint: Complaint) -> bool:
    return complaint.public_text_state in SHOWN_TEXT


def photo_is_public(photo) -> bool:
    """A photo's public copy may be served: not an identity category's, not from an
    unpublished activity post, not of a complaint whose public wording is still pending."""
    activity = photo.activity if photo.activity_id else None
    if activity is not None:
        if not activity.is_public:
            return False
        if activity.complaint_id and identity_category(activity.complaint):
            return False
    complaint = photo.complaint if photo.complaint_id else None
    if complaint is None:
        return True
    return not identity_category(complaint) and text_shown(complaint)


def public_photos(complaint: Complaint) -> list:
    """The complaint's photo rows that may be shown (upload order)."""
    if identity_category(complaint) or not text_shown(complaint):
        return []
    return [p for p in complaint.photos.all() if photo_is_public(p)]


def _photo(photo) -> PublicPhoto:
    return PublicPhoto(pk=photo.pk, tag=photo.tag, tag_label=str(photo.get_tag_display()),
                       url=reverse("photo", args=[photo.pk, "public"]),
                       thumb_url=reverse("photo", args=[photo.pk, "thumb"]))


def before_after_is_public(item) -> bool:
    """A stored before/after picture may be served (gallery, page, feed, chat link)."""
    complaint = item.complaint
    return (complaint.status in BEFORE_AFTER_SHOWN and not identity_category(complaint)
            and text_shown(complaint))


def public_before_afters(queryset: QuerySet) -> QuerySet:
    """The before/after pictures of `queryset` (BeforeAfter rows) that
    `before_after_is_public` would serve, as a query. The rule is asked of each row's
    complaint in a correlated EXISTS, so a list ordered by the picture's date walks that
    index and stops at the page: as a join, SQLite started from the ~900,000 resolved
    complaints of a million and sorted them (1.3 s for the gallery's first page)."""
    shown = Complaint.objects.filter(
        pk=OuterRef("complaint_id"), status__in=BEFORE_AFTER_SHOWN,
        public_text_state__in=SHOWN_TEXT,
    ).exclude(category__may_hold_identity=True)
    return queryset.filter(Exists(shown))


def _before_after(complaint: Complaint):
    try:
        item = complaint.before_after
    except ObjectDoesNotExist:
        return None
    return item if item is not None and before_after_is_public(item) else None


# --- text ------------------------------------------------------------------------------------

def known_values(complaint: Complaint) -> list[str]:
    """The reporter's own name, phone and e-mail: masked wherever they appear."""
    reporter = complaint.reporter if complaint.reporter_id else None
    if reporter is None:
        return []
    return [v for v in (reporter.name, reporter.phone, reporter.email) if (v or "").strip()]


def clean(complaint: Complaint, text: str, known: list[str] | None = None, *,
          sure_only: bool = False) -> str:
    """Text bound for the public: personal data masked, the tracking token removed."""
    known = known_values(complaint) if known is None else known
    text = _masked(text or "", tuple(known), sure_only)
    if complaint.token:
        text = text.replace(complaint.token, "")
    return text


@lru_cache(maxsize=8192)
def _masked(text: str, known: tuple[str, ...], sure_only: bool) -> str:
    """pii.mask_public, remembered: list pages mask the same texts on every request
    (a third of Open311 requests.json's time at 1M)."""
    return pii.mask_public(text, known=known, sure_only=sure_only)


def public_text(complaint: Complaint) -> str | None:
    """The description the public reads, or None while the wording is pending."""
    if complaint.public_text_state == PublicText.APPROVED:
        # A person chose this wording; mask only what the masker is sure of.
        return clean(complaint, complaint.public_wording, sure_only=True)
    if complaint.public_text_state == PublicText.AUTO:
        return clean(complaint, complaint.text_public)
    return None


# --- timeline --------------------------------------------------------------------------------

def _events(complaint: Complaint) -> list[Event]:
    events = getattr(complaint, "public_events", None)
    if events is None:
        events = list(complaint.events.filter(public=True).order_by("created_at", "id"))
    return events


CITIZEN_EVENTS = ("citizen_message", "reopened", "rated", "confirmed")


def _who(event: Event) -> str:
    if event.kind in CITIZEN_EVENTS:
        return str(_("Pelapor"))
    if event.actor_id is None and event.actor_label == "Sistem":
        return str(_("Sistem"))
    return event.actor_label


def event_note(complaint: Complaint, event: Event, known: list[str] | None = None) -> str:
    """An event's public note; the acknowledgement (private tracking link) is left out."""
    if event.kind == "received" or event.data.get("acknowledgement"):
        return ""
    note = event.note or ""
    if event.kind in ("assigned", "forwarded") and event.data.get("unit"):
        note = f"{event.data['unit']}. {note}".strip(". ") if note else event.data["unit"]
    if event.kind == "merged" and event.data.get("into"):
        note = f"{_('Ikuti aduan')} {event.data['into']}"
    if event.kind == "rated":
        note = f"{event.data.get('stars', '')}★ {note}".strip()
    # Everything the masker found, sure or not: no person approves timeline notes.
    return clean(complaint, note, known)


def timeline(complaint: Complaint, photos: dict | None = None) -> list[PublicLine]:
    """Public timeline lines; while the wording is pending, titles only."""
    shown = text_shown(complaint)
    if photos is None:
        photos = {p.pk: _photo(p) for p in public_photos(complaint)}
    known = known_values(complaint)
    lines = []
    for event in _events(complaint):
        if not event.public:
            continue
        lines.append(PublicLine(
            at=event.created_at, kind=event.kind, title=str(TITLES.get(event.kind, event.kind)),
            who=_who(event), note=event_note(complaint, event, known) if shown else "",
            photos=[photos[i] for i in event.data.get("photos", []) if i in photos]))
    return lines


# --- place -----------------------------------------------------------------------------------

def rounded_point(lat: float | None, lon: float | None) -> tuple[float, float] | None:
    if lat is None or lon is None:
        return None
    return round(float(lat), POINT_DECIMALS), round(float(lon), POINT_DECIMALS)


def point(complaint: Complaint) -> tuple[float, float] | None:
    """The rounded point, else the kelurahan's centre; none for identity categories
    (where a point is a home)."""
    if identity_category(complaint):
        return None
    lat, lng = complaint.lat, complaint.lng
    if (lat is None or lng is None) and complaint.region_id is not None:
        lat, lng = complaint.region.centroid_lat, complaint.region.centroid_lng
    return rounded_point(lat, lng)


def place_names(complaint: Complaint) -> tuple[str | None, str | None, str | None]:
    """(kelurahan, kecamatan, city) names from the complaint's region."""
    found = {}
    region = complaint.region if complaint.region_id else None
    while region is not None:
        found.setdefault(region.level, region.name)
        if region.level == "kabupaten_kota" or len(found) == 3:
            break  # the province is not read (nor queried)
        region = region.parent
    return (found.get("desa_kelurahan"), found.get("kecamatan"), found.get("kabupaten_kota"))


# --- the view --------------------------------------------------------------------------------

def open311_status(complaint: Complaint) -> str:
    return "closed" if complaint.status in TERMINAL else "open"


def public_view(complaint: Complaint) -> PublicComplaint:
    photos = [_photo(p) for p in public_photos(complaint)]
    before_after = _before_after(complaint)
    kelurahan, kecamatan, city = place_names(complaint)
    category = complaint.category if complaint.category_id else None
    text = public_text(complaint)
    return PublicComplaint(
        reference=complaint.ref,
        category_code=category.code if category else None,
        category_label=category.label if category else None,
        status=complaint.status,
        status_label=str(complaint.get_status_display()),
        open311_status=open311_status(complaint),
        urgency=complaint.urgency,
        kelurahan=kelurahan, kecamatan=kecamatan, city=city,
        region_code=complaint.region.code if complaint.region_id else None,
        point=point(complaint),
        text=text,
        text_withheld=text is None,
        photos=photos,
        before_after_url=(
            reverse("evidence:before_after_image", args=[before_after.pk, "full"])
            + f"?v={before_after.after_id}") if before_after else None,
        before_after_thumb_url=(
            reverse("evidence:before_after_image", args=[before_after.pk, "thumb"])
            + f"?v={before_after.after_id}") if before_after else None,
        timeline=timeline(complaint, {p.pk: p for p in photos}),
        created_at=complaint.created_at,
        updated_at=complaint.updated_at,
        resolved_at=complaint.resolved_at,
        owner=str(complaint.owner) if complaint.owner_id else None,
        duplicate_of=complaint.duplicate_of.ref if complaint.duplicate_of_id else None,
        rating=complaint.rating,
    )


# --- activity posts (the public feed) --------------------------------------------------------

def post_text(post) -> str:
    """An activity post's text, masked again at render time."""
    return pii.mask_public(post.text or "")


def post_image_is_public(post) -> bool:
    """The post's before/after picture: never when it is about an identity-category
    complaint, never for an unpublished post."""
    if not post.is_public or not post.image:
        return False
    return not (post.complaint_id and identity_category(post.complaint))


def post_photos(post) -> list[PublicPhoto]:
    return [_photo(p) for p in post.photos.all() if photo_is_public(p)]
