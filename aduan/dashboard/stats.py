"""Every figure of the command centre, report cards, public statistics and the report.

One home: pages, the `aduan report` command and the tests ask `figures()` (and
`open_now()`, `unit_table()`); nothing else counts complaints for a figure.

How it stays fast at a million complaints: per-complaint measures are computed once, when
the timeline changes (`facts.py`, table `dashboard_complaintfact`, indexed by
`(created_at, unit_id)` and `(unit_id, created_at)`), so a figure is an indexed aggregate:
one grouped query over the period gives a small cube (unit x category x channel x place)
that Python sums into every breakdown, one query gives the weekly trend, one the
resolution times (median and p90 in Python), one the open complaints now (from the
complaints table, on its `(owner, status, next_due)` index). Results are cached for
`CACHE_SECONDS` per (scope, period, filters); the worker warms nothing: the first visitor
of a minute pays the queries. Membership: a complaint belongs to the period in which it
arrived (the city's own yearly figures are counted that way); "open now" is the present.
"""

from __future__ import annotations

import math
import statistics
import time as monotonic
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _l

from aduan.complaints import counting
from aduan.complaints.models import OPEN, Category, Complaint, Event, Status
from aduan.evidence.models import ActivityPost, Photo, ProofWarning
from aduan.org.models import Unit
from aduan.org.staffing import unstaffed_units
from aduan.sla.clock import CITY_CLOCK_STATUSES

from .facts import iso_week
from .models import ComplaintFact
from .periods import Period

CACHE_SECONDS = 60
DONE = (Status.RESOLVED, Status.CLOSED)
# Being handled: open and not yet reported fixed (resolved waits for the citizen's word).
HANDLING = [s for s in OPEN if s != Status.RESOLVED]
TREND_WEEKS = 12
AGE_BUCKETS = [(0, 1, _l("< 1 hari")), (1, 3, _l("1–3 hari")), (3, 7, _l("3–7 hari")),
               (7, 30, _l("7–30 hari")), (30, None, _l("> 30 hari"))]
PEER_KINDS = (Unit.Kind.KECAMATAN, Unit.Kind.KELURAHAN, Unit.Kind.RW, Unit.Kind.RT,
              Unit.Kind.DINAS, Unit.Kind.BIDANG)
CHANNEL_LABELS = {"web": _l("Situs web"), "whatsapp": "WhatsApp", "instagram": "Instagram",
                  "facebook": "Facebook", "telegram": "Telegram", "email": "E-mail",
                  "api": "API", "open311": "Open311"}


# --- the tree of units, read once a minute ------------------------------------------------

@dataclass(frozen=True)
class UnitInfo:
    pk: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    path: str
    region_code: str


class _Units:
    def __init__(self) -> None:
        self.loaded_at, self.by_id = -1e9, {}

    def get(self) -> dict[int, UnitInfo]:
        if monotonic.monotonic() - self.loaded_at > CACHE_SECONDS:
            self.by_id = {
                pk: UnitInfo(pk, code, short or name, kind, parent, path, region or "")
                for pk, code, name, short, kind, parent, path, region in Unit.objects.values_list(
                    "pk", "code", "name", "short_name", "kind", "parent_id", "path", "region_id")
            }
            self.loaded_at = monotonic.monotonic()
        return self.by_id

    def clear(self) -> None:
        self.loaded_at = -1e9


units = _Units()


def ancestor_of_kind(unit_id: int, kind: str) -> int | None:
    by_id = units.get()
    info = by_id.get(unit_id)
    while info is not None:
        if info.kind == kind:
            return info.pk
        info = by_id.get(info.parent_id) if info.parent_id else None
    return None


def subtree_ids(unit: Unit | UnitInfo) -> list[int]:
    prefix = unit.path + "/"
    return [u.pk for u in units.get().values() if u.path == unit.path
            or u.path.startswith(prefix)]


# --- what is asked --------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    category: str = ""
    channel: str = ""
    unit_id: int | None = None  # a unit inside the scope: its subtree only

    def key(self) -> str:
        return f"{self.category}|{self.channel}|{self.unit_id or ''}"


@dataclass(frozen=True)
class Scope:
    """The city (unit None) or one unit's subtree."""

    unit_id: int | None = None

    def unit_ids(self, filters: Filters | None = None) -> list[int] | None:
        ids = None
        by_id = units.get()
        if self.unit_id is not None:
            ids = set(subtree_ids(by_id[self.unit_id]))
        if filters and filters.unit_id is not None and filters.unit_id in by_id:
            inner = set(subtree_ids(by_id[filters.unit_id]))
            ids = inner if ids is None else ids & inner
        return None if ids is None else sorted(ids)


