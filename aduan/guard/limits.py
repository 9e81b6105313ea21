"""The one home for input limits: text length, ids, coordinates, dates, message counts.

Every number comes from settings (ADUAN_MAX_*); callers ask `problem(...)`-style questions
and get the reason a value is refused, or None. Reasons are short codes for the refusal
counter (see refusals.py), never the refused content.
"""

from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

# Indonesia's bounding box (Sabang to Merauke, Miangas to Rote), with a small margin.
LAT_RANGE = (-11.5, 6.5)
LNG_RANGE = (94.5, 141.5)
# Dates a client may name: anything else is a typo or a probe (and overflows time zones).
YEAR_RANGE = (1970, 2200)
MAX_DEPTH = 64


def storable(text: str) -> bool:
    """Text every database can store: valid UTF-8 (no lone surrogates) and no NUL."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text_problem(text: str, limit: int | None = None) -> str | None:
    if not storable(text):
        return "unstorable_text"
    if len(text) > (limit or settings.ADUAN_MAX_TEXT_CHARS):
        return "text_too_long"
    return None


def id_problem(value: str, *, required: bool = True) -> str | None:
    if required and not value.strip():
        return "empty_id"
    if len(value) > settings.ADUAN_MAX_ID_CHARS:
        return "id_too_long"
    if not storable(value):
        return "unstorable_id"
    return None


def in_indonesia(lat: float | None, lng: float | None) -> bool:
    return (lat is not None and lng is not None
            and LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LNG_RANGE[0] <= lng <= LNG_RANGE[1])


def point_problem(lat: float | None, lng: float | None) -> str | None:
    if lat is None and lng is None:
        return None
    if lat is None or lng is None or not in_indonesia(lat, lng):
        return "point_outside_indonesia"
    return None


def payload_problem(value, depth: int = 0) -> str | None:
    """Walk a decoded JSON document: strings must be storable, numbers finite, nesting
    shallow. One answer for the whole body, so nothing half-storable is kept."""
    if depth > MAX_DEPTH:
        return "nested_too_deep"
    if isinstance(value, str):
        return None if storable(value) else "unstorable_text"
    if isinstance(value, float):
        return None if abs(value) < 1e300 else "number_out_of_range"
    if isinstance(value, dict):
        for key, item in value.items():
            reason = payload_problem(key, depth + 1) or payload_problem(item, depth + 1)
            if reason:
                return reason
    elif isinstance(value, list):
        for item in value:
            reason = payload_problem(item, depth + 1)
            if reason:
                return reason
    return None


def message_problem(msg) -> str | None:
    """A channel's ChatMessage (see channels/types.py) that must not be stored."""
    reason = (id_problem(msg.account_id) or id_problem(msg.provider_id)
              or id_problem(msg.sender) or text_problem(msg.text))
    if reason:
        return reason
    for extra in (msg.name, msg.username, msg.phone, msg.email, msg.subject, msg.comment_id,
                  *(m.ref for m in msg.media), *(m.mime_type for m in msg.media)):
        reason = text_problem(extra, settings.ADUAN_MAX_TEXT_CHARS)
        if reason:
            return reason
    if len(msg.media) > settings.ADUAN_MAX_PHOTOS * 4:
        return "too_many_attachments"
    return point_problem(msg.lat, msg.lng)


def parse_when(raw: str) -> datetime | None:
    """An ISO 8601 / W3C date-time from a query string, or None when empty.
    Raises ValueError (with a message for the client) when it is not a usable date."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        value = parse_datetime(raw.replace(" ", "+"))
    except ValueError:  # well-formed but impossible, e.g. 2026-02-30
        value = None
    if value is None or not YEAR_RANGE[0] <= value.year <= YEAR_RANGE[1]:
        raise ValueError(f"a date-time between {YEAR_RANGE[0]} and {YEAR_RANGE[1]} is "
                         "expected, e.g. 2026-01-31T00:00:00+07:00")
    return timezone.make_aware(value) if timezone.is_naive(value) else value
