"""Citizen pages: the complaint form and the tracking page (no login, no personal data)."""

import json
from urllib.parse import quote

from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from aduan.channels.models import ChannelAccount
from aduan.dashboard import stats as figures
from aduan.regions.models import Region

from . import accepted, actions, citizen_link, public_face
from .forms import AddInfoForm, ComplaintForm
from .intake import IncomingMessage, open_complaint
from .models import Complaint


def home(request):
    stats = cache.get("home-stats")
    if stats is None:  # one pass over every complaint: fine once a minute, not per visit
        stats = figures.status_counts()  # parts that add up to the total
        cache.set("home-stats", stats, 60)
    return render(request, "citizen/home.html", {"stats": stats})


def new(request):
    form = ComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        contact = data["contact"]
        msg = IncomingMessage(
            channel="web", text=data["text"], name="" if data["anonymous"] else data["name"],
            phone="" if "@" in contact else contact, email=contact if "@" in contact else "",
            anonymous=data["anonymous"], lat=data["lat"], lng=data["lng"],
            confidential=data["confidential"], about_official=data["about_official"],
            region_code=data["kelurahan"] or None, rt=data["rt"], rw=data["rw"],
            category_code=data["category"].code if data["category"] else None,
            photos=data["photo_bytes"],
        )
        # Words only: stored with a job and opened by the worker (complaints/accepted.py).
        token = accepted.accept(msg).token if accepted.applies(msg) else open_complaint(msg).token
        messages.success(request, _("Aduan terkirim. Simpan nomor dan tautan ini untuk memantau."))
        return redirect("citizen:track", token=token)
    return render(request, "citizen/new.html", {"form": form})


def _page(request, complaint: Complaint, can_respond: bool):
    """The complaint as the public sees it (complaints/public_face.py); the citizen's own
    page adds the confirm/reopen/rate/add-info forms and, for a web or e-mail complaint,
    the code that joins it to the citizen's WhatsApp or Telegram (citizen_link.py)."""
    chat = _chat_offer(complaint) if can_respond else None
    context = {
        "complaint": complaint,
        "view": public_face.public_view(complaint),
        "can_respond": can_respond,
        "star_range": range(1, 6),
        "chat_link": chat,
    }
    response = render(request, "citizen/track.html", context)
    response["Referrer-Policy"] = "same-origin"  # the token never leaves the site
    response["X-Robots-Tag"] = "noindex"
    if chat is not None:
        add_never_cache_headers(response)  # the code is for this citizen only
    return response


def _chat_offer(complaint: Complaint) -> dict | None:
    """The code box of the tracking page: the code, the text to send and the buttons that
    open the chat with it prefilled (wa.me when the city's WhatsApp account knows its
    display number, t.me when the Telegram bot's username is known). None when the
    complaint is not offered one or the city has no WhatsApp or Telegram account."""
    if not citizen_link.offered(complaint):
        return None
    accounts = {}
    for kind in ("whatsapp", "telegram"):
        active = ChannelAccount.objects.filter(kind=kind, is_active=True).order_by("pk")
        accounts[kind] = active.filter(unit__isnull=True).first() or active.first()
    whatsapp, telegram = accounts["whatsapp"], accounts["telegram"]
    if whatsapp is None and telegram is None:
        return None
    code, expires_at = citizen_link.current_code(complaint)
    text = f"HUBUNGKAN {code}"
    number = "".join(ch for ch in (whatsapp.settings.get("display_phone_number", "")
                                   if whatsapp else "") if ch.isdigit())
    bot = (telegram.settings.get("username", "") if telegram else "").lstrip("@")
    return {
        "code": code, "expires_at": expires_at, "text": text,
        "whatsapp": whatsapp is not None, "telegram": telegram is not None,
        "whatsapp_url": f"https://wa.me/{number}?text={quote(text)}" if number else "",
        "telegram_url": f"https://t.me/{quote(bot)}?start={code}" if bot else "",
    }


def _by_token(token: str) -> Complaint:
    return get_object_or_404(public_face.public_complaints(), token=token)