def facts_in(scope: Scope, period: Period, filters: Filters):
    rows = ComplaintFact.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
    return _narrow(rows, scope, filters, unit_field="unit_id")


def _narrow(rows, scope: Scope, filters: Filters, unit_field: str, category_field="category_code"):
    ids = scope.unit_ids(filters)
    if ids is not None:
        rows = rows.filter(**{f"{unit_field}__in": ids})
    if filters.category:
        rows = rows.filter(**{category_field: filters.category})
    if filters.channel:
        rows = rows.filter(channel=filters.channel)
    return rows


# --- tallies ----------------------------------------------------------------------------------

def aggregates(now: datetime) -> dict:
    counted = Q(counted=True)
    late_answer = Q(answered_met=False) | Q(answered_met__isnull=True, answer_by__lte=now)
    late_follow = Q(followed_met=False) | Q(followed_met__isnull=True, follow_by__lte=now)
    return {
        "a_n": Count("pk"),
        "a_ans_ok": Count("pk", filter=counted & Q(answered_met=True)),
        "a_ans_late": Count("pk", filter=counted & late_answer),
        "a_fol_ok": Count("pk", filter=counted & Q(followed_met=True)),
        "a_fol_late": Count("pk", filter=counted & late_follow),
        "a_resolved": Count("pk", filter=Q(resolved=True)),
        "a_reopened": Count("pk", filter=Q(resolved=True, reopened__gt=0)),
        "a_after": Count("pk", filter=Q(resolved=True, after_photo=True)),
        "a_rating_sum": Sum("rating"),
        "a_rating_n": Count("rating"),
        "a_esc1": Count("pk", filter=Q(escalations=1)),
        "a_esc2": Count("pk", filter=Q(escalations=2)),
        "a_esc3": Count("pk", filter=Q(escalations__gte=3)),
    }


TALLY_FIELDS = ("n", "ans_ok", "ans_late", "fol_ok", "fol_late", "resolved", "reopened",
                "after", "rating_sum", "rating_n", "esc1", "esc2", "esc3")


@dataclass
class Tally:
    n: int = 0
    ans_ok: int = 0
    ans_late: int = 0
    fol_ok: int = 0
    fol_late: int = 0
    resolved: int = 0
    reopened: int = 0
    after: int = 0
    rating_sum: int = 0
    rating_n: int = 0
    esc1: int = 0
    esc2: int = 0
    esc3: int = 0

    def add(self, row: dict) -> None:
        for name in TALLY_FIELDS:
            value = row.get(f"a_{name}", row.get(name))
            setattr(self, name, getattr(self, name) + (value or 0))

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def answered_share(self) -> float | None:
        """Answered within one working day, of those decided (answered, or time is up)."""
        return self._share(self.ans_ok, self.ans_ok + self.ans_late)

    @property
    def followed_share(self) -> float | None:
        return self._share(self.fol_ok, self.fol_ok + self.fol_late)

    @property
    def reopen_rate(self) -> float | None:
        return self._share(self.reopened, self.resolved)

    @property
    def proof_rate(self) -> float | None:
        return self._share(self.after, self.resolved)

    @property
    def rating(self) -> float | None:
        return self.rating_sum / self.rating_n if self.rating_n else None

    @property
    def escalated(self) -> int:
        return self.esc1 + self.esc2 + self.esc3


def percentile(sorted_values: list[int], fraction: float) -> int | None:
    """Nearest-rank percentile (p90 = the value 90% of complaints do not exceed)."""
    if not sorted_values:
        return None
    return sorted_values[max(0, math.ceil(fraction * len(sorted_values)) - 1)]


@dataclass
class Figures:
    period: Period
    scope: Scope
    filters: Filters
    total: Tally
    by_channel: list[tuple[str, int]]
    by_category: list[tuple[str, str, int]]  # code, label, n
    by_place: dict[str, int]  # region code -> n
    by_unit: dict[int, Tally]  # owner unit id -> tally
    resolution_median: float | None  # working hours
    resolution_p90: float | None
    resolution_n: int
    warnings: int  # complaints with a proof warning
    trend: list[dict]
    computed_at: datetime = field(default_factory=timezone.now)


def _key(scope: Scope, period: Period, filters: Filters) -> str:
    return f"stats:{scope.unit_id}:{period.key}:{period.start.isoformat()}:{filters.key()}"


