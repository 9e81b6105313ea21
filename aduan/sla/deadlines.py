"""Due times for a complaint's clocks. Engine: knows nothing of complaints.

This is the single place the complaints app asks "when is this due?". Policies and
calendars are read from the sla tables once and cached per process (for `CACHE_SECONDS`,
and dropped at once when a policy, calendar or holiday is saved in this process), so
computing a deadline costs no query in the steady state. With no policy in the database
the built-in defaults below apply (Solo's rule), so a fresh install is never without
deadlines.
"""

from __future__ import annotations

import threading
import time as monotonic
from dataclasses import dataclass
from datetime import datetime, timedelta

from . import calendar as cal_engine
from .calendar import Calendar

CACHE_SECONDS = 60

# Solo: "balasan 1x24 jam, tindak lanjut 2x24 jam", read as one and two working days
# (1 working day = 07:30–16:00 on a working day). Emergencies run 24/7 on a short clock.
DEFAULT_OFFICE = Calendar()
DEFAULT_24_7 = Calendar(is_24_7=True)


@dataclass(frozen=True)
class Policy:
    """An SLA policy as plain data, with its calendar."""

    name: str
    calendar: Calendar
    first_response: timedelta = timedelta(days=1)
    next_response: timedelta = timedelta(days=2)
    resolution: timedelta = timedelta(days=10)
    warn_before: timedelta = timedelta(hours=2)
    escalation_grace: timedelta = timedelta(days=1)
    waiting_days: int = 7
    confirmation_days: int = 3
    category_code: str = ""
    urgency: str = ""

    def add(self, start: datetime, duration: timedelta) -> datetime:
        return cal_engine.add_working_duration(start, duration, self.calendar)

    def minutes(self, duration: timedelta) -> float:
        return cal_engine.duration_minutes(duration, self.calendar)


DEFAULT_POLICIES = [
    Policy("Bawaan (Solo: 1 hari kerja / 2 hari kerja)", DEFAULT_OFFICE),
    Policy("Darurat 24/7", DEFAULT_24_7, urgency="emergency",
           first_response=timedelta(hours=1), next_response=timedelta(hours=4),
           resolution=timedelta(hours=24), warn_before=timedelta(minutes=15),
           escalation_grace=timedelta(hours=1), waiting_days=1, confirmation_days=3),
]


@dataclass(frozen=True)
class Deadlines:
    first_response: datetime
    resolution: datetime


class _Cache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.loaded_at = -1e9
        self.policies: dict[tuple[str, str], Policy] = {}

    def get(self) -> dict[tuple[str, str], Policy]:
        with self.lock:
            if monotonic.monotonic() - self.loaded_at > CACHE_SECONDS:
                self.policies = _load()
                self.loaded_at = monotonic.monotonic()
            return self.policies

    def clear(self) -> None:
        with self.lock:
            self.loaded_at = -1e9


_cache = _Cache()


def clear_cache() -> None:
    """Forget cached policies and calendars (called when they are edited)."""
    _cache.clear()


def calendar_from_row(row) -> Calendar:
    """A `Calendar` from a `WorkingCalendar` row and its holiday rows."""
    days = list(row.holidays.all())
    return Calendar(
        time_zone=row.time_zone,
        working_days=frozenset(int(ch) for ch in row.working_days if ch.isdigit()),
        start=row.start_time, end=row.end_time, is_24_7=row.is_24_7,
        country=row.country, cuti_bersama=row.include_cuti_bersama,
        extra_days_off=frozenset(h.date for h in days if h.is_day_off),
        extra_working_days=frozenset(h.date for h in days if not h.is_day_off),
    )


