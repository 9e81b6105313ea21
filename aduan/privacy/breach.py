"""Whose data did a time window touch? For the 3 × 24 h notice of UU PDP (Pasal 46):
given when an incident could read or change rows (and optionally which table), list the
people to notify, with how to reach them, and how many rows of each table are involved.

A web complaint accepted but not opened yet (`complaints/accepted.py`) holds the citizen's
words and contact in its stored message and has no reporter row yet: each one in the window
with a contact is a person of its own (`"reporter": None`), one without is counted with the
anonymous complaints."""

from collections.abc import Callable
from datetime import datetime

from django.db.models import Q

from aduan.channels.models import InboundEvent, OutboxMessage
from aduan.complaints import accepted
from aduan.complaints.models import AcceptedComplaint, Complaint, Event, Reporter
from aduan.evidence.models import Photo

from .models import IdentityView

Progress = Callable[[str], None]
PROGRESS_EVERY = 5000


def _window(field: str, since: datetime, until: datetime) -> Q:
    return Q(**{f"{field}__gte": since, f"{field}__lt": until})


# table -> (model, Q for rows in the window, how a row names a reporter, complaint, handle);
# an accepted complaint names none of them: its message holds the contact (_accepted).
TABLES = {
    "complaints": (Complaint, lambda s, u: _window("created_at", s, u) | _window(
        "updated_at", s, u), "reporter_id", "pk", None),
    "reporters": (Reporter, lambda s, u: _window("created_at", s, u), "pk", None, None),
    "events": (Event, lambda s, u: _window("created_at", s, u), "complaint__reporter_id",
               "complaint_id", None),
    "photos": (Photo, lambda s, u: _window("created_at", s, u), "complaint__reporter_id",
               "complaint_id", None),
    "inbound": (InboundEvent, lambda s, u: _window("received_at", s, u),
                "complaint__reporter_id", "complaint_id", "sender"),
    "outbox": (OutboxMessage, lambda s, u: _window("created_at", s, u),
               "complaint__reporter_id", "complaint_id", "recipient"),
    "identity_views": (IdentityView, lambda s, u: _window("created_at", s, u), "reporter_id",
                       "complaint_id", None),
    "accepted_complaints": (AcceptedComplaint, lambda s, u: _window("created_at", s, u), None,
                            None, None),
}


def _accepted(since: datetime, until: datetime) -> tuple[list[dict], int]:
    """The people of the accepted complaints in the window, and how many gave no contact."""
    people, anonymous = [], 0
    window = TABLES["accepted_complaints"][1](since, until)
    for ref, message in AcceptedComplaint.objects.filter(window).order_by("pk").values_list(
            "ref", "message").iterator(chunk_size=2000):
        contact = {key: message.get(key) or "" for key in accepted.CONTACT}
        if any(contact.values()):
            people.append({"reporter": None, "channel": message.get("channel", ""),
                           **contact, "complaints": [ref]})
        else:
            anonymous += 1
    return people, anonymous


def touched(since: datetime, until: datetime, table: str | None = None,
            progress: Progress | None = None) -> dict:
    if table is not None and table not in TABLES:
        raise ValueError(f"unknown table {table!r}; one of: {', '.join(TABLES)}")
    reporter_ids: set[int] = set()
    complaint_ids: set[int] = set()
    handles: set[str] = set()
    rows: dict[str, int] = {}
    for name, (model, window, reporter_field, complaint_field, handle_field) in TABLES.items():
        if table is not None and name != table:
            continue
        fields = [f for f in (reporter_field, complaint_field, handle_field) if f] or ["pk"]
        count = 0
        for count, values in enumerate(
                model.objects.filter(window(since, until)).values_list(*fields)
                .iterator(chunk_size=2000), 1):
            row = dict(zip(fields, values, strict=True))
            if row.get(reporter_field):
                reporter_ids.add(row[reporter_field])
            if complaint_field and row.get(complaint_field):
                complaint_ids.add(row[complaint_field])
            if handle_field and row.get(handle_field):
                handles.add(row[handle_field])
            if progress and count % PROGRESS_EVERY == 0:
                progress(f"{name}: {count} rows")
        rows[name] = count
    if handles:
        reporter_ids |= set(Reporter.objects.filter(handle__in=handles)
                            .values_list("pk", flat=True))
    refs: dict[int, list[str]] = {}
    anonymous = 0
    for pk, ref, reporter_id in Complaint.objects.filter(
            Q(pk__in=complaint_ids) | Q(reporter_id__in=reporter_ids)).values_list(
            "pk", "ref", "reporter_id").iterator(chunk_size=2000):
        if reporter_id is None:
            anonymous += pk in complaint_ids
        else:
            refs.setdefault(reporter_id, []).append(ref)
    people = [{"reporter": r.pk, "channel": r.channel, "name": r.name, "phone": r.phone,
               "email": r.email, "handle": r.handle, "complaints": sorted(refs.get(r.pk, []))}
              for r in Reporter.objects.filter(pk__in=reporter_ids).order_by("pk")]
    known = {p["handle"] for p in people}
    if table in (None, "accepted_complaints"):
        waiting, unnamed = _accepted(since, until)
        people += waiting
        anonymous += unnamed
    return {"since": since.isoformat(), "until": until.isoformat(), "table": table,
            "rows": rows, "people": people, "people_count": len(people),
            "anonymous_complaints": anonymous,
            "unmatched_handles": sorted(h for h in handles if h not in known)}
