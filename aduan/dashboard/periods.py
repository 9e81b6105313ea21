"""Periods the figures are asked for: this week, 30 days, quarter, year, an ISO week
(`2026-W48`), a month (`2026-11`), a quarter (`2026-Q4`), a year (`2026`) or a custom
range of dates (`2026-11-01..2026-11-20`, both days included). Days are Jakarta days."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.sla.deadlines import DEFAULT_OFFICE

TZ = DEFAULT_OFFICE.tz
DEFAULT = "30d"
MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember"]


@dataclass(frozen=True)
class Period:
    key: str
    start: datetime  # included
    end: datetime  # excluded
    label: str

    @property
    def first_day(self) -> date:
        return self.start.astimezone(TZ).date()

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(microseconds=1)).astimezone(TZ).date()


def _at(day: date) -> datetime:
    return datetime.combine(day, time(0), TZ)


def _days(key: str, first: date, last: date, label: str) -> Period:
    if last < first:
        raise ValueError(_("Tanggal akhir sebelum tanggal awal."))
    if (last - first).days > 3700:
        raise ValueError(_("Rentang terlalu panjang."))
    return Period(key, _at(first), _at(last + timedelta(days=1)), label)


def _quarter(year: int, q: int) -> tuple[date, date]:
    first = date(year, 3 * q - 2, 1)
    following = date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
    return first, following - timedelta(days=1)


def parse(key: str | None, now: datetime | None = None) -> Period:
    """A `Period` for a key; ValueError with a readable message for anything else."""
    key = (key or DEFAULT).strip()
    today = (now or timezone.now()).astimezone(TZ).date()
    try:
        if key == "week":
            monday = today - timedelta(days=today.weekday())
            return _days(key, monday, today, _("Minggu ini"))
        if key == "30d":
            return _days(key, today - timedelta(days=29), today, _("30 hari terakhir"))
        if key == "quarter":
            first, last = _quarter(today.year, (today.month - 1) // 3 + 1)
            return _days(key, first, min(last, today), _("Kuartal ini"))
        if key == "year":
            return _days(key, date(today.year, 1, 1), today, _("Tahun ini"))
        if m := re.fullmatch(r"(\d{4})-W(\d{2})", key):
            monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return _days(key, monday, monday + timedelta(days=6),
                         _("Minggu %(w)s") % {"w": key})
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", key):
            first, last = _quarter(int(m[1]), int(m[2]))
            return _days(key, first, last, _("Kuartal %(q)s %(y)s") % {"q": m[2], "y": m[1]})
        if m := re.fullmatch(r"(\d{4})-(\d{2})", key):
            first = date(int(m[1]), int(m[2]), 1)
            last = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
            return _days(key, first, last - timedelta(days=1),
                         f"{MONTHS[first.month - 1]} {first.year}")
        if m := re.fullmatch(r"(\d{4})", key):
            return _days(key, date(int(key), 1, 1), date(int(key), 12, 31), key)
        if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", key):
            first, last = date.fromisoformat(m[1]), date.fromisoformat(m[2])
            return _days(key, first, last, f"{first:%d/%m/%Y}–{last:%d/%m/%Y}")
    except ValueError as exc:
        raise ValueError(_("Periode tidak dikenal: %(k)s") % {"k": key}) from exc
    raise ValueError(_("Periode tidak dikenal: %(k)s") % {"k": key})


def custom_key(first: date, last: date) -> str:
    return f"{first.isoformat()}..{last.isoformat()}"


CHOICES = [("week", "Minggu ini"), ("30d", "30 hari terakhir"), ("quarter", "Kuartal ini"),
           ("year", "Tahun ini")]
