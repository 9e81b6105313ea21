"""Public transparency, no login: `/statistik/` (city figures, per-unit table, trend,
choropleth), `/statistik/unit/<id>/` (a unit's public report card), `/peta/` (recent
complaints on a map). Aggregates are counted by `stats.py`; anything about a single
complaint (its point, reference, category, status) comes from `complaints.public_face`.
Nothing personal: no names of reporters, no text, no exact points."""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.cache import cache_control

from aduan.complaints import public_face
from aduan.complaints.models import Category, Complaint, Status
from aduan.evidence.models import BeforeAfter
from aduan.org.models import Unit

from . import cards, stats
from .command import BadRequest, _bad, _form_context, parse_query, unit_context

MAP_DAYS = 90
MAP_LIMIT = 3000
STATUS_COLOURS = {
    Status.NEW: "#64748b", Status.ASSIGNED: "#f59e0b", Status.IN_PROGRESS: "#2563eb",
    Status.WAITING_CITIZEN: "#a855f7", Status.RESOLVED: "#16a34a", Status.CLOSED: "#15803d",
}
PUBLIC_KINDS = {Unit.Kind.KECAMATAN, Unit.Kind.KELURAHAN, Unit.Kind.RW, Unit.Kind.RT,
                Unit.Kind.DINAS, Unit.Kind.BIDANG, Unit.Kind.PEMKOT}


def _card_url(pk: int) -> str:
    return reverse("stats_public:unit", args=[pk])


def statistics(request):
    scope = stats.Scope()
    try:
        period, filters = parse_query(request, scope)
    except BadRequest as exc:
        return _bad(request, str(exc))
    context = cards.build(scope, period, filters, staff=False, unit_card_url=_card_url)
    context.update(_form_context(scope, period, filters))
    context["counts"] = stats.status_counts()
    return render(request, "dashboard/statistics.html", context)


def unit_card(request, pk):
    unit = get_object_or_404(Unit, pk=pk)
    if unit.kind not in PUBLIC_KINDS or not unit.is_active:
        raise Http404
    scope = stats.Scope(unit.pk)
    try:
        period, filters = parse_query(request, scope)
    except BadRequest as exc:
        return _bad(request, str(exc))
    context = cards.build(scope, period, filters, staff=False, unit_card_url=_card_url)
    context.update(_form_context(scope, period, filters))
    context.update(unit_context(unit, context["fig"], staff=False))
    # Open complaints by deadline: public facts only (reference, category, status, due).
    context["open_public"] = [(public_face.public_view(c), c.next_due) for c in
                              public_face.public_complaints(Complaint.objects.filter(
                                  pk__in=[c.pk for c in context.pop("open_list")]))
                              .order_by("next_due", "pk")]
    items = (BeforeAfter.objects.filter(complaint__owner_id__in=stats.subtree_ids(unit),
                                        complaint__status__in=public_face.BEFORE_AFTER_SHOWN)
             .select_related("complaint__category").order_by("-created_at")[:24])
    context["before_after"] = [
        public_face.public_view(c) for c in public_face.public_complaints(
            Complaint.objects.filter(pk__in=[i.complaint_id for i in items]))
        .order_by("-resolved_at")][:8]
    context["before_after"] = [v for v in context["before_after"] if v.before_after_url]
    return render(request, "dashboard/unit_public.html", context)


def map_page(request):
    return render(request, "dashboard/map.html", {
        "categories": Category.objects.all(), "colours": STATUS_COLOURS.items(),
        "statuses": [(s, Status(s).label, c) for s, c in STATUS_COLOURS.items()],
        "days": MAP_DAYS,
    })


@cache_control(public=True, max_age=60)
def map_points(request):
    """Recent open-and-done complaints as rounded points (public_face decides the point;
    identity categories have none). GeoJSON FeatureCollection."""
    category = request.GET.get("kategori", "")[:40]
    key = f"map-points:{category}:{translation.get_language()}"
    body = cache.get(key)
    if body is None:
        body = _points(category)
        cache.set(key, body, stats.CACHE_SECONDS)
    return JsonResponse(body)


def _points(category: str) -> dict:
    since = timezone.now() - timedelta(days=MAP_DAYS)
    rows = Complaint.objects.filter(created_at__gte=since, status__in=list(STATUS_COLOURS))
    if category:
        rows = rows.filter(category_id=category)
    rows = (rows.select_related("category", "region")
            .only("ref", "status", "lat", "lng", "category__code", "category__name",
                  "category__name_en", "category__may_hold_identity", "region__code",
                  "region__centroid_lat", "region__centroid_lng")
            .order_by("-created_at")[:MAP_LIMIT])
    features = []
    for complaint in rows:
        point = public_face.point(complaint)
        if point is None:
            continue
        lat, lng = point
        features.append({"type": "Feature",
                         "geometry": {"type": "Point", "coordinates": [lng, lat]},
                         "properties": {
                             "ref": complaint.ref, "status": complaint.status,
                             "status_label": Status(complaint.status).label,
                             "category": complaint.category.label if complaint.category else "",
                             "colour": STATUS_COLOURS[complaint.status],
                             "url": reverse("citizen:public", args=[complaint.ref])}})
    return {"type": "FeatureCollection", "features": features}