def figures(scope: Scope, period: Period, filters: Filters | None = None,
            now: datetime | None = None, use_cache: bool = True) -> Figures:
    filters = filters or Filters()
    key = _key(scope, period, filters)
    if use_cache and now is None:
        found = cache.get(key)
        if found is not None:
            return found
    result = _compute(scope, period, filters, now or timezone.now())
    if use_cache and now is None:
        cache.set(key, result, WARM_SECONDS if scope.unit_id is None else CACHE_SECONDS)
    return result


WARM_SECONDS = 600  # city-wide figures of the standard periods: kept warm by the worker
WARM_AGE = 240  # the worker recomputes them when older than this


def warm(now: datetime | None = None) -> int:
    """Periodic job: the city's figures for the standard periods (the mayor's page,
    /statistik/ and every report card's peer ranks read them), recomputed when older
    than WARM_AGE seconds, so no visitor waits for a year of complaints."""
    from .periods import CHOICES, parse

    now = now or timezone.now()
    done = 0
    for key, _label in CHOICES:
        period = parse(key, now)
        found = cache.get(_key(Scope(), period, Filters()))
        if found is not None and (now - found.computed_at).total_seconds() < WARM_AGE:
            continue
        result = _compute(Scope(), period, Filters(), now)
        cache.set(_key(Scope(), period, Filters()), result, WARM_SECONDS)
        done += 1
    return done


def _compute(scope: Scope, period: Period, filters: Filters, now: datetime) -> Figures:
    rows = facts_in(scope, period, filters)
    total, by_unit = Tally(), defaultdict(Tally)
    channels, categories, places = defaultdict(int), defaultdict(int), defaultdict(int)
    for row in (rows.values("unit_id", "category_code", "channel", "region_code")
                .annotate(**aggregates(now)).order_by()):
        total.add(row)
        by_unit[row["unit_id"]].add(row)
        channels[row["channel"]] += row["a_n"]
        categories[row["category_code"]] += row["a_n"]
        if row["region_code"]:
            places[row["region_code"]] += row["a_n"]
    labels = {c.code: c.label for c in Category.objects.all()}
    minutes = sorted(rows.filter(resolution_minutes__isnull=False)
                     .values_list("resolution_minutes", flat=True).order_by())
    warned = (ProofWarning.objects.filter(complaint_id__in=rows.values("pk"))
              .values("complaint_id").distinct().count())
    return Figures(
        period=period, scope=scope, filters=filters, total=total,
        by_channel=sorted(channels.items(), key=lambda kv: (-kv[1], kv[0])),
        by_category=sorted(((code, labels.get(code, code or "—"), n)
                            for code, n in categories.items()), key=lambda t: (-t[2], t[1])),
        by_place=dict(places), by_unit=dict(by_unit),
        resolution_median=statistics.median(minutes) / 60 if minutes else None,
        resolution_p90=percentile(minutes, 0.9) / 60 if minutes else None,
        resolution_n=len(minutes), warnings=warned,
        trend=trend(scope, period, filters, now),
    )


def _cached(key: str, compute):
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    return found


def trend_start(period: Period) -> datetime:
    return min(period.start, period.end - timedelta(weeks=TREND_WEEKS))


def trend(scope: Scope, period: Period, filters: Filters, now: datetime) -> list[dict]:
    """Per ISO week (Jakarta), the weeks up to the period's end (at least TREND_WEEKS)."""
    start = trend_start(period)
    rows = ComplaintFact.objects.filter(created_at__gte=start, created_at__lt=period.end)
    rows = _narrow(rows, scope, filters, unit_field="unit_id")
    found = {r["week"]: r for r in rows.values("week").annotate(**aggregates(now)).order_by()}
    weeks, day = [], start
    while day < period.end:
        week = iso_week(day)
        if not weeks or weeks[-1]["week"] != week:
            tally = Tally()
            tally.add(found.get(week, {}))
            weeks.append({"week": week, "key": f"{week // 100}-W{week % 100:02d}",
                          "tally": tally})
        day += timedelta(days=1)
    return weeks


# --- now ---------------------------------------------------------------------------------

@dataclass
class OpenNow:
    total: int
    overdue: int
    buckets: list[dict]  # label, lo, hi, open, overdue


