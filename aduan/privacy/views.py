"""/privasi/ (the privacy notice), /tentang/ (what Aduan publishes and never publishes),
and the staff's "Tampilkan kontak" (reporter contact details, with a reason, logged)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aduan.complaints.models import Complaint
from aduan.org.access import access_for

from . import reporter
from .models import RetentionPolicy

MIN_REASON = 5


def _language(request) -> str:
    """?lang=en|id (a link one can share), else the visitor's chosen language."""
    asked = request.GET.get("lang", "")
    if asked in ("en", "id"):
        return asked
    return "en" if (get_language() or "").startswith("en") else "id"


def _document(request, name: str):
    """One whole document per language: a legal text is written, not assembled from
    translated fragments."""
    language = _language(request)
    with translation.override(language):
        response = render(request, f"privacy/{name}_{language}.html",
                          {"policy": RetentionPolicy.default()})
    response["Content-Language"] = language
    return response


def notice(request):
    return _document(request, "notice")


def about(request):
    return _document(request, "about")


@login_required
@require_POST
def reveal(request, ref):
    """Contact details for an official who acts on the complaint and says why."""
    complaint = get_object_or_404(Complaint.objects.select_related("reporter", "owner"),
                                  ref=ref.upper())
    if not access_for(request.user).sees_complaint(complaint):
        raise PermissionDenied
    reason = request.POST.get("reason", "").strip()
    if len(reason) < MIN_REASON:
        messages.error(request, _("Tuliskan alasan melihat kontak pelapor."))
        return redirect("staff:detail", ref=complaint.ref)
    if reporter.level_for(request.user, complaint) < reporter.Level.NAME:
        raise PermissionDenied
    card = reporter.card(request.user, complaint, reveal=True, reason=reason)
    original = reporter.may_read_original_text(request.user, complaint, revealed=True)
    response = render(request, "privacy/reveal.html", {
        "complaint": complaint, "card": card, "original_text": complaint.text if original
        else ""})
    response["Cache-Control"] = "no-store"
    return response
