"""The staff page of the job queue: jobs that failed for good, why, and a retry button."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aduan.org.access import access_for

from . import queue
from .models import Job


def _require_team(user) -> None:
    """Admins and the triage team (the same people who see parked messages)."""
    access = access_for(user)
    if not (access.is_triage or access.can_act and access.sees_all):
        raise PermissionDenied


@login_required
def dead(request):
    _require_team(request.user)
    rows = Job.objects.filter(state=Job.State.DEAD).order_by("-failed_at", "-pk")[:200]
    return render(request, "jobs/dead.html", {"rows": rows, "counts": queue.counts()})


@login_required
@require_POST
def retry(request, pk: int):
    _require_team(request.user)
    if queue.retry_dead(pk):
        messages.success(request, _("Pekerjaan dimasukkan kembali ke antrean."))
    else:
        messages.error(request, _("Pekerjaan ini tidak sedang gagal."))
    return redirect("jobs:dead")
