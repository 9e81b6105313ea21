"""The command centre (`/petugas/dasbor/`) and the staff report card of a unit
(`/petugas/unit/<id>/`): the city for the mayor, Sekda, triage team and admins; one's
own subtree for everyone else. Figures from `stats.py`, each linking to its complaints."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from aduan.complaints.models import Category, Complaint
from aduan.org.access import access_for
from aduan.org.models import Official, Unit

from . import cards, periods, report, stats

FILTER_KINDS = (Unit.Kind.KECAMATAN, Unit.Kind.KELURAHAN, Unit.Kind.DINAS, Unit.Kind.RW)


def home_scope(request) -> stats.Scope:
    """The subtree a user answers for; `?lingkup=<unit id>` picks one of several own
    units (or a unit below them). 403 without a position."""
    access = access_for(request.user)
    if access.sees_all:
        chosen = _int(request.GET.get("lingkup"))
        return stats.Scope(chosen if chosen in stats.units.get() else None)
    if not access.units:
        raise PermissionDenied
    chosen = _int(request.GET.get("lingkup"))
    if chosen is not None:
        unit = Unit.objects.filter(pk=chosen).first()
        if unit is None or not access.covers(unit):
            raise PermissionDenied
        return stats.Scope(unit.pk)
    top = min(access.units, key=lambda u: u.path.count("/"))
    return stats.Scope(top.pk)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class BadRequest(Exception):
    pass


def parse_query(request, scope: stats.Scope) -> tuple[periods.Period, stats.Filters]:
    """Period and filters from the form; a bad value is a 400 with the reason."""
    get = request.GET
    key = get.get("periode") or periods.DEFAULT
    if get.get("dari") and get.get("sampai"):
        try:
            key = periods.custom_key(date.fromisoformat(get["dari"]),
                                     date.fromisoformat(get["sampai"]))
        except ValueError as exc:
            raise BadRequest(_("Tanggal tidak valid.")) from exc
    try:
        period = periods.parse(key)
    except ValueError as exc:
        raise BadRequest(str(exc)) from exc
    category = get.get("kategori", "").strip()
    if category and not Category.objects.filter(pk=category).exists():
        raise BadRequest(_("Kategori tidak dikenal."))
    channel = get.get("kanal", "").strip()[:20]
    unit_id = _int(get.get("unit"))
    if unit_id is not None:
        allowed = scope.unit_ids()
        if unit_id not in stats.units.get() or (allowed is not None and unit_id not in allowed):
            raise BadRequest(_("Unit di luar lingkup Anda."))
    return period, stats.Filters(category, channel, unit_id)


def _form_context(scope: stats.Scope, period, filters) -> dict:
    ids = scope.unit_ids()
    choices = [u for u in stats.units.get().values() if u.kind in FILTER_KINDS
               and (ids is None or u.pk in ids) and u.pk != scope.unit_id]
    return {
        "period_choices": periods.CHOICES, "categories": Category.objects.all(),
        "channels": sorted(stats.CHANNEL_LABELS.items()),
        "filter_units": sorted(choices, key=lambda u: (u.kind, u.name)),
        "filters": filters, "period": period,
        "custom": period.key not in dict(periods.CHOICES),
    }


def _bad(request, message: str) -> HttpResponse:
    return render(request, "dashboard/bad_request.html", {"message": message}, status=400)


@login_required
def command_centre(request):
    access = access_for(request.user)
    if not access.units and not request.user.is_superuser:
        return render(request, "staff/no_position.html", status=403)
    scope = home_scope(request)
    try:
        period, filters = parse_query(request, scope)
    except BadRequest as exc:
        return _bad(request, str(exc))
    context = cards.build(scope, period, filters, staff=True,
                          unit_card_url=lambda pk: reverse("staff:unit_card", args=[pk]))
    unstaffed, quiet = stats.flags(scope)
    context.update(_form_context(scope, period, filters))
    scope_unit = stats.units.get().get(scope.unit_id) if scope.unit_id else None
    query = request.GET.urlencode()
    context.update({
        "scope_unit": scope_unit, "unstaffed": unstaffed[:12], "unstaffed_n": len(unstaffed),
        "quiet": quiet[:12], "quiet_n": len(quiet), "query": query,
        "downloads": [(fmt, f"{reverse('staff:report')}?{query}&format={fmt}")
                      for fmt in report.FORMATS],
    })
    return render(request, "dashboard/command.html", context)


@login_required
def unit_card(request, pk):
    unit = get_object_or_404(Unit, pk=pk)
    access = access_for(request.user)
    if not access.covers(unit):
        raise PermissionDenied
    scope = stats.Scope(unit.pk)
    try:
        period, filters = parse_query(request, scope)
    except BadRequest as exc:
        return _bad(request, str(exc))
    context = cards.build(scope, period, filters, staff=True,
                          unit_card_url=lambda pk: reverse("staff:unit_card", args=[pk]))
    context.update(_form_context(scope, period, filters))
    context.update(unit_context(unit, context["fig"], staff=True))
    return render(request, "dashboard/unit_card.html", context)


OPEN_SHOWN = 20


def unit_context(unit: Unit, fig: stats.Figures, *, staff: bool) -> dict:
    """What a report card adds to the figures: rank, open complaints by deadline, the
    unit's positions (titles only) and what each did in the period."""
    rank, ranked = cards.rank_of(unit, fig)
    ids = stats.subtree_ids(unit)
    open_list = list(Complaint.objects.open().filter(owner_id__in=ids)
                     .select_related("category", "owner").order_by("next_due", "pk")
                     [:OPEN_SHOWN])
    positions = list(Official.objects.filter(unit=unit, is_active=True)
                     .exclude(role__in=Official.READ_ONLY_ROLES).order_by("role", "pk"))
    acts = stats.position_activity(positions, fig.period)
    return {
        "unit": unit, "rank": rank, "ranked": ranked,
        "kind_label": cards.KIND_LABELS.get(unit.kind, unit.kind),
        "open_list": open_list, "positions": [(p, acts.get(p.pk, {})) for p in positions],
        "ancestors": list(reversed(unit.ancestors())),
    }


@login_required
def report_download(request):
    """The report of what the user sees (period and filters of the command centre)."""
    access = access_for(request.user)
    if not access.units and not request.user.is_superuser:
        raise PermissionDenied
    scope = home_scope(request)
    fmt = request.GET.get("format", "html")
    if fmt not in report.FORMATS:
        return _bad(request, _("Format tidak dikenal: %(f)s") % {"f": fmt[:10]})
    try:
        period, filters = parse_query(request, scope)
    except BadRequest as exc:
        return _bad(request, str(exc))
    built = report.build(period, scope, filters)
    response = HttpResponse(report.render(built, fmt), content_type=report.CONTENT_TYPES[fmt])
    if fmt != "html":
        response["Content-Disposition"] = f'attachment; filename="{report.filename(built, fmt)}"'
    return response
