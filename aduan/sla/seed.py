"""Default calendars and SLA policies (Solo's rule), safe to run again and again.

Called by the city seed. Existing rows are left as the city edited them: the seed only
creates what is missing.
"""

from __future__ import annotations

from datetime import time

from django.db import transaction

from . import deadlines
from .models import Holiday, SlaPolicy, WorkingCalendar

OFFICE = "Jam kantor Pemkot (Senin–Jumat 07.30–16.00)"
ALWAYS = "Darurat 24/7"

# Local days off for Surakarta, as data. National holidays and cuti bersama come from the
# `holidays` package (its "government" category carries the SKB 3 Menteri cuti bersama
# list); add a row here or in the admin for a local day, or a row with is_day_off=False
# to keep an office open on a day the package calls a holiday. Surakarta has no regional
# public holiday that we are sure of, so the list starts empty.
LOCAL_DAYS_OFF: list[tuple[str, str]] = []


@transaction.atomic
def seed_default_policies() -> dict[str, int]:
    """Create the office and 24/7 calendars and the default and emergency policies."""
    created = {"calendars": 0, "policies": 0, "holidays": 0}
    office, made = WorkingCalendar.objects.get_or_create(
        name=OFFICE,
        defaults={"time_zone": "Asia/Jakarta", "working_days": "01234",
                  "start_time": time(7, 30), "end_time": time(16, 0)},
    )
    created["calendars"] += made
    always, made = WorkingCalendar.objects.get_or_create(
        name=ALWAYS, defaults={"is_24_7": True, "country": ""}
    )
    created["calendars"] += made
    for day, name in LOCAL_DAYS_OFF:
        _, made = Holiday.objects.get_or_create(
            calendar=office, date=day, defaults={"name": name, "kind": Holiday.Kind.LOCAL}
        )
        created["holidays"] += made
    defaults = {p.urgency: p for p in deadlines.DEFAULT_POLICIES}
    for urgency, calendar in (("", office), ("emergency", always)):
        p = defaults[urgency]
        _, made = SlaPolicy.objects.get_or_create(
            category_code="", urgency=urgency,
            defaults={
                "name": p.name, "calendar": calendar, "first_response": p.first_response,
                "next_response": p.next_response, "resolution": p.resolution,
                "warn_before": p.warn_before, "escalation_grace": p.escalation_grace,
                "waiting_days": p.waiting_days, "confirmation_days": p.confirmation_days,
            },
        )
        created["policies"] += made
    # Disasters run on the emergency clock whatever urgency triage guessed.
    _, made = SlaPolicy.objects.get_or_create(
        category_code="bencana", urgency="",
        defaults={"name": "Bencana: selalu darurat", "calendar": always,
                  **_fields(defaults["emergency"])},
    )
    created["policies"] += made
    deadlines.clear_cache()
    return created


def _fields(p: deadlines.Policy) -> dict:
    return {
        "first_response": p.first_response, "next_response": p.next_response,
        "resolution": p.resolution, "warn_before": p.warn_before,
        "escalation_grace": p.escalation_grace, "waiting_days": p.waiting_days,
        "confirmation_days": p.confirmation_days,
    }


__all__ = ["seed_default_policies"]
