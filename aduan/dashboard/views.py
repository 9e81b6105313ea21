"""Staff pages: the triage inbox, each official's queue, and the complaint page."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aduan.complaints import actions, timeline
from aduan.complaints.models import Category, Complaint, Status, queue_order
from aduan.complaints.routing import triage_unit
from aduan.org.access import access_for
from aduan.org.models import Unit
from aduan.privacy import reporter as reporter_rule
from aduan.regions.models import Region

from . import queue_filters
from .forms import ActionForm

LIST_FIELDS = ("category", "region", "owner")
PAGE_SIZE = 50  # a cheap phone renders 50 rows quickly; the rest is a tap away


@dataclass
class Page:
    """One page of a queue without counting the whole queue (a COUNT over a city's open
    complaints costs more than the page itself): one extra row tells if there is more."""

    number: int
    object_list: list
    has_next: bool

    @classmethod
    def of(cls, queryset, number) -> "Page":
        try:
            # Beyond 100,000 pages there is no real queue, only an OFFSET overflow.
            number = min(max(1, int(number or 1)), 100_000)
        except ValueError:
            number = 1
        start = (number - 1) * PAGE_SIZE
        rows = list(queryset[start:start + PAGE_SIZE + 1])
        return cls(number, rows[:PAGE_SIZE], len(rows) > PAGE_SIZE)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


def visible(user):
    """Complaints owned by the user's units and their descendants (all, for city-wide roles)."""
    return Complaint.objects.filter(access_for(user).complaint_q()).select_related(*LIST_FIELDS)


@login_required
def home(request):
    """My queue: what my units and their descendants own, by deadline."""
    access = access_for(request.user)
    if not access.units and not request.user.is_superuser:
        return render(request, "staff/no_position.html", status=403)
    status = request.GET.get("status", "open")
    queryset = visible(request.user)
    if access.is_triage and status == "open":
        queryset = queryset.exclude(owner=triage_unit())  # those wait in the inbox
    if status == "open":
        queryset = queryset.open()
    elif status in Status.values:
        queryset = queryset.filter(status=status)
    try:  # the figures of the command centre link here with their own filters
        queryset = queue_filters.apply(queryset, request.GET)
    except ValueError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    order = queue_order(whole_city=access.sees_all)
    page = Page.of(queryset.order_by(*order), request.GET.get("page"))
    return render(request, "staff/queue.html", {
        "complaints": page.object_list, "page": page, "status": status,
        "statuses": Status.choices, "filters": queue_filters.active(request.GET),
    })


@login_required
def inbox(request):
    """The triage inbox: complaints waiting for a human decision."""
    access = access_for(request.user)
    if not access.is_triage:
        raise PermissionDenied
    queryset = Complaint.objects.filter(status=Status.NEW).select_related(*LIST_FIELDS)
    page = Page.of(queryset.order_by("-urgency", "next_due", "pk"), request.GET.get("page"))
    return render(request, "staff/inbox.html", {"complaints": page.object_list, "page": page})


def _get_visible(request, ref) -> Complaint:
    complaint = get_object_or_404(Complaint.objects.select_related(
        "category", "region", "owner", "reporter", "assignee", "duplicate_of"), ref=ref.upper())
    if not access_for(request.user).sees_complaint(complaint):
        raise PermissionDenied
    return complaint


@login_required
def detail(request, ref):
    complaint = _get_visible(request, ref)
    access = access_for(request.user)
    categories = list(Category.objects.all())
    labels = {c.code: c.label for c in categories}
    context = {
        "complaint": complaint,
        "suggestions": [(labels.get(code, code), score)
                        for code, score in (complaint.suggestions or [])],
        "events": timeline.for_complaint(complaint, public=False),
        "photos": list(complaint.photos.all()),
        "can_act": access.may_act_on_complaint(complaint),
        "is_triage": access.is_triage,
        "form": ActionForm(),
        "categories": categories,
        "kelurahan": Region.objects.filter(level=Region.Level.KELURAHAN, units__isnull=False)
        .distinct().order_by("name"),
        "units": _assignable_units(access, complaint),
        "external_units": Unit.objects.filter(kind=Unit.Kind.EXTERNAL, is_active=True),
        # Who may see which reporter field: one rule (aduan/privacy/reporter.py), logged.
        "reporter": reporter_rule.card(request.user, complaint),
        "other_complaints": reporter_rule.other_complaints(request.user, complaint),
        "show_original_text": reporter_rule.may_read_original_text(request.user, complaint),
    }
    return render(request, "staff/detail.html", context)


