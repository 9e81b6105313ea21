"""One `ComplaintFact` row per complaint: its clocks measured once, read by every figure.

The rules of measurement live here and nowhere else:
- clocks run from the citizen's first message (`created_at`) on the working calendar of
  the complaint's SLA policy (`sla.deadlines.policy_for`);
- time in `waiting_citizen` (from `asked_citizen` to the citizen's next message or the
  end of the wait) does not count;
- *answered within one working day* (Solo's 1×24 h rule): the first response
  (`first_response_at`, or a rejection/forwarding with its reason) within one working day
  of the calendar; *followed up within two*: a concrete step (`FOLLOW_UP_EVENTS`) within
  two working days; until the time is up and nothing happened, both are undecided;
- *resolution time*: to the last resolution of a complaint that is resolved or closed now;
  a reopened complaint keeps counting from its first message;
- the unit a complaint counts for is the unit that holds it (its owner), the same rule as
  every queue and permission: an escalated complaint counts for the supervisor it went to
  (and in "escalations by level"), so each figure lists exactly the complaints its
  reader can open.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import DatabaseError, connection, transaction
from django.db.models import DateTimeField, F
from django.utils import timezone

from aduan.complaints.models import Complaint, Event, Status
from aduan.evidence.models import Photo
from aduan.sla import calendar as cal_engine
from aduan.sla import deadlines
from aduan.writelock import after_write, writing

from .models import ComplaintFact

log = logging.getLogger(__name__)

ANSWER_EVENTS = {"rejected", "forwarded"}  # besides complaint.first_response_at
FOLLOW_UP_EVENTS = {"progress", "resolved", "forwarded", "rejected"}
PAUSE_ENDS = {"citizen_message", "wait_expired", "rejected", "forwarded", "merged"}
ANSWER_DAYS, FOLLOW_UP_DAYS = 1, 2
# The events `compute` reads; others (merged_in, notes, reminders) are not loaded, so a
# complaint that absorbed hundreds of duplicates costs what a plain one does.
MEASURED_KINDS = (ANSWER_EVENTS | FOLLOW_UP_EVENTS | PAUSE_ENDS
                  | {"asked_citizen", "resolved", "reopened", "escalated"})
# Events that change neither their complaint's row nor a measured event: a merge's
# survivor only gains `merged_in` (each duplicate merged at intake would re-read it).
NO_FACT_CHANGE = {"merged_in"}


def iso_week(moment: datetime) -> int:
    year, week, _ = moment.astimezone(deadlines.DEFAULT_OFFICE.tz).isocalendar()
    return year * 100 + week


def pauses(events: Iterable[Event], still_waiting: bool) -> list[tuple[datetime, datetime | None]]:
    """Intervals spent waiting for the citizen (the last one open while still waiting)."""
    found, start = [], None
    for event in events:
        if event.kind == "asked_citizen" and start is None:
            start = event.created_at
        elif event.kind in PAUSE_ENDS and start is not None:
            found.append((start, event.created_at))
            start = None
    if start is not None:
        found.append((start, None if still_waiting else start))
    return found


def _minutes(a, b, cal, paused) -> float:
    """Working minutes from a to b, less the paused working time inside [a, b]."""
    total = cal_engine.working_minutes_between(a, b, cal)
    for p0, p1 in paused:
        lo, hi = max(p0, a), min(p1 or b, b)
        if hi > lo:
            total -= cal_engine.working_minutes_between(lo, hi, cal)
    return max(0.0, total)


def _due(start, minutes, cal, paused) -> datetime | None:
    """When `minutes` of unpaused working time have passed (None while paused past it)."""
    due = cal_engine.add_working_time(start, minutes, cal)
    for p0, p1 in paused:
        if p0 >= due:
            break
        if p1 is None:
            return None
        left = cal_engine.working_minutes_between(p0, due, cal)
        due = cal_engine.add_working_time(p1, max(0.0, left), cal)
    return due


def _clock(start, done_at, limit, cal, paused, now):
    """(met, due): met True/False once decided, else None with the due instant."""
    if done_at is not None:
        return _minutes(start, done_at, cal, paused) <= limit, None
    due = _due(start, limit, cal, paused)
    if due is not None and due <= now:
        return False, due
    return None, due


def compute(complaint: Complaint, events: list[Event], has_after: bool,
            now: datetime | None = None) -> ComplaintFact:
    now = now or timezone.now()
    cal = deadlines.policy_for(complaint.category_id, complaint.urgency).calendar
    paused = pauses(events, complaint.status == Status.WAITING_CITIZEN)
    created = complaint.created_at
    answered = [complaint.first_response_at] if complaint.first_response_at else []
    answered += [e.created_at for e in events if e.kind in ANSWER_EVENTS]
    answered_at = min(answered) if answered else None
    followed_at = next((e.created_at for e in events if e.kind in FOLLOW_UP_EVENTS), None)
    answered_met, answer_by = _clock(created, answered_at, ANSWER_DAYS * cal.day_minutes,
                                     cal, paused, now)
    followed_met, follow_by = _clock(created, followed_at, FOLLOW_UP_DAYS * cal.day_minutes,
                                     cal, paused, now)
    done = complaint.status in (Status.RESOLVED, Status.CLOSED) and complaint.resolved_at
    resolved = any(e.kind == "resolved" for e in events)
    return ComplaintFact(
        complaint_id=complaint.pk, created_at=created, week=iso_week(created),
        unit_id=complaint.owner_id,
        category_code=complaint.category_id or "", channel=complaint.channel,
        region_code=complaint.region_id or "",
        counted=complaint.status != Status.DUPLICATE,
        answered_met=answered_met, answer_by=answer_by,
        followed_met=followed_met, follow_by=follow_by,
        first_response_minutes=None if answered_at is None
        else round(_minutes(created, answered_at, cal, paused)),
        resolution_minutes=round(_minutes(created, complaint.resolved_at, cal, paused))
        if done else None,
        paused_minutes=round(sum(cal_engine.working_minutes_between(p0, p1 or now, cal)
                                 for p0, p1 in paused)),
        resolved=resolved, reopened=sum(e.kind == "reopened" for e in events),
        escalations=sum(e.kind == "escalated" for e in events),
        rating=complaint.rating, after_photo=has_after if resolved else None,
        computed_at=now,
    )


COMPLAINT_FIELDS = ("pk", "created_at", "status", "category_id", "urgency", "channel",
                    "region_id", "owner_id", "first_response_at", "resolved_at", "rating")


def refresh(complaint_ids: Iterable[int], now: datetime | None = None) -> int:
    """Recompute the facts of these complaints (four queries per batch, whatever its size)."""
    ids = list(complaint_ids)
    if not ids:
        return 0
    complaints = Complaint.objects.filter(pk__in=ids).only(*COMPLAINT_FIELDS).order_by()
    timelines: dict[int, list[Event]] = {}
    for event in Event.objects.filter(complaint_id__in=ids, kind__in=MEASURED_KINDS).only(
            "complaint_id", "kind", "created_at").order_by("created_at", "id"):
        timelines.setdefault(event.complaint_id, []).append(event)
    after = set(Photo.objects.filter(complaint_id__in=ids, tag=Photo.Tag.AFTER)
                .values_list("complaint_id", flat=True))
    rows = [compute(c, timelines.get(c.pk, []), c.pk in after, now) for c in complaints]
    _replace(rows)
    return len(rows)


def _replace(rows: list[ComplaintFact]) -> None:
    """These rows instead of whatever facts their complaints had (a worker's fill_missing
    may have written one a moment earlier): one upsert, one executemany (bulk_create
    splits into ~45-row statements on SQLite)."""
    if not rows:
        return
    fields = ComplaintFact._meta.concrete_fields
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    key = ComplaintFact._meta.pk.column
    update = ", ".join(f"{quote(f.column)} = excluded.{quote(f.column)}"
                       for f in fields if f.column != key)
    adapt = [connection.ops.adapt_datetimefield_value if isinstance(f, DateTimeField)
             else None for f in fields]
    names = [f.attname for f in fields]
    values = [[a(v) if a and v is not None else v
               for a, v in zip(adapt, (getattr(row, n) for n in names), strict=True)]
              for row in rows]
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:  # all or nothing
        cursor.executemany(
            f"INSERT INTO {quote(ComplaintFact._meta.db_table)} ({columns}) VALUES ({marks}) "
            f"ON CONFLICT ({quote(key)}) DO UPDATE SET {update}", values)


def on_event(sender, event, **kwargs) -> None:
    """Receiver of `event_recorded`: the fact changes with the timeline, once per write
    (`writelock.after_write`: an intake records three to five events), right after it."""
    if event.kind not in NO_FACT_CHANGE:
        after_write(refresh_written, event)


def refresh_written(events: Iterable[Event]) -> None:
    """Refresh after a write ended. A complaint born in that write (its `received` event is
    among them) holds every event of its timeline here and no after photo yet, so its fact
    is computed from memory and written without reading; the others are read again.
    A failure must not fail the write the citizen is waiting on: it is logged, and
    `fill_missing` (worker, every minute) mends the row."""
    timelines: dict[int, list[Event]] = {}
    for event in sorted(events, key=lambda e: e.pk):
        timelines.setdefault(event.complaint_id, []).append(event)
    born = {pk: timeline for pk, timeline in timelines.items()
            if timeline[0].kind == "received"}
    try:
        with writing():
            _replace([compute(timeline[-1].complaint, timeline, False)
                      for timeline in born.values()])
            refresh(pk for pk in timelines if pk not in born)
    except DatabaseError:
        log.exception("figures of complaints %s not refreshed", sorted(timelines)[:20])


def fill_missing(batch: int = 2000, max_batches: int = 50) -> int:
    """Facts for complaints that have none (data loaded in bulk, installs before facts),
    and again for complaints changed in the last hour after their facts were computed (a
    refresh that failed after its write). Periodic job; bounded per call."""
    recent = (ComplaintFact.objects
              .filter(complaint__updated_at__gte=timezone.now() - timedelta(hours=1),
                      computed_at__lt=F("complaint__updated_at"))
              .values_list("complaint_id", flat=True)[:batch])
    done = refresh(list(recent))
    if Complaint.objects.count() == ComplaintFact.objects.count():
        return done  # two index counts instead of an anti-join over every complaint
    for _ in range(max_batches):
        ids = list(Complaint.objects.filter(fact__isnull=True).order_by("pk")
                   .values_list("pk", flat=True)[:batch])
        if not ids:
            break
        done += refresh(ids)
    return done


def rebuild_all(batch: int = 2000) -> int:
    """Every complaint's facts again (after a calendar or policy change)."""
    done, last = 0, 0
    while True:
        ids = list(Complaint.objects.filter(pk__gt=last).order_by("pk")
                   .values_list("pk", flat=True)[:batch])
        if not ids:
            return done
        done += refresh(ids)
        last = ids[-1]

