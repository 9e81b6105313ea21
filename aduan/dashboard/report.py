"""The city's weekly/monthly report, like Solo's own: counts by channel, category and
unit, shares answered within 1×24 h and followed up within 2×24 h (working days), done /
in progress / overdue per unit, best and worst units. Figures from `stats.py`; rendered
as HTML, CSV or XLSX (openpyxl). `send_weekly` mails and messages last week's to the
mayor on Monday morning through the channels' outbox."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aduan.channels.models import ChannelAccount
from aduan.channels.outbox import Park, queue
from aduan.channels.registry import CHANNELS
from aduan.complaints.models import OPEN, Complaint
from aduan.org.models import Official, Unit
from aduan.sla.clock import CITY_CLOCK_STATUSES

from . import periods, stats

FORMATS = ("html", "csv", "xlsx")
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8", "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
REPORT_KINDS = (Unit.Kind.DINAS, Unit.Kind.KECAMATAN, Unit.Kind.KELURAHAN)
BEST_WORST = 5
MIN_DECIDED = 3  # a unit with fewer decided complaints is not called best or worst
SEND_HOUR = 7  # Monday, Jakarta time


@dataclass
class UnitLine:
    name: str
    kind: str
    n: int
    answered: float | None
    followed: float | None
    done: int
    in_progress: int
    overdue: int
    rank: int | None
    decided: int


@dataclass
class Report:
    title: str
    period: periods.Period
    scope_name: str
    total: stats.Tally
    resolution_median: float | None
    resolution_p90: float | None
    channels: list[tuple[str, int]]
    categories: list[tuple[str, int]]
    units: list[UnitLine]
    best: list[UnitLine]
    worst: list[UnitLine]
    done: int
    in_progress: int
    overdue: int
    generated_at: datetime


def status_by_unit(scope: stats.Scope, period: periods.Period, filters: stats.Filters,
                   now: datetime) -> dict[int, dict[str, int]]:
    """Complaints of the period by the unit holding them: done (resolved/closed), in progress
    (open), overdue (open with a city deadline passed now)."""
    rows = Complaint.objects.filter(fact__created_at__gte=period.start,
                                    fact__created_at__lt=period.end)
    ids = scope.unit_ids(filters)
    if ids is not None:
        rows = rows.filter(fact__unit_id__in=ids)
    if filters.category:
        rows = rows.filter(category_id=filters.category)
    if filters.channel:
        rows = rows.filter(channel=filters.channel)
    found = (rows.values("fact__unit_id").annotate(
        done=Count("pk", filter=Q(status__in=stats.DONE)),
        open=Count("pk", filter=Q(status__in=OPEN) & ~Q(status__in=stats.DONE)),
        overdue=Count("pk", filter=Q(status__in=CITY_CLOCK_STATUSES, next_due__lt=now)))
        .order_by())
    return {r["fact__unit_id"]: r for r in found}


def build(period: periods.Period, scope: stats.Scope | None = None,
          filters: stats.Filters | None = None, now: datetime | None = None) -> Report:
    scope, filters = scope or stats.Scope(), filters or stats.Filters()
    now = now or timezone.now()
    fig = stats.figures(scope, period, filters, now=now)
    states = status_by_unit(scope, period, filters, now)
    lines = []
    for kind in REPORT_KINDS:
        by_kind: dict[int, dict[str, int]] = {}
        for unit_id, state in states.items():
            target = stats.ancestor_of_kind(unit_id, kind)
            if target is not None:
                into = by_kind.setdefault(target, {"done": 0, "open": 0, "overdue": 0})
                for name in into:
                    into[name] += state[name]
        for row in stats.unit_table(fig, kind, now=now):
            if not row.tally.n:
                continue
            state = by_kind.get(row.unit.pk, {"done": 0, "open": 0, "overdue": 0})
            lines.append(UnitLine(
                row.unit.name, str(dict(Unit.Kind.choices).get(kind, kind)), row.tally.n,
                row.tally.answered_share, row.tally.followed_share, state["done"],
                state["open"], state["overdue"], row.rank, row.tally.ans_ok + row.tally.ans_late))
    judged = sorted((u for u in lines if u.decided >= MIN_DECIDED),
                    key=lambda u: (-(u.answered or 0), -(u.followed or 0), -u.n, u.name))
    scope_name = (stats.units.get()[scope.unit_id].name if scope.unit_id
                  else settings_city_name())
    return Report(
        title=_("Laporan pengaduan %(city)s — %(period)s")
        % {"city": scope_name, "period": period.label},
        period=period, scope_name=scope_name, total=fig.total,
        resolution_median=fig.resolution_median, resolution_p90=fig.resolution_p90,
        channels=[(str(stats.CHANNEL_LABELS.get(c, c)), n) for c, n in fig.by_channel],
        categories=[(label, n) for _code, label, n in fig.by_category],
        units=lines, best=judged[:BEST_WORST], worst=list(reversed(judged))[:BEST_WORST],
        done=sum(s["done"] for s in states.values()),
        in_progress=sum(s["open"] for s in states.values()),
        overdue=sum(s["overdue"] for s in states.values()), generated_at=now,
    )


def settings_city_name() -> str:
    top = Unit.objects.filter(kind=Unit.Kind.PEMKOT).order_by("path").first()
    return top.name if top else _("Kota")


def pct(share: float | None) -> str:
    return "" if share is None else f"{share * 100:.1f}"


# --- renderers ----------------------------------------------------------------------------

def render(report: Report, fmt: str) -> bytes:
    if fmt == "html":
        parts = sections(report)
        return render_to_string("dashboard/report.html", {
            "r": report, "summary": parts[0][2], "tables": parts[1:]}).encode()
    if fmt == "csv":
        return to_csv(report).encode("utf-8")
    if fmt == "xlsx":
        return to_xlsx(report)
    raise ValueError(_("Format tidak dikenal: %(f)s") % {"f": fmt})


def _summary_rows(r: Report) -> list[tuple[str, object]]:
    t = r.total
    return [
        (_("Periode"), f"{r.period.first_day.isoformat()} – {r.period.last_day.isoformat()}"),
        (_("Aduan masuk"), t.n),
        (_("Dijawab ≤ 1×24 jam kerja (%)"), pct(t.answered_share)),
        (_("Dijawab tepat waktu"), t.ans_ok), (_("Dijawab terlambat"), t.ans_late),
        (_("Ditindaklanjuti ≤ 2×24 jam kerja (%)"), pct(t.followed_share)),
        (_("Selesai"), r.done), (_("Dalam proses"), r.in_progress),
        (_("Terlambat sekarang"), r.overdue),
        (_("Waktu selesai median (jam kerja)"),
         "" if r.resolution_median is None else round(r.resolution_median, 1)),
        (_("Waktu selesai p90 (jam kerja)"),
         "" if r.resolution_p90 is None else round(r.resolution_p90, 1)),
        (_("Dibuka ulang (%)"), pct(t.reopen_rate)),
        (_("Nilai warga (1–5)"), "" if t.rating is None else round(t.rating, 2)),
        (_("Bukti foto sesudah (%)"), pct(t.proof_rate)),
    ]


def unit_header() -> list[str]:
    return [_("Unit"), _("Jenis"), _("Aduan"), _("Dijawab ≤1 hari (%)"),
            _("Ditindaklanjuti ≤2 hari (%)"), _("Selesai"), _("Dalam proses"),
            _("Terlambat"), _("Peringkat")]


def unit_cells(u: UnitLine) -> list:
    return [u.name, u.kind, u.n, pct(u.answered), pct(u.followed), u.done, u.in_progress,
            u.overdue, u.rank or ""]


def sections(r: Report) -> list[tuple[str, list[str], list[list]]]:
    return [
        (_("Ringkasan"), [_("Ukuran"), _("Nilai")], [list(row) for row in _summary_rows(r)]),
        (_("Kanal"), [_("Kanal"), _("Aduan")], [list(row) for row in r.channels]),
        (_("Kategori"), [_("Kategori"), _("Aduan")], [list(row) for row in r.categories]),
        (_("Unit"), unit_header(), [unit_cells(u) for u in r.units]),
        (_("Terbaik"), unit_header(), [unit_cells(u) for u in r.best]),
        (_("Terburuk"), unit_header(), [unit_cells(u) for u in r.worst]),
    ]


def to_csv(r: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([r.title])
    for name, header, rows in sections(r):
        writer.writerow([])
        writer.writerow([f"# {name}"])
        writer.writerow(header)
        writer.writerows(rows)
    return out.getvalue()


def to_xlsx(r: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for name, header, rows in sections(r):
        sheet = book.create_sheet(title=name[:31])
        sheet.append([r.title])
        sheet.append(header)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        sheet.column_dimensions["A"].width = 40
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def filename(report: Report, fmt: str) -> str:
    return f"laporan-aduan-{report.period.key.replace('..', '_')}.{fmt}"


# --- Monday morning ------------------------------------------------------------------------

def last_week(now: datetime) -> periods.Period:
    local = now.astimezone(periods.TZ)
    year, week, _day = (local - timedelta(days=7)).isocalendar()
    return periods.parse(f"{year}-W{week:02d}", now)


def summary_text(r: Report, url: str) -> str:
    t = r.total
    lines = [r.title, "",
             _("Aduan masuk: %(n)s") % {"n": t.n},
             _("Dijawab ≤ 1 hari kerja: %(p)s%%") % {"p": pct(t.answered_share) or "—"},
             _("Ditindaklanjuti ≤ 2 hari kerja: %(p)s%%") % {"p": pct(t.followed_share) or "—"},
             _("Selesai %(d)s · dalam proses %(o)s · terlambat %(l)s")
             % {"d": r.done, "o": r.in_progress, "l": r.overdue}]
    if r.best:
        lines.append(_("Terbaik: %(u)s") % {"u": ", ".join(u.name for u in r.best[:3])})
    if r.worst:
        lines.append(_("Perlu perhatian: %(u)s") % {"u": ", ".join(u.name for u in r.worst[:3])})
    lines += ["", _("Laporan lengkap: %(url)s") % {"url": url}]
    return "\n".join(lines)


def recipients() -> list[tuple[str, str, str]]:
    """(channel kind, recipient, official key) for every active mayor: linked chats and
    e-mail."""
    out = []
    for official in Official.objects.filter(role=Official.Role.MAYOR, is_active=True,
                                            user__is_active=True).select_related("user"):
        if official.telegram_chat_id:
            out.append(("telegram", official.telegram_chat_id, f"{official.pk}"))
        if official.whatsapp_number:
            out.append(("whatsapp", official.whatsapp_number, f"{official.pk}"))
        if official.user.email:
            out.append(("email", official.user.email, f"{official.pk}"))
    return out


def send_weekly(now: datetime | None = None) -> int:
    """Periodic job: on Monday from SEND_HOUR (Jakarta), last week's report to the mayor's
    linked chats and e-mail, once (outbox keys are unique per week and recipient)."""
    now = now or timezone.now()
    local = now.astimezone(periods.TZ)
    if local.weekday() != 0 or local.hour < SEND_HOUR:
        return 0
    period = last_week(now)
    targets = recipients()
    accounts = {a.kind: a for a in ChannelAccount.objects.filter(
        is_active=True, kind__in={kind for kind, _r, _k in targets}).order_by("-pk")}
    sent = 0
    if not targets:
        return 0
    with translation.override("id"):
        report = build(period, now=now)
        url = (settings.PUBLIC_URL + reverse("staff:report")
               + f"?periode={period.key}&format=html")
        text = summary_text(report, url)
    for kind, recipient, who in targets:
        account = accounts.get(kind)
        if account is None:
            continue
        key = f"weekly-report:{period.key}:{who}:{kind}"
        try:
            payload = CHANNELS[kind].send.compose(account, recipient, text)
        except Park:
            continue
        if kind == "email":
            payload["subject"] = report.title
        with transaction.atomic():
            queue(account, None, key, recipient, payload)
        sent += 1
    return sent

