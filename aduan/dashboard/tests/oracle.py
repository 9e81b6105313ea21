"""The figures computed the plain way, independent of `facts.py` and `stats.py`: every
complaint's timeline replayed minute by minute on the office calendar."""

from __future__ import annotations

import math
from datetime import timedelta

from aduan.complaints.models import Complaint, Event
from aduan.evidence.models import Photo
from aduan.sla.deadlines import policy_for

MINUTE = timedelta(minutes=1)


def working_minutes(a, b, cal, pauses=()) -> int:
    """Minutes in [a, b) that fall in working hours and outside every pause."""
    count, t = 0, a
    while t < b:
        local = t.astimezone(cal.tz)
        paused = any(p0 <= t < (p1 or b) for p0, p1 in pauses)
        if (not paused and cal.is_working_day(local.date())
                and cal.start <= local.time() < cal.end):
            count += 1
        t += MINUTE
    return count


def replay(complaint: Complaint, now) -> dict:
    cal = policy_for(complaint.category_id, complaint.urgency).calendar
    events = list(Event.objects.filter(complaint=complaint).order_by("created_at", "id"))
    pauses, start = [], None
    for e in events:
        if e.kind == "asked_citizen" and start is None:
            start = e.created_at
        elif e.kind in ("citizen_message", "wait_expired", "rejected", "forwarded",
                        "merged") and start is not None:
            pauses.append((start, e.created_at))
            start = None
    if start is not None and complaint.status == "waiting_citizen":
        pauses.append((start, None))
    answers = [complaint.first_response_at] if complaint.first_response_at else []
    answers += [e.created_at for e in events if e.kind in ("rejected", "forwarded")]
    answered = min(answers) if answers else None
    followed = next((e.created_at for e in events
                     if e.kind in ("progress", "resolved", "forwarded", "rejected")), None)

    def met(done, days):
        limit = days * cal.day_minutes
        if done is not None:
            return working_minutes(complaint.created_at, done, cal, pauses) <= limit
        if working_minutes(complaint.created_at, now, cal, pauses) >= limit:
            return False
        return None

    resolved_now = complaint.status in ("resolved", "closed")
    resolved_ever = any(e.kind == "resolved" for e in events)
    return {
        "complaint": complaint,
        "unit_id": complaint.owner_id,
        "answered": met(answered, 1), "followed": met(followed, 2),
        "resolution": working_minutes(complaint.created_at, complaint.resolved_at, cal, pauses)
        if resolved_now else None,
        "resolved": resolved_ever,
        "reopened": any(e.kind == "reopened" for e in events),
        "escalations": sum(e.kind == "escalated" for e in events),
        "after": Photo.objects.filter(complaint=complaint, tag="after").exists(),
        "rating": complaint.rating,
    }


def nearest_rank(values, fraction):
    values = sorted(values)
    return values[max(0, math.ceil(fraction * len(values)) - 1)] if values else None
