"""Time left on a deadline, in words, in Bahasa Indonesia: "sisa 3 jam kerja",
"terlambat 2 hari". Time left counts working time (the office's clock); lateness counts
calendar time (the citizen's wait).
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from . import clock, deadlines


def _days() -> list[str]:
    return [_("Senin"), _("Selasa"), _("Rabu"), _("Kamis"), _("Jumat"), _("Sabtu"), _("Minggu")]


def _span(minutes: float, day_minutes: int, suffix: str) -> str:
    minutes, working = int(minutes), bool(suffix)
    if minutes < 60:
        n, unit = max(minutes, 1), _("%(n)d menit kerja") if working else _("%(n)d menit")
    elif minutes < day_minutes:
        n, unit = minutes // 60, _("%(n)d jam kerja") if working else _("%(n)d jam")
    else:
        n, unit = minutes // day_minutes, _("%(n)d hari kerja") if working else _("%(n)d hari")
    return unit % {"n": n}


def time_left(complaint_or_due, now: datetime | None = None, category_code: str | None = None,
              urgency: str = "normal", status: str = "") -> str:
    """Words for the next deadline of a complaint (or for a due time on a policy).

    `time_left(complaint)` -> "sisa 3 jam kerja", "sisa 2 hari kerja", "terlambat 2 hari",
    "tenggat Senin 07.30" (no working time left before it, e.g. on a weekend),
    "menunggu pelapor, sisa 5 hari", "tanpa tenggat".
    """
    now = now or timezone.now()
    due = complaint_or_due
    if not isinstance(complaint_or_due, datetime) and complaint_or_due is not None:
        complaint = complaint_or_due
        due, status = complaint.next_due, complaint.status
        category_code, urgency = complaint.category_id, complaint.urgency
    if due is None:
        return _("tanpa tenggat")
    if due <= now:
        late = (now - due).total_seconds() / 60
        return _("terlambat %(span)s") % {"span": _span(late, 24 * 60, "")}
    if status in ("waiting_citizen", "resolved"):
        span = _span((due - now).total_seconds() / 60, 24 * 60, "")
        if status == "waiting_citizen":
            return _("menunggu pelapor, sisa %(span)s") % {"span": span}
        return _("menunggu konfirmasi, sisa %(span)s") % {"span": span}
    cal = deadlines.policy_for(category_code, urgency).calendar
    left = clock.remaining_minutes(due, now, cal)
    if left < 1:
        local = timezone.localtime(due, cal.tz)
        return _("tenggat %(day)s %(time)s") % {"day": _days()[local.weekday()],
                                               "time": f"{local:%H.%M}"}
    if cal.is_24_7:
        return _("sisa %(span)s") % {"span": _span(left, 24 * 60, "")}
    return _("sisa %(span)s") % {"span": _span(left, cal.day_minutes, " kerja")}