def open_now(scope: Scope, filters: Filters | None = None,
             now: datetime | None = None) -> OpenNow:
    """Complaints being handled now (open, not resolved), by age; overdue = a city deadline
    (not the citizen's) passed.
    Counted by the unit that holds them now (escalated ones with the supervisor).
    Cached for CACHE_SECONDS like every figure (pass `now` for a fresh count)."""
    filters = filters or Filters()
    if now is None:
        return _cached(f"stats-open:{scope.unit_id}:{filters.key()}",
                       lambda: open_now(scope, filters, timezone.now()))
    rows = _narrow(Complaint.objects.filter(status__in=HANDLING), scope, filters,
                   unit_field="owner_id", category_field="category_id")
    late = Q(status__in=CITY_CLOCK_STATUSES, next_due__lt=now)
    agg = {}
    for i, (lo, hi, _label) in enumerate(AGE_BUCKETS):
        age = Q(created_at__lte=now - timedelta(days=lo))
        if hi is not None:
            age &= Q(created_at__gt=now - timedelta(days=hi))
        agg[f"o{i}"] = Count("pk", filter=age)
        agg[f"l{i}"] = Count("pk", filter=age & late)
    found = rows.aggregate(**agg)
    buckets = [{"label": label, "lo": lo, "hi": hi, "open": found[f"o{i}"] or 0,
                "overdue": found[f"l{i}"] or 0}
               for i, (lo, hi, label) in enumerate(AGE_BUCKETS)]
    return OpenNow(sum(b["open"] for b in buckets), sum(b["overdue"] for b in buckets),
                   buckets)


# --- units among their peers -----------------------------------------------------------------

@dataclass
class UnitRow:
    unit: UnitInfo
    tally: Tally
    rank: int | None = None
    peers: int = 0


def roll_up(by_unit: dict[int, Tally], kind: str) -> dict[int, Tally]:
    """Tallies of owner units summed into their ancestor (or self) of `kind`."""
    out: dict[int, Tally] = defaultdict(Tally)
    for unit_id, tally in by_unit.items():
        target = ancestor_of_kind(unit_id, kind)
        if target is not None:
            out[target].add(vars(tally))
    return out


def rank_key(tally: Tally) -> tuple:
    """Best first: answered within one working day, then followed up, then volume."""
    return (-(tally.answered_share or 0), -(tally.followed_share or 0), -tally.n)


def peer_ranks(period: Period, filters: Filters, kind: str,
               now: datetime | None = None) -> tuple[dict[int, int], int]:
    """Rank of every unit of `kind` in the city (1 = best); units with nothing decided
    are not ranked. Returns (ranks, number ranked)."""
    city = figures(Scope(), period, Filters(filters.category, filters.channel), now=now)
    tallies = roll_up(city.by_unit, kind)
    ranked = sorted((t for t in tallies.items() if t[1].ans_ok + t[1].ans_late),
                    key=lambda kv: rank_key(kv[1]))
    return {pk: i + 1 for i, (pk, _t) in enumerate(ranked)}, len(ranked)


def table_kinds(scope: Scope) -> list[str]:
    """Which peers a scope's table lists: the city its kecamatan, kelurahan and dinas; a
    unit the kinds of units below it."""
    if scope.unit_id is None:
        return [Unit.Kind.KECAMATAN, Unit.Kind.KELURAHAN, Unit.Kind.DINAS]
    me = units.get()[scope.unit_id]
    below = {u.kind for u in units.get().values() if u.path.startswith(me.path + "/")}
    return [k for k in PEER_KINDS if k in below][:2]


def unit_table(fig: Figures, kind: str, now: datetime | None = None) -> list[UnitRow]:
    """The scope's units of `kind`, each with its tally and its rank among all its peers."""
    ranks, ranked = peer_ranks(fig.period, fig.filters, kind, now=now)
    tallies = roll_up(fig.by_unit, kind)
    ids = fig.scope.unit_ids(fig.filters)
    allowed = None if ids is None else set(ids)
    rows = [UnitRow(u, tallies.get(u.pk, Tally()), ranks.get(u.pk), ranked)
            for u in units.get().values()
            if u.kind == kind and (allowed is None or u.pk in allowed)]
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.unit.path))


def by_kelurahan(fig: Figures) -> dict[str, int]:
    """Complaints per kelurahan region code (finer places counted in their kelurahan)."""
    out: dict[str, int] = defaultdict(int)
    for code, n in fig.by_place.items():
        out[code[:13]] += n  # 33.72.02.1007 is a kelurahan code; longer codes lie inside
    return dict(out)


# --- who stands out in red ---------------------------------------------------------------