def track(request, token):
    complaint = public_face.public_complaints().filter(token=token).first()
    if complaint is not None:
        return _page(request, complaint, can_respond=True)
    row = accepted.waiting(token)  # stored a moment ago, the worker is opening it
    if row is None:
        raise Http404
    response = render(request, "citizen/accepted.html", {"accepted": row})
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    add_never_cache_headers(response)
    return response


def public(request, ref):
    complaint = get_object_or_404(public_face.public_complaints(), ref=ref.upper())
    return _page(request, complaint, can_respond=False)


def lookup(request):
    ref = request.GET.get("ref", "").strip().upper()
    if ref and Complaint.objects.filter(ref=ref).exists():
        return redirect("citizen:public", ref=ref)
    return render(request, "citizen/lookup.html", status=404)


def _citizen_action(request, token, action):
    complaint = _by_token(token)
    try:
        action(complaint)
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    return redirect("citizen:track", token=token)


@require_POST
def confirm(request, token):
    def run(complaint):
        actions.confirm(complaint)
        messages.success(request, _("Terima kasih atas konfirmasinya. Beri nilai layanan kami."))

    return _citizen_action(request, token, run)


@require_POST
def reopen(request, token):
    def run(complaint):
        reason = request.POST.get("reason", "").strip()
        if not reason:
            raise actions.ActionError(_("Ceritakan apa yang belum beres."))
        actions.reopen(complaint, reason)
        messages.success(request, _("Aduan dibuka kembali dan diteruskan ke petugas."))

    return _citizen_action(request, token, run)


@require_POST
def rate(request, token):
    def run(complaint):
        try:
            stars = int(request.POST.get("stars", "0"))
        except ValueError:
            stars = 0
        actions.rate(complaint, stars, request.POST.get("comment", ""))
        messages.success(request, _("Terima kasih atas penilaian Anda."))

    return _citizen_action(request, token, run)


@require_POST
def add_info(request, token):
    complaint = _by_token(token)
    form = AddInfoForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("citizen:track", token=token)
    from aduan.evidence.store import save_photo

    try:
        with transaction.atomic():
            ids = [save_photo(data, complaint=complaint, by_citizen=True).pk
                   for data in form.cleaned_data["photo_bytes"]]
            actions.add_citizen_message(complaint, form.cleaned_data["text"], ids)
        messages.success(request, _("Informasi tambahan terkirim."))
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    return redirect("citizen:track", token=token)


@cache_control(public=True, max_age=3600)
def boundaries(request):
    """Kelurahan boundaries of the loaded city, for the map picker (public data)."""
    payload = cache.get("kelurahan-geojson")
    if payload is None:
        features = [
            {"type": "Feature", "geometry": r.boundary,
             "properties": {"code": r.code, "name": r.name}}
            for r in Region.objects.filter(level=Region.Level.KELURAHAN, boundary__isnull=False,
                                           units__isnull=False).distinct()
        ]
        payload = json.dumps({"type": "FeatureCollection", "features": features})
        cache.set("kelurahan-geojson", payload, 3600)
    return HttpResponse(payload, content_type="application/geo+json")


def photo(request, pk, size):
    """Public copies only (re-encoded, no EXIF); originals are for staff. Photos the public
    may not see (identity documents, unpublished posts) only for staff who cover them."""
    from aduan.evidence.models import Photo
    from aduan.org.access import access_for

    if size not in ("public", "thumb"):
        raise Http404
    item = get_object_or_404(
        Photo.objects.select_related("complaint__category", "complaint__owner",
                                     "activity__complaint__category"),
        pk=pk)
    if not public_face.photo_is_public(item):
        access = access_for(request.user)
        if not (access.sees_complaint(item.complaint) if item.complaint_id
                else access.covers(getattr(item.activity, "unit", None))):
            raise Http404
    handle = getattr(item, size).open("rb")
    response = HttpResponse(handle.read(), content_type="image/jpeg")
    handle.close()
    response["Cache-Control"] = "public, max-age=86400"
    return response


def healthz(request):
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
