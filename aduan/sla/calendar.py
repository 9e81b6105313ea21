"""Working-time arithmetic on a city's calendar. Engine: no database, no complaints.

All datetimes in and out are aware; arithmetic is done on UTC instants, days and hours
are read in the calendar's time zone (Asia/Jakarta for Solo). A moment outside working
hours counts from the next opening: a complaint sent at 21:00 on Friday starts its clock
at 07:30 on Monday (or on the next working day after a holiday).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays as holidays_package

MAX_DAYS_SCANNED = 3660  # ten years without a single working day means a broken calendar


@cache
def package_days_off(country: str, year: int, cuti_bersama: bool) -> frozenset[date]:
    """National public holidays (and cuti bersama) from the `holidays` package."""
    if not country:
        return frozenset()
    categories = ("public", "government") if cuti_bersama else ("public",)
    try:
        days = holidays_package.country_holidays(country, years=year, categories=categories)
    except NotImplementedError:  # a country without the government category
        days = holidays_package.country_holidays(country, years=year)
    return frozenset(days.keys())


@dataclass
class Calendar:
    """A working calendar as plain data (built from `WorkingCalendar` rows or by hand)."""

    time_zone: str = "Asia/Jakarta"
    working_days: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    start: time = time(7, 30)
    end: time = time(16, 0)
    is_24_7: bool = False
    country: str = "ID"
    cuti_bersama: bool = True
    extra_days_off: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()
    _off: dict[int, frozenset[date]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.is_24_7 and self.end <= self.start:
            raise ValueError("A working day must end after it starts.")
        self.tz = ZoneInfo(self.time_zone)

    @property
    def day_minutes(self) -> int:
        """Working minutes in one working day (24 hours on a 24/7 calendar)."""
        if self.is_24_7:
            return 24 * 60
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)

    def is_working_day(self, day: date) -> bool:
        if self.is_24_7:
            return True
        if day in self.extra_working_days:
            return True
        if day.weekday() not in self.working_days or day in self.extra_days_off:
            return False
        off = self._off.get(day.year)
        if off is None:
            off = self._off[day.year] = package_days_off(self.country, day.year, self.cuti_bersama)
        return day not in off

    def window(self, day: date) -> tuple[datetime, datetime]:
        """Opening and closing instants (UTC) of a local day."""
        opening = datetime.combine(day, self.start, self.tz).astimezone(UTC)
        closing = datetime.combine(day, self.end, self.tz).astimezone(UTC)
        return opening, closing

    def working_windows(self, start: datetime) -> Iterable[tuple[datetime, datetime]]:
        """Working windows (UTC) from the one containing or following `start`, in order."""
        day = start.astimezone(self.tz).date() - timedelta(days=1)  # a window may span days
        for _ in range(MAX_DAYS_SCANNED):
            if self.is_working_day(day):
                opening, closing = self.window(day)
                if closing > start:
                    yield max(opening, start), closing
            day += timedelta(days=1)
        raise ValueError("No working day in ten years: check the calendar.")


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("Naive datetime: pass aware datetimes (USE_TZ).")
    return moment.astimezone(UTC)


def add_working_time(start: datetime, minutes: float, cal: Calendar) -> datetime:
    """The instant when `minutes` of working time have passed since `start`.

    Ends inside a working window: Monday 07:30 + one working day (510 minutes) is Monday
    16:00, not Tuesday 07:30. Zero minutes from outside working hours is the next opening.
    """
    start = _utc(start)
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    if cal.is_24_7:
        return start + timedelta(minutes=minutes)
    remaining = timedelta(minutes=minutes)
    for opening, closing in cal.working_windows(start):
        if remaining <= closing - opening:
            return opening + remaining
        remaining -= closing - opening
    raise AssertionError("unreachable")


def working_minutes_between(a: datetime, b: datetime, cal: Calendar) -> float:
    """Working minutes from `a` to `b` (negative when `b` is before `a`)."""
    a, b = _utc(a), _utc(b)
    if b < a:
        return -working_minutes_between(b, a, cal)
    if cal.is_24_7:
        return (b - a).total_seconds() / 60
    total = timedelta()
    for opening, closing in cal.working_windows(a):
        if opening >= b:
            break
        total += min(closing, b) - opening
    return total.total_seconds() / 60


def duration_minutes(duration: timedelta, cal: Calendar) -> float:
    """A policy duration in working minutes: whole days are working days."""
    return duration.days * cal.day_minutes + duration.seconds / 60


def add_working_duration(start: datetime, duration: timedelta, cal: Calendar) -> datetime:
    return add_working_time(start, duration_minutes(duration, cal), cal)


def is_working_time(moment: datetime, cal: Calendar) -> bool:
    if cal.is_24_7:
        return True
    moment = _utc(moment)
    day = moment.astimezone(cal.tz).date()
    if not cal.is_working_day(day):
        return False
    opening, closing = cal.window(day)
    return opening <= moment < closing


def next_opening(moment: datetime, cal: Calendar) -> datetime:
    """`moment` itself in working hours, else the next time the office opens."""
    return add_working_time(moment, 0, cal)

