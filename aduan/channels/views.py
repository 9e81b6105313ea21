"""Staff page of the channels app: parked messages, with a retry button."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from aduan.org.access import access_for

from .models import OutboxMessage
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
    return render(request, "channels/parked.html", {"rows": rows})


@login_required
@require_POST
def retry(request, pk: int):
    _require_team(request.user)
    if retry_parked(pk):
        messages.success(request, "Pesan dimasukkan kembali ke antrean kirim.")
    else:
        messages.error(request, "Pesan ini tidak sedang diparkir.")
    return redirect("channels:parked")
