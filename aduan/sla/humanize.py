"""Time left on a deadline, in words, in Bahasa Indonesia: "sisa 3 jam kerja",
"terlambat 2 hari". Time left counts working time (the office's clock); lateness counts
calendar time (the citizen's wait).
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from . import clock, deadlines

HARI = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]


def _span(minutes: float, day_minutes: int, suffix: str) -> str:
    minutes = int(minutes)
    if minutes < 60:
        return f"{max(minutes, 1)} menit{suffix}"
    if minutes < day_minutes:
        return f"{minutes // 60} jam{suffix}"
    return f"{minutes // day_minutes} hari{suffix}"


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
        return "tanpa tenggat"
    if due <= now:
        late = (now - due).total_seconds() / 60
        return "terlambat " + _span(late, 24 * 60, "")
    if status in ("waiting_citizen", "resolved"):
        who = "menunggu pelapor" if status == "waiting_citizen" else "menunggu konfirmasi"
        return f"{who}, sisa " + _span((due - now).total_seconds() / 60, 24 * 60, "")
    cal = deadlines.policy_for(category_code, urgency).calendar
    left = clock.remaining_minutes(due, now, cal)
    if left < 1:
        local = timezone.localtime(due, cal.tz)
        return f"tenggat {HARI[local.weekday()]} {local:%H.%M}"
    if cal.is_24_7:
        return "sisa " + _span(left, 24 * 60, "")
    return "sisa " + _span(left, cal.day_minutes, " kerja")
