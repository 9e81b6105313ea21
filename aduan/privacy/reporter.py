"""Who may see which reporter field: the one rule, used at every staff exit.

- anonymous: nobody sees anything ("Pelapor anonim");
- confidential: the triage team only; everyone else reads "Pelapor dirahasiakan";
- RT and RW heads (neighbourhood volunteers), the read-only mayor and Sekda, and anyone
  who cannot act on the complaint: the first name only, and they reply through the
  platform; never a phone number, e-mail or channel handle;
- officials who may act on it (kelurahan and up, dinas staff, the triage team): the name,
  and the contact details only when they ask for them with a reason ("Tampilkan kontak").

Every time any of it is shown, `IdentityView` records who, when, which complaint and
which fields. Pages, the API, exports and chat notifications ask here; none of them reads
`complaint.reporter` for a staff member on its own.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from enum import IntEnum

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.complaints import identity
from aduan.complaints.models import OPEN, Complaint
from aduan.org.access import access_for
from aduan.org.models import Unit

from .models import IdentityView

NEIGHBOURHOOD_KINDS = {Unit.Kind.RT, Unit.Kind.RW}


class Level(IntEnum):
    NOTHING = 0
    FIRST_NAME = 1
    NAME = 2  # and the contact details on request, with a reason


@dataclass
class ReporterCard:
    """What a staff page may print about the reporter."""

    label: str  # always safe to print
    level: Level = Level.NOTHING
    can_reveal: bool = False
    contacts: list[tuple[str, str]] = field(default_factory=list)  # only after a reveal

    @property
    def revealed(self) -> bool:
        return bool(self.contacts)


def first_name(name: str) -> str:
    for part in (name or "").split():
        if part[:1].isalpha() and part.rstrip(".").lower() not in {
                "pak", "bu", "bapak", "ibu", "sdr", "sdri", "mas", "mbak"}:
            return part
    return ""


def _neighbourhood_only(user) -> bool:
    """True when every unit the user holds a position in is an RT or RW."""
    access = access_for(user)
    return bool(access.units) and not access.is_triage and all(
        unit.kind in NEIGHBOURHOOD_KINDS for unit in access.units)


def level_for(user, complaint: Complaint) -> Level:
    """The most a user may see of this complaint's reporter."""
    access = access_for(user)
    if complaint.reporter_id is None or complaint.anonymous:
        return Level.NOTHING
    if not access.sees_complaint(complaint):
        return Level.NOTHING
    if complaint.confidential and not access.is_triage:
        return Level.NOTHING
    if _neighbourhood_only(user) or not access.may_act_on_complaint(complaint):
        return Level.FIRST_NAME
    return Level.NAME


def may_read_original_text(user, complaint: Complaint, *, revealed: bool = False) -> bool:
    """The text as the citizen wrote it may hold their number, address or name: on a page,
    the triage team only; an official who may see the name reads it beside the contact
    details after a logged reveal. Everyone else reads the masked text."""
    if access_for(user).is_triage:
        return True
    return revealed and level_for(user, complaint) >= Level.NAME


def _label(complaint: Complaint) -> str:
    if complaint.reporter_id is None or complaint.anonymous:
        return _("Pelapor anonim")
    if complaint.confidential:
        return _("Pelapor dirahasiakan")
    return _("Pelapor")


def log_view(user, complaint: Complaint | None, fields: list[str], via: str,
             reason: str = "", reporter=None) -> IdentityView:
    label = ""
    if user is not None and getattr(user, "is_authenticated", False):
        label = user.get_full_name() or user.get_username()
    elif isinstance(user, str):
        label, user = user, None
    return IdentityView.objects.create(
        user=user if user is not None and getattr(user, "pk", None) else None,
        user_label=label[:200], complaint=complaint,
        reporter=reporter if reporter is not None else getattr(complaint, "reporter", None),
        fields=",".join(fields)[:100], via=via, reason=reason[:500])


def contacts_of(reporter) -> list[tuple[str, str]]:
    return [(label, value) for label, value in (
        (_("Telepon"), reporter.phone), (_("E-mail"), reporter.email),
        (_("ID kanal"), f"{reporter.channel}: {reporter.handle}" if reporter.handle else ""),
    ) if value]


def card(user, complaint: Complaint, *, reveal: bool = False, reason: str = "",
         via: str = IdentityView.Via.PAGE) -> ReporterCard:
    """The reporter as this user may see them on a staff page; each view is logged.
    `reveal` (with a reason) adds the contact details for those allowed to ask."""
    level = level_for(user, complaint)
    result = ReporterCard(label=_label(complaint), level=level)
    if level == Level.NOTHING:
        return result
    reporter = complaint.reporter
    if level == Level.FIRST_NAME:
        name = first_name(reporter.name)
        if name:
            result.label = name
            log_view(user, complaint, ["first_name"], via)
        return result
    result.can_reveal = True
    shown = []
    if reporter.name:
        result.label, shown = reporter.name, ["name"]
    if reveal and reason.strip():
        result.contacts = contacts_of(reporter)
        shown += ["phone", "email", "handle"]
        via = IdentityView.Via.REVEAL
    if shown:
        log_view(user, complaint, shown, via, reason=reason.strip() if reveal else "")
    return result


OTHERS_SHOWN = 10
OTHERS_RECENT_DAYS = 90


def other_complaints(user, complaint: Complaint) -> list[Complaint]:
    """"Aduan lain dari pelapor ini": the same citizen's other open and recent complaints
    on any channel (this reporter, and reporters a channel proved to have the same phone
    number: complaints/identity.py). Only for those who may see this reporter's name (so
    never RT/RW heads, never for an anonymous reporter, a confidential one only for the
    triage team); only complaints the user may open; never an anonymous complaint, nor a
    confidential one outside the triage team (the list would name its reporter). Two indexed
    queries (the citizen's reporter ids, then their complaints: identity.same_citizen).
    """
    if complaint.reporter_id is None or level_for(user, complaint) < Level.NAME:
        return []
    access = access_for(user)
    since = timezone.now() - timedelta(days=OTHERS_RECENT_DAYS)
    rows = (Complaint.objects.filter(reporter_id__in=identity.same_citizen(complaint.reporter))
            .filter(access.complaint_q(), Q(status__in=OPEN) | Q(created_at__gte=since))
            .exclude(pk=complaint.pk).exclude(anonymous=True))
    if not access.is_triage:
        rows = rows.exclude(confidential=True)
    return list(rows.select_related("category").order_by("-created_at")[:OTHERS_SHOWN])
