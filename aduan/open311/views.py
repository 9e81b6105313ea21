"""Open311 GeoReport v2: discovery, services, service requests (read, and create with a key).

Mapping (see docs/open311.md): service = complaint category, service_request_id = complaint
reference, status `open`/`closed` from our lifecycle, public fields only (aduan.api.public).
"""

import json
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from aduan.api import public
from aduan.api.models import ApiKey
from aduan.complaints.models import OPEN, TERMINAL, Category, Complaint
from aduan.guard import limits, refusals

from .forms import ServiceRequestForm
from .render import error, respond

SPEC = "http://wiki.open311.org/GeoReport_v2"
DEFAULT_DAYS = 90
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
CHANGESET = "2026-01-01T00:00:00Z"  # when this endpoint's contract last changed


def _base_url() -> str:
    return settings.PUBLIC_URL + reverse("open311:discovery", args=["json"]).rsplit("/", 1)[0]


# --- discovery and services ----------------------------------------------------------------

@require_GET
def discovery(request, fmt):
    changed = CHANGESET
    data = {
        "changeset": changed,
        "contact": f"Aduan — {settings.PUBLIC_URL}",
        "key_service": f"{settings.PUBLIC_URL}/admin/api/apikey/ (kunci dari admin kota)",
        "endpoints": [{
            "specification": SPEC,
            "url": _base_url(),
            "changeset": changed,
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    }
    return respond(fmt, data, root="discovery")


def _group(category: Category) -> str:
    if category.owner_rule == Category.OwnerRule.UNIT and category.owner is not None:
        return str(category.owner)
    if category.owner_rule in (Category.OwnerRule.KELURAHAN, Category.OwnerRule.RT):
        return "Kelurahan"
    return "Umum"


def service(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description or category.name,
        "metadata": False,
        "type": "realtime",
        "keywords": [category.name_en] if category.name_en else [],
        "group": _group(category),
    }


@require_GET
def services(request, fmt):
    rows = [service(c) for c in Category.objects.select_related("owner")]
    return respond(fmt, rows, root="services", item="service")


@require_GET
def service_definition(request, code, fmt):
    category = Category.objects.filter(code=code).first()
    if category is None:
        return error(fmt, 404, f"service_code {code} not found")
    data = {"service_code": category.code, "attributes": []}
    return respond(fmt, data, root="service_definition")


# --- service requests ----------------------------------------------------------------------

def service_request(complaint: Complaint) -> dict:
    """One request, rendered only from the complaint's public face."""
    shown = public.view(complaint)
    lat, lng = shown.point or (None, None)
    updated = complaint.closed_at if complaint.status in TERMINAL and complaint.closed_at \
        else complaint.updated_at
    return {
        "service_request_id": shown.reference,
        "status": shown.open311_status,
        "status_notes": public.status_notes(complaint, shown),
        "service_name": shown.category_label,
        "service_code": shown.category_code,
        "description": shown.text or "",
        "agency_responsible": shown.owner,
        "service_notice": None,
        "requested_datetime": public.w3(shown.created_at),
        "updated_datetime": public.w3(updated),
        "expected_datetime": public.w3(complaint.resolution_due),
        "address": shown.place,
        "address_id": complaint.region_id,
        "zipcode": None,
        "lat": lat,
        "long": lng,
        "media_url": public.media_url(complaint, shown),
    }


def _dates(request):
    """(start, end) from start_date/end_date, defaulting to the most recent 90 days."""
    parsed = {}
    for name in ("start_date", "end_date"):
        try:
            parsed[name] = limits.parse_when(request.GET.get(name, ""))
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from None
    end = parsed["end_date"] or timezone.now()
    start = parsed["start_date"] or end - timedelta(days=DEFAULT_DAYS)
    if parsed["start_date"] and not parsed["end_date"]:
        end = None
    return start, end


MAX_NUMBER = 1_000_000  # pages beyond this are not real requests (and overflow OFFSET)


def _positive(request, name: str, default: int, maximum: int | None = None) -> int:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_NUMBER:
        raise ValueError(f"{name} must be a whole number from 1 to {MAX_NUMBER}")
    return min(int(raw), maximum) if maximum else int(raw)


def _comma(request, name: str) -> list[str]:
    return [v.strip() for v in ",".join(request.GET.getlist(name)).split(",") if v.strip()]


def _search(request, fmt):
    queryset = public.public_queryset()
    ids = _comma(request, "service_request_id")
    if ids:  # overrides all other arguments, per the spec
        rows = queryset.filter(ref__in=[i.upper() for i in ids]).order_by("-created_at")
        return respond(fmt, [service_request(c) for c in rows],
                       root="service_requests", item="request")
    try:
        start, end = _dates(request)
        page = _positive(request, "page", 1)
        page_size = _positive(request, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    except ValueError as exc:
        return error(fmt, 400, str(exc))
    statuses = set(_comma(request, "status"))
    if statuses - {"open", "closed"}:
        return error(fmt, 400, "status must be open, closed or both (comma delimited)")
    queryset = queryset.filter(created_at__gte=start)
    if end is not None:
        queryset = queryset.filter(created_at__lte=end)
    if statuses == {"open"}:
        queryset = queryset.filter(status__in=OPEN)
    elif statuses == {"closed"}:
        queryset = queryset.filter(status__in=TERMINAL)
    codes = _comma(request, "service_code")
    if codes:
        queryset = queryset.filter(category__code__in=codes)
    offset = (page - 1) * page_size
    rows = queryset.order_by("-created_at", "-id")[offset:offset + page_size]
    return respond(fmt, [service_request(c) for c in rows], root="service_requests",
                   item="request")


def _body(request) -> dict:
    if request.content_type == "application/json":
        data = json.loads(request.body or b"{}")
        if not isinstance(data, dict):
            raise ValueError("the JSON body must be an object")
        reason = limits.payload_problem(data)
        if reason:
            refusals.record("open311", reason)
            raise ValueError(reason)
        return {k: ("" if v is None else str(v) if not isinstance(v, str) else v)
                for k, v in data.items()}
    return request.POST.dict()


def _create(request, fmt):
    try:
        data = _body(request)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return error(fmt, 400, "the body is not valid JSON")
    if "api_key" in request.GET:  # keys in URLs end up in logs and browser histories
        refusals.record("open311", "api_key_in_url")
        return error(fmt, 400, "send api_key in the POST body, not in the URL")
    key = ApiKey.objects.for_key(data.get("api_key"))
    if key is None:
        return error(fmt, 403, "api_key is missing or not valid")
    form = ServiceRequestForm(data)
    if not form.is_valid():
        if "service_code" in form.errors:
            return error(fmt, 400, "service_code was not provided")
        return error(fmt, 400, *form.descriptions())
    d = form.cleaned_data
    category = Category.objects.filter(code=d["service_code"]).first()
    if category is None:
        return error(fmt, 404, f"service_code {d['service_code']} not found")
    name = " ".join(filter(None, [d["first_name"].strip(), d["last_name"].strip()]))
    with transaction.atomic():
        complaint = _open(key, category, d, name)
    notice = (f"Aduan diterima dengan nomor {complaint.ref}. "
              f"Perkembangannya dapat dilihat di {public.public_url(complaint)}")
    row = {"service_request_id": complaint.ref, "service_notice": notice, "account_id": None}
    return respond(fmt, [row], root="service_requests", item="request", status=201)


def _open(key: ApiKey, category: Category, d: dict, name: str) -> Complaint:
    from aduan.complaints import actions
    from aduan.complaints.intake import IncomingMessage, open_complaint

    complaint = open_complaint(IncomingMessage(
        channel="open311", text=d["description"].strip() or category.name,
        handle=f"{key.pk}:{d['account_id']}" if d["account_id"] else "",
        name=name, phone=d["phone"].strip(), email=d["email"],
        lat=d["lat"], lng=d["long"], category_code=category.code,
        confidential=d["confidential"], about_official=d["about_official"],
        data={"api_key": key.pk, "device_id": d["device_id"]},
    ))
    private = {k: d[k] for k in ("address_string", "address_id", "media_url", "device_id") if d[k]}
    if private:
        if d["address_string"]:
            Complaint.objects.filter(pk=complaint.pk).update(address=d["address_string"][:300])
        actions.record(complaint, "open311_details", f"Open311: {key.name}",
                       note="\n".join(f"{k}: {v}" for k, v in private.items()),
                       data={"api_key": key.pk, **private})
    return complaint


@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests(request, fmt):
    if request.method == "POST":
        return _create(request, fmt)
    return _search(request, fmt)


@require_GET
def request_detail(request, ref, fmt):
    complaint = public.public_queryset().filter(ref=ref.upper()).first()
    if complaint is None:
        return error(fmt, 404, f"service_request_id {ref} not found")
    return respond(fmt, [service_request(complaint)], root="service_requests", item="request")
