"""Staff pages of the channels app: parked messages with a retry button, and linking an
official's Telegram or WhatsApp to their account."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from aduan.org.access import access_for
from aduan.org.models import Official

from .models import ChannelAccount, OutboxMessage
from .officials import KINDS, linking
from .officials.notify import unit_account
from .outbox import retry_parked


def _require_team(user) -> None:
    access = access_for(user)
    if not (access.is_triage or access.can_act and access.sees_all):
        raise PermissionDenied


@login_required
def parked(request):
    _require_team(request.user)
    rows = (OutboxMessage.objects.filter(status__in=[OutboxMessage.Status.PARKED,
                                                     OutboxMessage.Status.FAILED])
            .select_related("account", "complaint").order_by("-created_at")[:200])
    unhealthy = [a for a in ChannelAccount.objects.filter(is_active=True)
                 if "unhealthy" in a.settings]
    return render(request, "channels/parked.html", {"rows": rows, "unhealthy": unhealthy})


@login_required
@require_POST
def retry(request, pk: int):
    _require_team(request.user)
    if retry_parked(pk):
        messages.success(request, "Pesan dimasukkan kembali ke antrean kirim.")
    else:
        messages.error(request, "Pesan ini tidak sedang diparkir.")
    return redirect("channels:parked")


@login_required
@require_http_methods(["GET", "POST"])
def link_chat(request):
    """Show a one-time code the official sends to the city's bot or WhatsApp number."""
    positions = list(Official.objects.filter(user=request.user, is_active=True)
                     .select_related("unit"))
    if not positions:
        return render(request, "staff/no_position.html", status=403)
    code = expires_at = None
    if request.method == "POST":
        kind = request.POST.get("unlink", "")
        if kind in KINDS:
            linking.unlink(request.user, kind)
            messages.success(request, _("Tautan dilepas. Notifikasi tidak lagi dikirim ke sana."))
            return redirect("channels:link")
        code, row = linking.new_code(request.user)
        expires_at = row.expires_at
    telegram = unit_account("telegram", positions[0].unit)
    whatsapp = unit_account("whatsapp", positions[0].unit)
    context = {
        "positions": positions, "code": code,
        "example": f"{settings.ADUAN_REF_PREFIX}-1234-5678", "expires_at": expires_at,
        "ttl_minutes": int(linking.CODE_TTL.total_seconds() // 60),
        "telegram_chat": next((p.telegram_chat_id for p in positions if p.telegram_chat_id), ""),
        "whatsapp_number": next((p.whatsapp_number for p in positions if p.whatsapp_number), ""),
        "telegram": telegram, "whatsapp": whatsapp,
        "telegram_username": (telegram.settings.get("username", "") if telegram else ""),
        "whatsapp_display": "".join(ch for ch in (whatsapp.settings.get(
            "display_phone_number", "") if whatsapp else "") if ch.isdigit()),
    }
    response = render(request, "channels/link.html", context)
    add_never_cache_headers(response)  # the code is shown once
    return response

