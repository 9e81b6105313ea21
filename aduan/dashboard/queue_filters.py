"""The queue's filters: every figure of the command centre links to the queue with the
parameters that select exactly the complaints behind it (same rules as `stats.py`).

Parameters (all optional, combined with AND):
`periode` (a period key: complaints that arrived in it), `kategori`, `kanal`,
`unit` / `pemilik` (the unit holding it, with its subtree; figures count complaints by
their owner, like every queue), `wilayah` (kelurahan region code),
`jawab` / `tindak` = `tepat|terlambat` (answered in one working day / followed up in two),
`selesai=1` (resolved at least once), `dibuka_ulang=1`, `bukti=ada|tidak` (after photo),
`eskalasi=1|2|3` (3 = three or more), `dinilai=1`, `peringatan=1` (proof warning),
`terlambat=1` (a city deadline passed now), `umur=<bucket index>` (open, by age),
`ditangani=1` (being handled: open but not yet reported resolved),
`status` (`open`, `all` or a status).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from aduan.evidence.models import ProofWarning
from aduan.sla.clock import CITY_CLOCK_STATUSES

from . import periods, stats

KEYS = ("periode", "kategori", "kanal", "unit", "pemilik", "wilayah", "jawab", "tindak",
        "selesai", "dibuka_ulang", "bukti", "eskalasi", "dinilai", "peringatan",
        "terlambat", "umur", "ditangani")


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def apply(queryset, params, now: datetime | None = None):
    """Narrow a Complaint queryset by the figure parameters; unknown values are ignored
    (a bad `periode` raises ValueError for a 400)."""
    now = now or timezone.now()
    if key := params.get("periode"):
        period = periods.parse(key, now)
        queryset = queryset.filter(created_at__gte=period.start, created_at__lt=period.end)
    if value := params.get("kategori"):
        queryset = queryset.filter(category_id=value)
    if value := params.get("kanal"):
        queryset = queryset.filter(channel=value)
    if value := params.get("wilayah"):
        queryset = queryset.filter(region_id__startswith=value)
    for name in ("unit", "pemilik"):
        pk = _int(params.get(name))
        info = stats.units.get().get(pk) if pk is not None else None
        if info is not None:
            queryset = queryset.filter(owner_id__in=stats.subtree_ids(info))
    late_answer = Q(fact__answered_met=False) | Q(fact__answered_met__isnull=True,
                                                 fact__answer_by__lte=now)
    late_follow = Q(fact__followed_met=False) | Q(fact__followed_met__isnull=True,
                                                 fact__follow_by__lte=now)
    counted = Q(fact__counted=True)
    if (value := params.get("jawab")) in ("tepat", "terlambat"):
        queryset = queryset.filter(counted & (Q(fact__answered_met=True) if value == "tepat"
                                              else late_answer))
    if (value := params.get("tindak")) in ("tepat", "terlambat"):
        queryset = queryset.filter(counted & (Q(fact__followed_met=True) if value == "tepat"
                                              else late_follow))
    if params.get("selesai") == "1":
        queryset = queryset.filter(fact__resolved=True)
    if params.get("dibuka_ulang") == "1":
        queryset = queryset.filter(fact__resolved=True, fact__reopened__gt=0)
    if (value := params.get("bukti")) in ("ada", "tidak"):
        queryset = queryset.filter(fact__resolved=True, fact__after_photo=value == "ada")
    if (level := _int(params.get("eskalasi"))) in (1, 2, 3):
        queryset = queryset.filter(**({"fact__escalations__gte": 3} if level == 3
                                      else {"fact__escalations": level}))
    if params.get("dinilai") == "1":
        queryset = queryset.filter(rating__isnull=False)
    if params.get("peringatan") == "1":
        queryset = queryset.filter(pk__in=ProofWarning.objects.values("complaint_id"))
    if params.get("ditangani") == "1":
        queryset = queryset.filter(status__in=stats.HANDLING)
    if params.get("terlambat") == "1":
        queryset = queryset.filter(status__in=CITY_CLOCK_STATUSES, next_due__lt=now)
    bucket = _int(params.get("umur"))
    if bucket is not None and 0 <= bucket < len(stats.AGE_BUCKETS):
        lo, hi, _label = stats.AGE_BUCKETS[bucket]
        queryset = queryset.filter(created_at__lte=now - timedelta(days=lo))
        if hi is not None:
            queryset = queryset.filter(created_at__gt=now - timedelta(days=hi))
    return queryset


def active(params) -> dict[str, str]:
    return {k: params[k] for k in KEYS if params.get(k)}


class Links:
    """Queue URLs for the figures of one (scope, period, filters)."""

    def __init__(self, scope: stats.Scope, period: periods.Period, filters: stats.Filters):
        self.base = {"periode": period.key, "status": "all"}
        if filters.category:
            self.base["kategori"] = filters.category
        if filters.channel:
            self.base["kanal"] = filters.channel
        unit = filters.unit_id or scope.unit_id
        self.unit = unit
        if unit:
            self.base["unit"] = unit
        self.url = reverse("staff:home")

    def __call__(self, **extra) -> str:
        params = {**self.base, **{k: v for k, v in extra.items() if v is not None}}
        return f"{self.url}?{urlencode(params)}"

    def now(self, **extra) -> str:
        """Open complaints now, held within the scope (not tied to the period)."""
        params = {"status": "open", "ditangani": 1, **{k: v for k, v in self.base.items()
                                        if k in ("kategori", "kanal")}}
        if self.unit:
            params["pemilik"] = self.unit
        params.update(extra)
        return f"{self.url}?{urlencode(params)}"