def _load() -> dict[tuple[str, str], Policy]:
    from django.db import DatabaseError

    from .models import SlaPolicy, WorkingCalendar

    try:
        calendars = {
            row.pk: calendar_from_row(row)
            for row in WorkingCalendar.objects.prefetch_related("holidays")
        }
        rows = list(SlaPolicy.objects.all())
    except DatabaseError:  # tables not migrated yet (first migrate, some tests)
        rows = []
    if not rows:
        return {(p.category_code, p.urgency): p for p in DEFAULT_POLICIES}
    return {
        (row.category_code, row.urgency): Policy(
            name=row.name, calendar=calendars[row.calendar_id],
            first_response=row.first_response, next_response=row.next_response,
            resolution=row.resolution, warn_before=row.warn_before,
            escalation_grace=row.escalation_grace, waiting_days=row.waiting_days,
            confirmation_days=row.confirmation_days,
            category_code=row.category_code, urgency=row.urgency,
        )
        for row in rows
    }


def policy_for(category_code: str | None, urgency: str = "normal") -> Policy:
    """The most specific policy: category+urgency, category, urgency, then the default."""
    policies = _cache.get()
    code, urgency = category_code or "", urgency or ""
    for key in ((code, urgency), (code, ""), ("", urgency), ("", "")):
        if key in policies:
            return policies[key]
    return DEFAULT_POLICIES[1] if urgency == "emergency" else DEFAULT_POLICIES[0]


def all_policies() -> list[Policy]:
    return list(_cache.get().values())


def for_complaint(category_code: str | None, urgency: str, start: datetime) -> Deadlines:
    """First response and resolution due times for a clock started at `start`."""
    policy = policy_for(category_code, urgency)
    return Deadlines(policy.add(start, policy.first_response), policy.add(start, policy.resolution))


def next_response(category_code: str | None, urgency: str, start: datetime) -> datetime:
    """Due time of the next answer after the citizen wrote again (Solo: 2 working days)."""
    policy = policy_for(category_code, urgency)
    return policy.add(start, policy.next_response)


def escalation_due(category_code: str | None, urgency: str, start: datetime) -> datetime:
    """The new deadline of the unit a complaint escalated to (default: one working day)."""
    policy = policy_for(category_code, urgency)
    return policy.add(start, policy.escalation_grace)


def warn_from(category_code: str | None, urgency: str, due: datetime) -> float:
    """Working minutes before `due` at which the owner is warned."""
    policy = policy_for(category_code, urgency)
    return policy.minutes(policy.warn_before)


def waiting_until(start: datetime, category_code: str | None = None,
                  urgency: str = "normal") -> datetime:
    """How long the city waits for a citizen's answer before the clock runs again."""
    return start + timedelta(days=policy_for(category_code, urgency).waiting_days)


def confirmation_until(start: datetime, category_code: str | None = None,
                       urgency: str = "normal") -> datetime:
    """A resolved complaint closes by itself when the citizen does not object by then."""
    return start + timedelta(days=policy_for(category_code, urgency).confirmation_days)


def shift_for_pause(due: datetime | None, paused_from: datetime, paused_to: datetime,
                    category_code: str | None = None, urgency: str = "normal") -> datetime | None:
    """A due time moved later by the working time spent waiting for the citizen."""
    if due is None:
        return None
    cal = policy_for(category_code, urgency).calendar
    paused = cal_engine.working_minutes_between(paused_from, paused_to, cal)
    if paused <= 0:
        return due
    if due <= paused_from:  # already overdue when the wait began: still overdue
        return due
    remaining = cal_engine.working_minutes_between(paused_from, due, cal)
    return cal_engine.add_working_time(paused_to, remaining, cal)


def working_minutes(category_code: str | None, urgency: str, a: datetime, b: datetime) -> float:
    """Working minutes from `a` to `b` on the calendar of the complaint's policy."""
    return cal_engine.working_minutes_between(a, b, policy_for(category_code, urgency).calendar)


__all__ = [
    "Deadlines", "Policy", "for_complaint", "next_response", "waiting_until",
    "confirmation_until", "escalation_due", "shift_for_pause", "policy_for", "clear_cache",
    "working_minutes",
]
