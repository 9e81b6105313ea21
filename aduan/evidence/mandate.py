"""The mandate, measured: for every official position, what they posted and answered.

A fixed handful of grouped queries whatever the number of positions or complaints (the
page for the whole city at 100,000 complaints and 10,000 posts is measured by
`bench/evidence_bench.py`):

1. the positions in scope (mayor/Sekda/triage: the city; others: their unit subtree);
2. activity posts per position: last, in 7 and in 30 days;
3. acknowledgements (`acknowledged` events) per user: last (within `LAST_ACK_DAYS`), 7
   and 30 days;
4. first-response working minutes (the SLA measure) of complaints each user took on in
   the last `MEASURE_DAYS`, for the median;
5. resolutions per user in `MEASURE_DAYS`, and how many had an after photo.

Acknowledgements, medians and resolutions belong to the person (the event's actor, the
complaint's assignee), so a person with two positions shows the same figures on both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone

from aduan.complaints.models import Complaint, Event
from aduan.org.models import Official

from .models import ActivityPost, Photo

PERIODS = (7, 30)
MEASURE_DAYS = 90
LAST_ACK_DAYS = 90  # also the longest "gone quiet" period the page offers
QUIET_DAYS = 14
# Roles measured: those who own work. The mayor, Sekda and the triage team are readers.
NOT_MEASURED = (Official.Role.MAYOR, Official.Role.SEKDA, Official.Role.TRIAGE)
VIEWER_ROLES = {Official.Role.CAMAT, Official.Role.LURAH, Official.Role.KEPALA}


def may_view(user, access) -> bool:
    if access.sees_all:
        return True
    return Official.objects.filter(user=user, is_active=True, role__in=VIEWER_ROLES).exists()


@dataclass
class Row:
    official: Official
    last_post: datetime | None = None
    posts_7: int = 0
    posts_30: int = 0
    last_ack: datetime | None = None
    acks_7: int = 0
    acks_30: int = 0
    median_minutes: float | None = None
    resolved: int = 0
    with_photo: int = 0
    quiet: bool = field(default=False)

    @property
    def photo_share(self) -> float | None:
        return self.with_photo / self.resolved if self.resolved else None

    @property
    def last_seen(self) -> datetime | None:
        moments = [m for m in (self.last_post, self.last_ack) if m]
        return max(moments) if moments else None

    @property
    def median_hours(self) -> float | None:
        return None if self.median_minutes is None else self.median_minutes / 60


def rows(access, *, quiet_days: int = QUIET_DAYS, now: datetime | None = None) -> list[Row]:
    now = now or timezone.now()
    d7, d30 = now - timedelta(days=7), now - timedelta(days=30)
    since = now - timedelta(days=MEASURE_DAYS)
    scope = Official.objects.filter(is_active=True).exclude(role__in=NOT_MEASURED)
    if not access.sees_all:
        scope = scope.filter(access.unit_q("unit"))
    officials = list(scope.select_related("unit").order_by("unit__path", "role", "pk"))
    by_official = {o.pk: Row(o) for o in officials}
    # Person-level figures are read for the time window only, then picked for the
    # positions in scope: an `actor IN (scope)` filter makes SQLite walk the actor index
    # over every event ever recorded, while the window is a short range of `created_at`.
    users = {o.user_id for o in officials}

    for item in (ActivityPost.objects.filter(official_id__in=scope.values("pk"))
                 .values("official_id")
                 .annotate(last=Max("published_at"),
                           p7=Count("pk", filter=Q(published_at__gte=d7)),
                           p30=Count("pk", filter=Q(published_at__gte=d30)))
                 .order_by()):
        row = by_official.get(item["official_id"])
        if row:
            row.last_post, row.posts_7, row.posts_30 = item["last"], item["p7"], item["p30"]

    per_user: dict[int, dict] = {}
    # Rows of the window, counted here: grouping in SQL lets SQLite prefer the actor
    # index and walk every event ever recorded; the window is a short `created_at` range.
    for actor_id, at in (Event.objects
                         .filter(kind="acknowledged",
                                 created_at__gte=now - timedelta(days=LAST_ACK_DAYS))
                         .values_list("actor_id", "created_at").order_by()):
        if actor_id not in users:
            continue
        figures = per_user.setdefault(actor_id, {"last_ack": at, "acks_7": 0, "acks_30": 0})
        figures["last_ack"] = max(figures["last_ack"], at)
        figures["acks_7"] += at >= d7
        figures["acks_30"] += at >= d30

    minutes: dict[int, list[int]] = {}
    # Working minutes to the first response, as the figures measure them (dashboard facts).
    for user_id, value in (Complaint.objects
                           .filter(assignee_id__isnull=False, created_at__gte=since,
                                   first_response_at__isnull=False)
                           .values_list("assignee_id", "fact__first_response_minutes")
                           .order_by()):
        if value is not None and user_id in users:
            minutes.setdefault(user_id, []).append(value)
    for user_id, values in minutes.items():
        per_user.setdefault(user_id, {})["median_minutes"] = median(values)

    after = Photo.objects.filter(complaint_id=OuterRef("complaint_id"), tag=Photo.Tag.AFTER)
    for actor_id, proof in (Event.objects.filter(kind="resolved", created_at__gte=since)
                            .annotate(proof=Exists(after)).values_list("actor_id", "proof")
                            .order_by()):
        if actor_id in users:
            figures = per_user.setdefault(actor_id, {})
            figures["resolved"] = figures.get("resolved", 0) + 1
            figures["with_photo"] = figures.get("with_photo", 0) + bool(proof)

    quiet_since = now - timedelta(days=quiet_days)
    for row in by_official.values():
        for name, value in per_user.get(row.official.user_id, {}).items():
            setattr(row, name, value)
        row.quiet = row.last_seen is None or row.last_seen < quiet_since
    return list(by_official.values())


def quiet(all_rows: list[Row]) -> list[Row]:
    """Gone quiet: longest silence first (never-seen first of all)."""
    far_past = timezone.now() - timedelta(days=100 * 365)
    return sorted((r for r in all_rows if r.quiet),
                  key=lambda r: (r.last_seen or far_past, r.official.unit.path))
