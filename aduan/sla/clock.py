"""Which clock a complaint's next deadline belongs to, and how much of it is left.

Engine: works on plain values (status strings, datetimes), never imports complaints.
"""

from __future__ import annotations

from datetime import datetime

from . import calendar as cal_engine
from .calendar import Calendar

FIRST_RESPONSE = "first_response"
RESOLUTION = "resolution"
FOLLOW_UP = "follow_up"  # next response, or the grace given after an escalation
WAITING = "waiting"  # waiting for the citizen: the date the city stops waiting
CONFIRMATION = "confirmation"  # resolved: the date it closes without objection

LABELS = {
    FIRST_RESPONSE: "tanggapan pertama",
    RESOLUTION: "penyelesaian",
    FOLLOW_UP: "tindak lanjut",
    WAITING: "menunggu jawaban pelapor",
    CONFIRMATION: "konfirmasi pelapor",
}

# Statuses whose deadline belongs to the city (warned, escalated); the others belong to
# the citizen (waiting, confirmation) and only move the complaint on.
CITY_CLOCK_STATUSES = ("new", "assigned", "in_progress")


def deadline_kind(status: str, next_due: datetime | None, first_response_due: datetime | None,
                  resolution_due: datetime | None) -> str:
    if status == "waiting_citizen":
        return WAITING
    if status == "resolved":
        return CONFIRMATION
    if status == "new" and next_due is not None and first_response_due in (None, next_due):
        return FIRST_RESPONSE  # the triage inbox's deadline is the first response
    if next_due is not None and next_due == first_response_due:
        return FIRST_RESPONSE
    if next_due is not None and next_due == resolution_due:
        return RESOLUTION
    return FOLLOW_UP


def remaining_minutes(due: datetime, now: datetime, cal: Calendar) -> float:
    """Working minutes left until `due` (negative: overdue by that much working time)."""
    return cal_engine.working_minutes_between(now, due, cal)
