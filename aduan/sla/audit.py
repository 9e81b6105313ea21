"""Nothing left behind: the open-complaint audit and the daily backlog digest (layer 4)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime

from django.db.models import Count, Exists, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from aduan.complaints.models import OPEN, Complaint
from aduan.org.models import Unit

from .humanize import time_left

AGE_BUCKETS = [(1, "≤1 hari"), (3, "2–3 hari"), (7, "4–7 hari"), (30, "8–30 hari"),
               (None, ">30 hari")]


def orphans():
    """Open complaints that break "open means owned" (no owner or no next deadline)."""
    return Complaint.objects.filter(status__in=OPEN).filter(
        Q(owner__isnull=True) | Q(next_due__isnull=True)
    )


def unstaffed_owners():
    """Units without an active official that own open complaints or would own new ones
    (a category's owner, a routing rule's target, a region's office), with their number
    of open complaints, busiest first."""
    from aduan.complaints.models import Category, RoutingRule
    from aduan.org.staffing import unstaffed_units

    open_here = Complaint.objects.filter(owner=OuterRef("pk"), status__in=OPEN)
    would = (Q(pk__in=Category.objects.filter(owner__isnull=False).values("owner_id"))
             | Q(pk__in=RoutingRule.objects.values("unit_id"))
             | Q(kind__in=[Unit.Kind.KELURAHAN, Unit.Kind.KECAMATAN, Unit.Kind.RW, Unit.Kind.RT])
             | Q(Exists(open_here)))
    counted = open_here.order_by().values("owner").annotate(n=Count("pk")).values("n")
    return (unstaffed_units().filter(would)
            .annotate(open_count=Coalesce(Subquery(counted), 0))
            .order_by("-open_count", "path"))


def audit_rows(now: datetime | None = None):
    """(status, owner, count, overdue, earliest deadline, words) per status and owner."""
    now = now or timezone.now()
    rows = (
        Complaint.objects.filter(status__in=OPEN)
        .values("status", "owner__code", "owner__name")
        .annotate(n=Count("pk"), overdue=Count("pk", filter=Q(next_due__lte=now)),
                  earliest=Min("next_due"))
        .order_by("status", "earliest")
    )
    for row in rows:
        words = (time_left(row["earliest"], now, status=row["status"]) if row["earliest"]
                 else "TANPA TENGGAT")
        yield (row["status"], row["owner__name"] or "TANPA PEMILIK", row["n"], row["overdue"],
               row["earliest"], words)


def backlog_by_age(now: datetime | None = None) -> dict[int, Counter]:
    """Open complaints per owner unit id, counted by age bucket (for the daily digest)."""
    now = now or timezone.now()
    backlog: dict[int, Counter] = defaultdict(Counter)
    for owner_id, created in Complaint.objects.filter(status__in=OPEN).values_list(
            "owner_id", "created_at").iterator():
        age = (now - created).days
        label = next(lbl for limit, lbl in AGE_BUCKETS if limit is None or age <= limit)
        backlog[owner_id][label] += 1
    return backlog


def daily_digest(now: datetime | None = None) -> dict[str, str]:
    """One text per unit with a backlog: "Kelurahan Kemlayan: 12 aduan terbuka (...)".

    The caller (worker, once a day) sends it to the unit's officials; it is also a ready
    input for the dashboard.
    """
    units = {u.pk: u for u in Unit.objects.all()}
    texts = {}
    for owner_id, buckets in sorted(backlog_by_age(now).items()):
        unit = units.get(owner_id)
        total = sum(buckets.values())
        parts = ", ".join(f"{buckets[lbl]} {lbl}" for _, lbl in AGE_BUCKETS if buckets[lbl])
        texts[unit.code if unit else str(owner_id)] = (
            f"{unit or owner_id}: {total} aduan terbuka ({parts})"
        )
    return texts


DIGEST_HOUR = 7  # local time: the digest reaches officials as the office opens


def send_daily_digest(now: datetime | None = None) -> int:
    """Once a day (any number of workers): each unit's officials get their backlog by age
    in their web inbox. Returns how many notifications were written (0 if already sent)."""
    from django.db import IntegrityError, transaction

    from aduan.org.models import Official

    from .models import Claim, Notification

    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < DIGEST_HOUR:
        return 0
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    try:
        with transaction.atomic():
            Claim.objects.create(complaint_id=0, action="digest", due=day, created_at=now)
            texts = daily_digest(now)
            officials = Official.objects.filter(unit__code__in=texts, is_active=True)
            rows = [
                Notification(user_id=user_id, complaint_id=0, kind="digest",
                             text=texts[code][:500], created_at=now)
                for user_id, code in officials.values_list("user_id", "unit__code").distinct()
            ]
            Notification.objects.bulk_create(rows)
            return len(rows)
    except IntegrityError:
        return 0  # another worker sent today's digest
