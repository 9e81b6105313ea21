"""What the command centre, the report cards and /statistik/ show, ready for templates:
figures from `stats.py`, each with the queue link that lists the complaints behind it
(staff pages; public pages get no links into the staff queue)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from aduan.org.models import Unit
from aduan.regions.models import Region

from . import charts, stats
from .periods import Period
from .queue_filters import Links

KIND_LABELS = dict(Unit.Kind.choices)


@dataclass
class Item:
    label: str
    value: object
    url: str | None = None
    note: str = ""
    share: float | None = None  # 0..1 for a bar
    extra: dict = field(default_factory=dict)


def _pct(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}%".replace(".", ",")


def _hours(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",") + " " + _("jam kerja")


def build(scope: stats.Scope, period: Period, filters: stats.Filters, *, staff: bool,
          unit_card_url=None) -> dict:
    fig = stats.figures(scope, period, filters)
    now_open = stats.open_now(scope, filters)
    link = Links(scope, period, filters) if staff else None

    def go(**kw):
        return link(**kw) if link else None

    def go_now(**kw):
        return link.now(**kw) if link else None

    t = fig.total
    tiles = [
        Item(_("Aduan masuk"), t.n, go()),
        Item(_("Dijawab ≤ 1 hari kerja"), _pct(t.answered_share), go(jawab="tepat"),
             _("%(ok)s dari %(all)s (terlambat: %(late)s)")
             % {"ok": t.ans_ok, "all": t.ans_ok + t.ans_late, "late": t.ans_late},
             extra={"late_url": go(jawab="terlambat")}),
        Item(_("Ditindaklanjuti ≤ 2 hari kerja"), _pct(t.followed_share), go(tindak="tepat"),
             _("%(ok)s dari %(all)s (terlambat: %(late)s)")
             % {"ok": t.fol_ok, "all": t.fol_ok + t.fol_late, "late": t.fol_late},
             extra={"late_url": go(tindak="terlambat")}),
        Item(_("Waktu selesai (median)"), _hours(fig.resolution_median), go(selesai=1),
             _("p90: %(p90)s · %(n)s aduan selesai")
             % {"p90": _hours(fig.resolution_p90), "n": fig.resolution_n}),
        Item(_("Terbuka sekarang"), now_open.total, go_now()),
        Item(_("Terlambat sekarang"), now_open.overdue, go_now(terlambat=1)),
        Item(_("Dibuka ulang"), _pct(t.reopen_rate), go(dibuka_ulang=1),
             _("%(n)s dari %(all)s yang diselesaikan") % {"n": t.reopened, "all": t.resolved}),
        Item(_("Nilai warga"), "—" if t.rating is None else f"{t.rating:.1f}".replace(".", ",")
             + " / 5", go(dinilai=1), _("%(n)s penilaian") % {"n": t.rating_n}),
        Item(_("Bukti foto sesudah"), _pct(t.proof_rate), go(bukti="ada"),
             _("%(n)s dari %(all)s; tanpa foto: %(no)s")
             % {"n": t.after, "all": t.resolved, "no": t.resolved - t.after},
             extra={"late_url": go(bukti="tidak")}),
        Item(_("Peringatan bukti"), fig.warnings, go(peringatan=1)),
    ]
    escalations = [Item(_("Level %(n)s") % {"n": "3+" if lvl == 3 else lvl},
                        getattr(t, f"esc{lvl}"), go(eskalasi=lvl)) for lvl in (1, 2, 3)]
    ages = [Item(b["label"], b["open"], go_now(umur=i), extra={
        "overdue": b["overdue"], "overdue_url": go_now(umur=i, terlambat=1)})
        for i, b in enumerate(now_open.buckets)]
    top_channel = max([n for _c, n in fig.by_channel], default=0) or 1
    channels = [Item(stats.CHANNEL_LABELS.get(c, c), n, go(kanal=c), share=n / top_channel)
                for c, n in fig.by_channel]
    top_cat = max([n for _c, _l, n in fig.by_category], default=0) or 1
    categories = [Item(label, n, go(kategori=code) if code else None, share=n / top_cat)
                  for code, label, n in fig.by_category]
    kelurahan = stats.by_kelurahan(fig)
    names = dict(Region.objects.filter(code__in=list(kelurahan)).values_list("code", "name"))
    top_place = max(kelurahan.values(), default=0) or 1
    places = [Item(names.get(code, code), n, go(wilayah=code), share=n / top_place)
              for code, n in sorted(kelurahan.items(), key=lambda kv: (-kv[1], kv[0]))]
    tables = []
    same_query = urlencode({k: v for k, v in (("periode", period.key),
                                               ("kategori", filters.category),
                                               ("kanal", filters.channel)) if v})
    for kind in stats.table_kinds(scope):
        rows = stats.unit_table(fig, kind)
        for row in rows:
            row.url = go(unit=row.unit.pk)
            row.card_url = (f"{unit_card_url(row.unit.pk)}?{same_query}"
                            if unit_card_url else None)
            row.answered = _pct(row.tally.answered_share)
            row.followed = _pct(row.tally.followed_share)
        tables.append({"kind": kind, "label": KIND_LABELS.get(kind, kind),
                       "rows": [r for r in rows if r.tally.n],
                       "quiet_rows": [r for r in rows if not r.tally.n]})
    unit_of_region = {u.region_code: u.pk for u in stats.units.get().values()
                      if u.kind == Unit.Kind.KELURAHAN and u.region_code}

    def map_link(code):
        if staff:
            return go(wilayah=code)
        pk = unit_of_region.get(code)
        return reverse("stats_public:unit", args=[pk]) if pk else None

    return {
        "fig": fig, "open_now": now_open, "tiles": tiles, "escalations": escalations,
        "ages": ages, "channels": channels, "categories": categories, "places": places,
        "tables": tables, "period": period, "computed_at": fig.computed_at,
        "breakdowns": [(_("Menurut kanal"), channels), (_("Menurut kategori"), categories),
                       (_("Menurut kelurahan"), places)],
        "choropleth": charts.choropleth(kelurahan, map_link),
        "trend_svg": charts.trend(fig.trend, (lambda key: go(periode=key)) if staff else None),
        "trend_rows": fig.trend[-TREND_ROWS:],
    }


TREND_ROWS = 12


def rank_of(unit: Unit, fig: stats.Figures) -> tuple[int | None, int]:
    ranks, ranked = stats.peer_ranks(fig.period, fig.filters, unit.kind)
    return ranks.get(unit.pk), ranked