def _assignable_units(access, complaint=None):
    units = Unit.objects.filter(is_active=True).exclude(kind=Unit.Kind.EXTERNAL)
    if not access.is_triage:
        units = units.filter(access.unit_q(""))
    if complaint is not None and complaint.about_unit_id:
        units = units.exclude(complaint.about_unit.descendants_q())  # the unit complained of
    return units.order_by("path")


def _unit(pk) -> Unit:
    return get_object_or_404(Unit, pk=pk)


def _int(value):
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


ACTIONS = {
    "acknowledge": lambda c, u, d: actions.acknowledge(c, u, d["note"]),
    "reply": lambda c, u, d: actions.reply(c, u, d["note"]),
    "progress": lambda c, u, d: actions.note_progress(c, u, d["note"], d["photo_ids"]),
    "resolve": lambda c, u, d: actions.resolve(c, u, d["note"], d["photo_ids"]),
    "ask": lambda c, u, d: actions.ask_citizen(c, u, d["note"]),
    "reject": lambda c, u, d: actions.reject(c, u, d["note"]),
    "return": lambda c, u, d: actions.return_to_triage(c, u, d["note"]),
    "assign": lambda c, u, d: actions.assign(c, _unit(d["unit"]), u, d["note"]),
    "forward": lambda c, u, d: actions.forward(c, _unit(d["unit"]), u, d["note"]),
    "merge": lambda c, u, d: actions.merge(
        c, get_object_or_404(Complaint, ref=d["target"].strip().upper()), u),
    "about_official": lambda c, u, d: actions.mark_about_official(c, u, _unit(d["unit"]),
                                                                  d["note"]),
    "record_confirmation": lambda c, u, d: actions.record_confirmation(
        c, u, d["note"], d.get("channel") or "telepon"),
    "classify": lambda c, u, d: actions.classify(
        c, u, category=Category.objects.filter(pk=d["category"]).first(),
        urgency=d["urgency"] or None,
        region=Region.objects.filter(pk=d["region"]).first(), rt=_int(d["rt"]),
        rw=_int(d["rw"])),
    "publish": lambda c, u, d: actions.publish(c, u, d["note"]),
}

PHOTO_TAGS = {"progress": "progress", "resolve": "after", "acknowledge": "before"}


@login_required
@require_POST
def act(request, ref, action):
    complaint = _get_visible(request, ref)
    if action not in ACTIONS:
        raise PermissionDenied
    form = ActionForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("staff:detail", ref=ref)
    data = dict(form.cleaned_data)
    from aduan.evidence.store import save_photo

    try:
        with transaction.atomic():
            tag = data["photo_tag"] or PHOTO_TAGS.get(action, "progress")
            data["photo_ids"] = [
                save_photo(raw, complaint=complaint, tag=tag, user=request.user).pk
                for raw in data["photo_bytes"]
            ]
            ACTIONS[action](complaint, request.user, data)
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Tersimpan."))
    return redirect("staff:detail", ref=ref)


@login_required
def photo_original(request, pk):
    from aduan.evidence.models import Photo

    photo = get_object_or_404(Photo.objects.select_related("complaint__owner"), pk=pk)
    if photo.complaint is None or not access_for(request.user).sees_complaint(photo.complaint):
        raise PermissionDenied
    with photo.original.open("rb") as handle:
        return HttpResponse(handle.read(), content_type=photo.content_type)


@login_required
def notifications(request):
    """The official's inbox: SLA warnings, escalations and the daily backlog digest."""
    from django.utils import timezone

    from aduan.sla.models import Notification

    mine = Notification.objects.filter(user=request.user)
    if request.method == "POST":
        mine.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("staff:notifications")
    items = list(mine[:50])
    refs = dict(Complaint.objects.filter(pk__in={n.complaint_id for n in items})
                .values_list("pk", "ref"))
    for item in items:
        item.ref = refs.get(item.complaint_id)
    return render(request, "staff/notifications.html", {
        "items": items, "unread": sum(1 for n in items if n.read_at is None)})
