"""JSON API v1: public read-only endpoints (no personal data) and the staff queue."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, DurationField, ExpressionWrapper, F
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from aduan.complaints import counting
from aduan.complaints.models import OPEN, Category, Complaint, Status
from aduan.guard import limits
from aduan.org.access import access_for
from aduan.regions.models import Region

from . import public
from .models import ApiKey
from .openapi import document

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class BadRequest(ValueError):
    pass


def problem(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"error": {"status": status, "detail": detail}}, status=status)


def api_view(view):
    """GET only; BadRequest becomes a 400 JSON error."""

    @require_GET
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadRequest as exc:
            return problem(400, str(exc))

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


# --- shapes ----------------------------------------------------------------------------------

def category_ref(category: Category | None) -> dict | None:
    return {"code": category.code, "name": category.name} if category else None


def region_ref(region: Region | None) -> dict | None:
    return {"code": region.code, "name": region.name} if region else None


def complaint_summary(complaint: Complaint, shown=None) -> dict:
    """A complaint for the public API, rendered only from its public face."""
    shown = shown or public.view(complaint)
    lat, lng = shown.point or (None, None)
    return {
        "ref": shown.reference,
        "status": shown.status,
        "status_label": shown.status_label,
        "open311_status": shown.open311_status,
        "category": category_ref(complaint.category),
        "urgency": shown.urgency,
        "text": shown.text or "",
        "kelurahan": region_ref(complaint.region),
        "address": shown.place,
        "lat": lat,
        "lng": lng,
        "owner": shown.owner,
        "created_at": public.w3(shown.created_at),
        "updated_at": public.w3(shown.updated_at),
        "first_response_at": public.w3(complaint.first_response_at),
        "resolved_at": public.w3(shown.resolved_at),
        "resolution_due": public.w3(complaint.resolution_due),
        "duplicate_of": shown.duplicate_of,
        "url": public.public_url(complaint),
    }


def complaint_detail(complaint: Complaint) -> dict:
    shown = public.view(complaint)
    return {
        **complaint_summary(complaint, shown),
        "photos": public.photo_urls(shown),
        "timeline": public.timeline(complaint, shown),
        "rating": shown.rating,
    }


# --- helpers ---------------------------------------------------------------------------------

MAX_NUMBER = 1_000_000  # pages beyond this are not real requests (and overflow OFFSET)


def _int(request, name: str, default: int, maximum: int | None = None) -> int:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_NUMBER:
        raise BadRequest(f"{name} must be a whole number from 1 to {MAX_NUMBER}")
    return min(int(raw), maximum) if maximum else int(raw)


def _datetime(request, name: str):
    try:
        return limits.parse_when(request.GET.get(name, ""))
    except ValueError as exc:
        raise BadRequest(f"{name}: {exc}") from None


def _list(request, name: str) -> list[str]:
    return [v.strip() for v in ",".join(request.GET.getlist(name)).split(",") if v.strip()]


def paginate(request, queryset, shape) -> JsonResponse:
    page = _int(request, "page", 1)
    size = _int(request, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    count = counting.count(queryset)  # exact, cached until a complaint changes
    rows = list(queryset[(page - 1) * size: page * size])

    def link(number):
        query = request.GET.copy()
        query["page"] = str(number)
        return request.build_absolute_uri(request.path + "?" + query.urlencode())

    return JsonResponse({
        "count": count,
        "page": page,
        "page_size": size,
        "next": link(page + 1) if page * size < count else None,
        "previous": link(page - 1) if page > 1 else None,
        "results": [shape(row) for row in rows],
    })


def _filtered(request, queryset):
    statuses = _list(request, "status")
    unknown = set(statuses) - set(Status.values) - {"open", "closed"}
    if unknown:
        raise BadRequest(f"unknown status: {', '.join(sorted(unknown))}")
    if statuses:
        wanted = set()
        for s in statuses:
            wanted |= set(OPEN) if s == "open" else \
                set(Status.values) - set(OPEN) if s == "closed" else {s}
        queryset = queryset.filter(status__in=wanted)
    categories = _list(request, "category")
    if categories:
        queryset = queryset.filter(category__code__in=categories)
    kelurahan = _list(request, "kelurahan")
    if kelurahan:
        queryset = queryset.filter(region__code__in=kelurahan)
    since = _datetime(request, "since")
    if since is not None:
        queryset = queryset.filter(updated_at__gte=since)
    return queryset


# --- public endpoints ------------------------------------------------------------------------

@api_view
def complaints(request):
    queryset = _filtered(request, public.public_queryset()).order_by("-created_at", "-id")
    return paginate(request, queryset, complaint_summary)


@api_view
def complaint(request, ref):
    found = public.public_queryset().filter(ref=ref.upper()).first()
    if found is None:
        return problem(404, f"complaint {ref} not found")
    return JsonResponse(complaint_detail(found))


@api_view
def categories(request):
    rows = [
        {"code": c.code, "name": c.name, "name_en": c.name_en, "description": c.description,
         "owner": str(c.owner) if c.owner_id and c.owner_rule == "unit" else None,
         "owner_rule": c.owner_rule, "is_emergency": c.is_emergency,
         "requires_after_photo": c.requires_after_photo}
        for c in Category.objects.select_related("owner")
    ]
    return JsonResponse({"results": rows})


def _region(region: Region) -> dict:
    return {"code": region.code, "name": region.name, "level": region.level,
            "parent": region.parent_id, "lat": region.centroid_lat, "lng": region.centroid_lng}


@api_view
def regions(request):
    """Without `city`: the loaded cities. With `city=33.72`: its kecamatan and kelurahan."""
    city = request.GET.get("city", "").strip()
    if not city:
        rows = Region.objects.filter(level=Region.Level.KABUPATEN_KOTA, children__isnull=False)
        return JsonResponse({"results": [_region(r) for r in rows.distinct()]})
    if not Region.objects.filter(code=city, level=Region.Level.KABUPATEN_KOTA).exists():
        return problem(404, f"city {city} not found")
    rows = Region.objects.filter(code__startswith=city + ".").filter(
        level__in=[Region.Level.KECAMATAN, Region.Level.KELURAHAN]).order_by("code")
    return JsonResponse({"results": [_region(r) for r in rows]})


def median_first_response(queryset) -> float | None:
    """Median hours from receipt to the first human response (two small queries)."""
    answered = queryset.filter(first_response_at__isnull=False).annotate(
        wait=ExpressionWrapper(F("first_response_at") - F("created_at"),
                               output_field=DurationField()))
    count = answered.count()
    if not count:
        return None
    ordered = answered.order_by("wait").values_list("wait", flat=True)
    middle = list(ordered[(count - 1) // 2: count // 2 + 1])
    median = sum(middle, timedelta()) / len(middle)
    return round(median.total_seconds() / 3600, 2)


@api_view
def stats(request):
    queryset = Complaint.objects.all()
    since = _datetime(request, "since")
    if since is not None:
        queryset = queryset.filter(created_at__gte=since)
    # Three passes over every complaint (~3.5 s at 1M): cached until a complaint changes.
    return JsonResponse(counting.figure(f"api-stats|{since}", lambda: _stats(queryset, since)))


def _stats(queryset, since) -> dict:
    by_status = dict(queryset.order_by().values_list("status").annotate(n=Count("id")))
    by_category = dict(queryset.order_by().values_list("category").annotate(n=Count("id")))
    return {
        "since": public.w3(since),
        "total": sum(by_status.values()),
        "by_status": {s: by_status.get(s, 0) for s in Status.values},
        "by_category": {(code or "uncategorised"): n for code, n in sorted(
            by_category.items(), key=lambda item: (item[0] is None, item[0] or ""))},
        "median_first_response_hours": median_first_response(queryset),
    }


@api_view
def openapi(request):
    return JsonResponse(document())


# --- staff -----------------------------------------------------------------------------------

def staff_user(request):
    """The session user, or the user an `Authorization: Bearer <key>` acts as."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        key = ApiKey.objects.for_key(header[7:])
        return key.user if key is not None and key.user_id and key.user.is_active \
            else AnonymousUser()
    return request.user


@api_view
def my_queue(request):
    """Open complaints the user's units (and their descendants) own, soonest deadline first."""
    user = staff_user(request)
    if not user.is_authenticated:
        return problem(401, "log in or send Authorization: Bearer <api key>")
    access = access_for(user)
    queryset = _filtered(request, public.public_queryset().filter(access.complaint_q()))
    if not _list(request, "status"):
        queryset = queryset.filter(status__in=OPEN)
    queryset = queryset.order_by(F("next_due").asc(nulls_last=True), "created_at", "id")

    def shape(row):
        return {**complaint_summary(row), "next_due": public.w3(row.next_due),
                "escalation_level": row.escalation_level,
                "may_act": access.may_act_on_complaint(row),
                "staff_url": settings.PUBLIC_URL + reverse("staff:detail", args=[row.ref])}

    return paginate(request, queryset, shape)
