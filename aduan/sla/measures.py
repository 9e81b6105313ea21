"""Per-complaint SLA measures, kept up to date from timeline events.

One `ComplaintMeasure` row per complaint, written in the same transaction as the event
(receiver of `event_recorded`), so a dashboard reads plain indexed columns at 100k
complaints instead of replaying timelines. Working minutes are measured from the first
citizen message (`created_at`) on the complaint's policy calendar; waits for the citizen
are not subtracted (kept simple; the raw timestamps are on the complaint).
"""

from __future__ import annotations

from . import deadlines
from .models import ComplaintMeasure

FIRST_RESPONSE_EVENTS = {"acknowledged", "reply", "progress", "asked_citizen", "resolved"}
MEASURED_EVENTS = FIRST_RESPONSE_EVENTS | {
    "received", "assigned", "returned", "reopened", "escalated", "sla_overdue", "sla_warning",
}


def update_for_event(sender, event, **kwargs) -> None:
    kind = event.kind
    if kind not in MEASURED_EVENTS:
        return
    complaint = event.complaint
    policy = deadlines.policy_for(complaint.category_id, complaint.urgency)
    measure, _ = ComplaintMeasure.objects.get_or_create(
        complaint_id=complaint.pk,
        defaults={"created_at": complaint.created_at},
    )
    measure.owner_id = complaint.owner_id
    measure.category_code = complaint.category_id or ""
    measure.urgency = complaint.urgency
    cal = policy.calendar
    if complaint.first_response_at and measure.first_response_minutes is None:
        minutes = deadlines.working_minutes(complaint.category_id, complaint.urgency,
                                            complaint.created_at, complaint.first_response_at)
        measure.first_response_minutes = max(0, round(minutes))
        measure.first_response_met = minutes <= policy.minutes(policy.first_response)
        measure.answered_within_day = minutes <= cal.day_minutes
    if kind == "resolved" and complaint.resolved_at:
        minutes = deadlines.working_minutes(complaint.category_id, complaint.urgency,
                                            complaint.created_at, complaint.resolved_at)
        measure.resolution_minutes = max(0, round(minutes))
        measure.resolution_met = minutes <= policy.minutes(policy.resolution)
    elif kind == "reopened":
        measure.resolution_minutes, measure.resolution_met = None, None
    if kind == "escalated":
        measure.escalations += 1
        measure.breached = True
    elif kind == "sla_overdue":
        measure.breached = True
    elif kind == "sla_warning":
        measure.warnings += 1
    measure.save()