QUIET_DAYS = 7
FLAGGED_KINDS = (Unit.Kind.KECAMATAN, Unit.Kind.KELURAHAN, Unit.Kind.RW, Unit.Kind.RT,
                 Unit.Kind.DINAS, Unit.Kind.BIDANG, Unit.Kind.TEAM)


@dataclass
class Flag:
    unit: UnitInfo
    open: int  # open complaints the unit holds now
    why: str  # "unstaffed" or "quiet"


def flags(scope: Scope, now: datetime | None = None) -> tuple[list[Flag], list[Flag]]:
    """(units without an active official, units gone quiet) in the scope, the ones holding
    most open complaints first. Quiet: holds complaints on the city's clock that arrived
    more than QUIET_DAYS ago, and no official acted on anything it holds in that time."""
    if now is None:
        return _cached(f"stats-flags:{scope.unit_id}", lambda: flags(scope, timezone.now()))
    ids = scope.unit_ids()
    by_id = units.get()
    held = Complaint.objects.filter(status__in=OPEN)
    if ids is not None:
        held = held.filter(owner_id__in=ids)
    open_by_unit = dict(held.values("owner_id").annotate(n=Count("pk"))
                        .values_list("owner_id", "n").order_by())
    candidates = Unit.objects.filter(kind__in=FLAGGED_KINDS)
    if ids is not None:
        candidates = candidates.filter(pk__in=ids)
    unstaffed = [Flag(by_id[pk], open_by_unit.get(pk, 0), "unstaffed")
                 for pk in unstaffed_units(candidates).values_list("pk", flat=True)
                 if pk in by_id]
    since = now - timedelta(days=QUIET_DAYS)
    waiting = dict(held.filter(status__in=CITY_CLOCK_STATUSES, created_at__lt=since)
                   .values("owner_id").annotate(n=Count("pk"))
                   .values_list("owner_id", "n").order_by())
    acting = set(Event.objects.filter(created_at__gte=since, actor__isnull=False,
                                      complaint__owner_id__in=list(waiting))
                 .values_list("complaint__owner_id", flat=True).order_by().distinct())
    quiet = [Flag(by_id[pk], open_by_unit.get(pk, 0), "quiet")
             for pk in waiting if pk not in acting and pk in by_id
             and by_id[pk].kind in FLAGGED_KINDS]
    return sorted(unstaffed, key=_flag_order), sorted(quiet, key=_flag_order)


def _flag_order(flag: Flag) -> tuple:
    return (-flag.open, flag.unit.path)


def status_counts(queryset=None) -> dict[str, int]:
    """Complaints split into parts that add up to the total: open (being handled),
    done (resolved or closed), other (rejected, forwarded, merged). The city's
    (no queryset, /statistik/ and the public home) is cached until a complaint changes."""
    if queryset is None:
        return counting.figure("status-counts", lambda: status_counts(Complaint.objects.all()))
    rows = queryset
    found = rows.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status__in=DONE)),
        open=Count("pk", filter=Q(status__in=HANDLING)),
    )
    found["other"] = found["total"] - found["done"] - found["open"]
    return found


def position_activity(positions, period: Period) -> dict[int, dict]:
    """Per official position (by its person): acknowledgements, progress notes,
    resolutions, resolutions with an after photo and activity posts in the period
    (three grouped queries whatever the number of positions, each one index range:
    event_actor_kind_time_idx, photo_uploader_tag_time_idx)."""
    users = {p.user_id for p in positions}
    per_user: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    for actor, kind, n in (Event.objects.filter(
            created_at__gte=period.start, created_at__lt=period.end, actor_id__in=users,
            kind__in=("acknowledged", "progress", "resolved"))
            .values("actor_id", "kind").annotate(n=Count("*"))  # COUNT(*): index only
            .values_list("actor_id", "kind", "n").order_by()):
        per_user[actor][kind] += n
    for user, n in (Photo.objects.filter(created_at__gte=period.start,
                                         created_at__lt=period.end, uploaded_by_id__in=users,
                                         tag=Photo.Tag.AFTER, complaint__isnull=False)
                    .values("uploaded_by_id").annotate(n=Count("*"))
                    .values_list("uploaded_by_id", "n").order_by()):
        per_user[user]["after_photos"] += n
    posts = dict(ActivityPost.objects.filter(
        official_id__in=[p.pk for p in positions], published_at__gte=period.start,
        published_at__lt=period.end).values("official_id").annotate(n=Count("pk"))
        .values_list("official_id", "n").order_by())
    return {p.pk: {**per_user.get(p.user_id, {}), "posts": posts.get(p.pk, 0)}
            for p in positions}
