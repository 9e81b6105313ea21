"""Every change to a complaint is one of these named actions.

Each action checks who may do it and from which status, changes the complaint, records a
timeline event and (through `event_recorded`) schedules side effects, all in one
transaction. Views, tasks and channels call these; nothing else saves a complaint's status.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan import plainsql
from aduan.org.access import access_for
from aduan.org.models import Unit
from aduan.regions.models import Region
from aduan.sla import deadlines

from .about_official import above
from .models import Category, Complaint, Event, PublicText, Status
from .signals import event_recorded

S = Status


class ActionError(Exception):
    """An action that cannot be done; the message is shown to the user."""


class NotAllowed(ActionError):
    pass


def _label(actor) -> str:
    if actor is None:
        return "Sistem"
    if isinstance(actor, str):
        return actor
    position = actor.positions.filter(is_active=True).select_related("unit").first()
    name = actor.get_full_name() or actor.get_username()
    return f"{name} ({position})" if position else name


def record(complaint: Complaint, kind: str, actor=None, note: str = "", public: bool = False,
           data: dict | None = None, at: datetime | None = None) -> Event:
    """Write one timeline event and tell the layers above about it."""
    event = Event(
        complaint=complaint, kind=kind,
        actor=actor if actor is not None and not isinstance(actor, str) else None,
        actor_label=_label(actor), note=note, public=public, data=data or {},
        created_at=at or timezone.now(),
    )
    plainsql.insert(event)  # written on every change: no ORM insert built each time
    event_recorded.send(sender=Event, event=event)
    return event


def _require_status(complaint: Complaint, allowed: Iterable[str], action: str) -> None:
    if complaint.status not in set(allowed):
        raise ActionError(
            _("Aksi “%(action)s” tidak bisa dilakukan pada aduan berstatus %(status)s.")
            % {"action": action, "status": complaint.get_status_display()}
        )


def _require_staff(actor, complaint: Complaint, *, triage: bool = False) -> None:
    access = access_for(actor)
    if triage and not access.is_triage:
        raise NotAllowed(_("Hanya tim triase yang boleh melakukan ini."))
    if not access.may_act_on_complaint(complaint):
        raise NotAllowed(_("Anda tidak berwenang atas aduan ini."))


@dataclass(frozen=True)
class Citizen:
    """The reporter acting from their own verified chat identity (a message that the
    provider signed, from the channel and handle the complaint was reported with). The
    web tracking page proves the reporter by the private token and passes no `by`."""

    channel: str
    handle: str


def _require_reporter(by: Citizen | None, complaint: Complaint) -> dict:
    if by is None:
        return {}
    reporter = complaint.reporter  # the chat the conversation is on (intake.take_over)
    if reporter is None or reporter.channel != by.channel or reporter.handle != by.handle:
        raise NotAllowed(_("Hanya pelapor aduan ini yang boleh melakukan ini."))
    return {"via": by.channel}


def _require_not_named(complaint: Complaint, unit: Unit) -> None:
    """A complaint about an official never goes to the unit it is about (nor below it)."""
    named = complaint.about_unit if complaint.about_unit_id is not None else None
    if named is not None and unit.is_within(named):
        raise NotAllowed(_("Aduan ini tentang %(unit)s; unit itu tidak boleh menanganinya.")
                         % {"unit": complaint.about_unit})


def _lock(complaint: Complaint, just_opened: bool = False) -> Complaint:
    """Re-read the row under a lock so two actions never interleave. A complaint inserted in
    the caller's own transaction (`just_opened`: intake) is seen by no one else yet."""
    if just_opened:
        return complaint
    rows = Complaint.objects.select_for_update(of=("self",))  # PostgreSQL: no outer-join locks
    return rows.select_related("category", "owner").get(pk=complaint.pk)


def _save(complaint: Complaint, *fields: str) -> None:
    complaint.save(update_fields=[*fields, "updated_at"])


def _start_clocks(complaint: Complaint) -> None:
    """Due times counted from the citizen's first message, on the category's policy."""
    due = deadlines.for_complaint(complaint.category_id, complaint.urgency, complaint.created_at)
    complaint.first_response_due = None if complaint.first_response_at else due.first_response
    complaint.resolution_due = due.resolution
    complaint.next_due = complaint.first_response_due or complaint.resolution_due


# --- triage team --------------------------------------------------------------------------

@transaction.atomic
def classify(complaint: Complaint, actor, *, category: Category | None = None,
             urgency: str | None = None, region: Region | None = None,
             rt: int | None = None, rw: int | None = None) -> Complaint:
    """Confirm or correct category, urgency and place (the triage team's one click)."""
    complaint = _lock(complaint)
    _require_staff(actor, complaint)
    if not complaint.is_open:
        raise ActionError(_("Aduan sudah ditutup."))
    changes: dict[str, str] = {}
    if category is not None and category.pk != complaint.category_id:
        changes["category"] = f"{complaint.category_id or '-'} → {category.pk}"
        complaint.category, complaint.category_confidence = category, 1.0
    if urgency and urgency != complaint.urgency:
        changes["urgency"] = f"{complaint.urgency} → {urgency}"
        complaint.urgency = urgency
    if region is not None and (region.pk != complaint.region_id or rt != complaint.rt
                               or rw != complaint.rw):
        changes["region"] = f"{complaint.region_id or '-'} → {region.pk} RT {rt} RW {rw}"
        complaint.region, complaint.rt, complaint.rw = region, rt, rw
    _save(complaint, "category", "category_confidence", "urgency", "region", "rt", "rw")
    record(complaint, "classified", actor, data={"changes": changes, "confirmed": not changes})
    return complaint


@transaction.atomic
def assign(complaint: Complaint, unit: Unit, actor=None, reason: str = "",
           automatic: bool = False, data: dict | None = None,
           just_opened: bool = False) -> Complaint:
    """Give a complaint an owner unit; SLA clocks start (or move to the new owner)."""
    complaint = _lock(complaint, just_opened)
    if actor is not None:
        _require_staff(actor, complaint)
        if not access_for(actor).is_triage and not access_for(actor).covers(unit):
            raise NotAllowed(_("Unit tujuan berada di luar wewenang Anda."))
    _require_status(complaint, [S.NEW, S.ASSIGNED, S.IN_PROGRESS, S.WAITING_CITIZEN],
                    _("tugaskan"))
    _require_not_named(complaint, unit)
    now = timezone.now()
    previous = complaint.owner
    complaint.owner, complaint.assignee = unit, None
    if complaint.status == S.NEW:
        complaint.status = S.ASSIGNED
        complaint.assigned_at = now
        _start_clocks(complaint)
    _save(complaint, "owner", "assignee", "status", "assigned_at", "first_response_due",
          "resolution_due", "next_due")
    record(complaint, "assigned", actor, note=reason, public=True,
           data={"from": previous.pk, "to": unit.pk, "unit": unit.name, "automatic": automatic,
                 **(data or {})})
    return complaint


@transaction.atomic
def mark_about_official(complaint: Complaint, by, unit: Unit, reason: str) -> Complaint:
    """The triage team sees that a complaint is about an official or unit the text did not
    show: that unit is skipped from now on (it no longer sees the complaint), and when it,
    or a unit inside it, owns the complaint, the level above takes it over."""
    complaint = _lock(complaint)
    _require_staff(by, complaint, triage=True)
    if not complaint.is_open:
        raise ActionError(_("Aduan sudah ditutup."))
    if not reason.strip():
        raise ActionError(_("Tuliskan alasannya."))
    complaint.about_official, complaint.about_unit = True, unit
    _save(complaint, "about_official", "about_unit")
    record(complaint, "about_official", by, note=reason.strip()[:500],
           data={"source": "triage", "level": unit.kind, "skipped": unit.pk})
    if complaint.owner.is_within(unit):
        owner = above(unit)
        if owner is not None:
            complaint = assign(complaint, owner, None, automatic=True, reason=_(
                "Aduan tentang %(unit)s: diteruskan ke tingkat di atasnya.") % {"unit": unit})
    return complaint


@transaction.atomic
def return_to_triage(complaint: Complaint, actor, reason: str) -> Complaint:
    """An owner says this is not theirs; the triage team decides again."""
    from .routing import triage_unit

    complaint = _lock(complaint)
    _require_staff(actor, complaint)
    _require_status(complaint, [S.ASSIGNED, S.IN_PROGRESS], _("kembalikan ke triase"))
    if not reason.strip():
        raise ActionError(_("Tuliskan alasannya."))
    complaint.owner, complaint.status = triage_unit(), S.NEW
    _save(complaint, "owner", "status")
    record(complaint, "returned", actor, note=reason)
    return complaint


@transaction.atomic
def reject(complaint: Complaint, actor, reason: str) -> Complaint:
    complaint = _lock(complaint)
    _require_staff(actor, complaint, triage=True)
    _require_status(complaint, [S.NEW, S.ASSIGNED, S.WAITING_CITIZEN], _("tolak"))
    if not reason.strip():
        raise ActionError(_("Alasan penolakan wajib diisi; alasan ini dikirim ke pelapor."))
    complaint.status, complaint.closed_at, complaint.next_due = S.REJECTED, timezone.now(), None
    _save(complaint, "status", "closed_at", "next_due")
    record(complaint, "rejected", actor, note=reason, public=True)
    return complaint


@transaction.atomic
def forward(complaint: Complaint, external: Unit, actor, reason: str = "") -> Complaint:
    """Outside the city's authority: hand to a named external body (PLN, BPJS, ...)."""
    complaint = _lock(complaint)
    _require_staff(actor, complaint)
    _require_status(complaint, [S.NEW, S.ASSIGNED, S.IN_PROGRESS, S.WAITING_CITIZEN],
                    _("alihkan"))
    if external.kind != Unit.Kind.EXTERNAL:
        raise ActionError(_("Pilih instansi luar sebagai tujuan pengalihan."))
    complaint.status, complaint.forwarded_to = S.FORWARDED, external
    complaint.closed_at, complaint.next_due = timezone.now(), None
    _save(complaint, "status", "forwarded_to", "closed_at", "next_due")
    record(complaint, "forwarded", actor, note=reason, public=True,
           data={"to": external.pk, "unit": external.name})
    return complaint


@transaction.atomic
def publish(complaint: Complaint, by, text: str) -> Complaint:
    """The triage team approves the wording the public reads (complaints/public_face.py).
    Until then a complaint whose masking was not sure shows category, place and status only."""
    from aduan.triage.pii import mask

    complaint = _lock(complaint)
    if not access_for(by).is_triage:
        raise NotAllowed(_("Hanya tim triase yang boleh menyetujui teks publik."))
    text = (text or "").strip()
    if not text:
        raise ActionError(_("Tuliskan teks yang boleh dibaca umum."))
    complaint.public_wording = text[:5000]
    complaint.public_text_state = PublicText.APPROVED
    _save(complaint, "public_wording", "public_text_state")
    record(complaint, "published", by, note="", public=False,
           data={"wording": mask(complaint.public_wording)})
    return complaint


@transaction.atomic
def merge(complaint: Complaint, into: Complaint, actor=None, automatic: bool = False,
          just_opened: bool = False) -> Complaint:
    """Mark a duplicate; its reporter follows the surviving complaint."""
    complaint = _lock(complaint, just_opened)
    if actor is not None:
        _require_staff(actor, complaint)
        if not access_for(actor).may_act_on_complaint(into):
            raise NotAllowed(_("Aduan tujuan berada di luar wewenang Anda."))
    if into.pk == complaint.pk or into.duplicate_of_id == complaint.pk:
        raise ActionError(_("Aduan tidak bisa digabung dengan dirinya sendiri."))
    _require_status(complaint, [S.NEW, S.ASSIGNED, S.IN_PROGRESS, S.WAITING_CITIZEN],
                    _("gabungkan"))
    if not into.is_open:
        raise ActionError(_("Aduan tujuan sudah ditutup."))
    if complaint.about_unit_id is not None:  # read the survivor's owner only then
        _require_not_named(complaint, into.owner)
    complaint.status, complaint.duplicate_of = S.DUPLICATE, into
    complaint.closed_at, complaint.next_due = timezone.now(), None
    _save(complaint, "status", "duplicate_of", "closed_at", "next_due")
    record(complaint, "merged", actor, public=True,
           data={"into": into.ref, "automatic": automatic})
    record(into, "merged_in", actor, data={"from": complaint.ref})
    return complaint


# --- owners -------------------------------------------------------------------------------

def _first_response(complaint: Complaint, now: datetime) -> None:
    if complaint.first_response_at is None:
        complaint.first_response_at = now
        complaint.first_response_due = None
    complaint.next_due = complaint.resolution_due


@transaction.atomic
def acknowledge(complaint: Complaint, actor, note: str = "") -> Complaint:
    """A human official takes it on: the first-response clock stops."""
    complaint = _lock(complaint)
    _require_staff(actor, complaint)
    _require_status(complaint, [S.ASSIGNED], _("terima"))
    now = timezone.now()
    complaint.status, complaint.assignee = S.IN_PROGRESS, actor
    _first_response(complaint, now)
    _save(complaint, "status", "assignee", "first_response_at", "first_response_due", "next_due")
    record(complaint, "acknowledged", actor, note=note, public=True)
    return complaint


@transaction.atomic
def reply(complaint: Complaint, actor, text: str) -> Complaint:
    """An answer to the citizen, on their channel; counts as a response."""
    complaint = _lock(complaint)
    _require_staff(actor, complaint)
    if not text.strip():
        raise ActionError(_("Balasan kosong."))
    if complaint.status in (S.REJECTED, S.DUPLICATE):
        raise ActionError(_("Aduan ini sudah ditutup."))
    if complaint.status not in (S.NEW,):
        _first_response(complaint, timezone.now())
        _save(complaint, "first_response_at", "first_response_due", "next_due")
    record(complaint, "reply", actor, note=text, public=True)
    return complaint


@transaction.atomic
def note_progress(complaint: Complaint, actor, note: str,
                  photo_ids: Sequence[int] = ()) -> Complaint:
    complaint = _lock(complaint)
    _require_staff(actor, complaint)
    _require_status(complaint, [S.ASSIGNED, S.IN_PROGRESS], _("catat progres"))
    if not note.strip() and not photo_ids:
        raise ActionError(_("Tulis catatan atau lampirkan foto."))
    if complaint.status == S.ASSIGNED:
        complaint.status, complaint.assignee = S.IN_PROGRESS, actor
        _first_response(complaint, timezone.now())
        _save(complaint, "status", "assignee", "first_response_at", "first_response_due",
              "next_due")
    record(complaint, "progress", actor, note=note, public=True,
           data={"photos": list(photo_ids)})
    return complaint


@transaction.atomic
def ask_citizen(complaint: Complaint, actor, question: str) -> Complaint:
    """Wait for the reporter: clocks pause until they answer or the wait runs out."""
    complaint = _lock(complaint)
    _require_staff(actor, complaint)
    _require_status(complaint, [S.NEW, S.ASSIGNED, S.IN_PROGRESS], _("tanya pelapor"))
    if not question.strip():
        raise ActionError(_("Tuliskan pertanyaan untuk pelapor."))
    now = timezone.now()
    complaint.status_before_wait, complaint.status = complaint.status, S.WAITING_CITIZEN
    if complaint.status_before_wait != S.NEW:
        _first_response(complaint, now)
    complaint.next_due = deadlines.waiting_until(now, complaint.category_id, complaint.urgency)
    _save(complaint, "status", "status_before_wait", "first_response_at", "first_response_due",
          "next_due")
    record(complaint, "asked_citizen", actor, note=question, public=True)
    return complaint


@transaction.atomic
def resolve(complaint: Complaint, actor, note: str, photo_ids: Sequence[int] = ()) -> Complaint:
    """Report the fix; categories that require it need an after photo."""
    from aduan.evidence.models import Photo

    complaint = _lock(complaint)
    _require_staff(actor, complaint)
    _require_status(complaint, [S.ASSIGNED, S.IN_PROGRESS], _("selesaikan"))
    if not note.strip():
        raise ActionError(_("Tuliskan apa yang sudah dikerjakan."))
    needs_photo = complaint.category is None or complaint.category.requires_after_photo
    has_after = Photo.objects.filter(complaint=complaint, tag=Photo.Tag.AFTER).exists()
    if needs_photo and not has_after:
        raise ActionError(_("Kategori ini mewajibkan foto sesudah (bukti perbaikan)."))
    now = timezone.now()
    complaint.status, complaint.resolved_at = S.RESOLVED, now
    if complaint.assignee_id is None:
        complaint.assignee = actor
    _first_response(complaint, now)
    complaint.next_due = deadlines.confirmation_until(now, complaint.category_id,
                                                      complaint.urgency)
    _save(complaint, "status", "resolved_at", "assignee", "first_response_at",
          "first_response_due", "next_due")
    record(complaint, "resolved", actor, note=note, public=True, data={"photos": list(photo_ids)})
    for duplicate in complaint.duplicates.all():
        # Everyone who reported the same problem hears that it is fixed.
        record(duplicate, "survivor_resolved", actor, note=note, public=True,
               data={"survivor": complaint.ref})
    return complaint


@transaction.atomic
def escalate(complaint: Complaint, to_unit: Unit, reason: str, deadline: str = "",
             next_due: datetime | None = None) -> Complaint:
    """A missed deadline: the owner's parent unit takes over supervision (system action),
    with a new next deadline so the complaint is never without one."""
    complaint = _lock(complaint)
    if not complaint.is_open:
        raise ActionError(_("Aduan sudah ditutup."))
    previous = complaint.owner
    complaint.owner, complaint.escalation_level = to_unit, complaint.escalation_level + 1
    if next_due is not None:
        complaint.next_due = next_due
    _save(complaint, "owner", "escalation_level", "next_due")
    record(complaint, "escalated", None, note=reason,
           data={"from": previous.pk, "to": to_unit.pk, "unit": to_unit.name,
                 "deadline": deadline, "level": complaint.escalation_level})
    return complaint


# --- citizen ------------------------------------------------------------------------------

@transaction.atomic
def add_citizen_message(complaint: Complaint, text: str, photo_ids: Sequence[int] = (),
                        data: dict | None = None) -> Complaint:
    """The reporter writes again: an answer to our question restarts the clocks."""
    from aduan.triage.pii import mask

    complaint = _lock(complaint)
    if complaint.status in (S.CLOSED, S.REJECTED, S.FORWARDED, S.DUPLICATE):
        raise ActionError(_("Aduan ini sudah ditutup; kirim aduan baru."))
    now = timezone.now()
    if complaint.status == S.WAITING_CITIZEN:
        _end_wait(complaint, now)
    elif complaint.status in (S.ASSIGNED, S.IN_PROGRESS) and complaint.first_response_at:
        complaint.next_due = min(
            filter(None, [complaint.resolution_due,
                          deadlines.next_response(complaint.category_id, complaint.urgency, now)])
        )
    _save(complaint, "status", "status_before_wait", "first_response_due", "resolution_due",
          "next_due")
    record(complaint, "citizen_message", "Pelapor", note=mask(text), public=True,
           data={"photos": list(photo_ids), **(data or {})})
    return complaint


def _end_wait(complaint: Complaint, now: datetime) -> None:
    """Leave waiting_citizen: back to the status before, the paused working time added to
    the due times, and the next deadline the first response or one follow-up period."""
    asked = (Event.objects.filter(complaint=complaint, kind="asked_citizen")
             .order_by("-created_at").values_list("created_at", flat=True).first()) or now
    code, urgency = complaint.category_id, complaint.urgency
    complaint.first_response_due = deadlines.shift_for_pause(
        complaint.first_response_due, asked, now, code, urgency)
    complaint.resolution_due = deadlines.shift_for_pause(
        complaint.resolution_due, asked, now, code, urgency)
    complaint.status = complaint.status_before_wait or S.ASSIGNED
    complaint.status_before_wait = ""
    if complaint.first_response_at is None and complaint.first_response_due is not None:
        complaint.next_due = complaint.first_response_due
    else:
        complaint.next_due = min(filter(None, [
            complaint.resolution_due, deadlines.next_response(code, urgency, now)]))


@transaction.atomic
def resume_after_wait(complaint: Complaint) -> Complaint:
    """The citizen did not answer in time: the owner works on with what they have."""
    complaint = _lock(complaint)
    _require_status(complaint, [S.WAITING_CITIZEN], _("lanjutkan"))
    _end_wait(complaint, timezone.now())
    _save(complaint, "status", "status_before_wait", "first_response_due", "resolution_due",
          "next_due")
    record(complaint, "wait_expired", None, public=True,
           note=_("Batas waktu menunggu jawaban pelapor habis; aduan kembali ditangani."),
           data={"status": complaint.status, "next_due": complaint.next_due.isoformat()
                 if complaint.next_due else None})
    return complaint


@transaction.atomic
def confirm(complaint: Complaint, *, by: Citizen | None = None) -> Complaint:
    complaint = _lock(complaint)
    via = _require_reporter(by, complaint)
    _require_status(complaint, [S.RESOLVED], _("konfirmasi"))
    complaint.status, complaint.closed_at, complaint.next_due = S.CLOSED, timezone.now(), None
    _save(complaint, "status", "closed_at", "next_due")
    record(complaint, "confirmed", "Pelapor", public=True, data=via)
    return complaint


@transaction.atomic
def record_confirmation(complaint: Complaint, by, reason: str,
                        channel: str = "telepon") -> Complaint:
    """The citizen confirmed the fix outside the tracking page (by phone, in person): a
    staff member records it, with a reason, shown on the timeline as recorded by them.
    The citizen's own controls (confirm, reopen, rate) stay behind their private link."""
    complaint = _lock(complaint)
    _require_staff(by, complaint)
    _require_status(complaint, [S.RESOLVED], _("catat konfirmasi pelapor"))
    if not reason.strip():
        raise ActionError(_("Tuliskan kapan dan bagaimana pelapor mengonfirmasi."))
    channel = (channel or "telepon").strip()[:30]
    complaint.status, complaint.closed_at, complaint.next_due = S.CLOSED, timezone.now(), None
    _save(complaint, "status", "closed_at", "next_due")
    record(complaint, "confirmation_recorded", by, public=True,
           note=_("Lewat %(channel)s: %(reason)s") % {"channel": channel,
                                                      "reason": reason.strip()[:500]},
           data={"channel": channel, "recorded_by_staff": True})
    return complaint


@transaction.atomic
def close_unconfirmed(complaint: Complaint) -> Complaint:
    """No objection within the confirmation window: close it (system action)."""
    complaint = _lock(complaint)
    _require_status(complaint, [S.RESOLVED], _("tutup otomatis"))
    complaint.status, complaint.closed_at, complaint.next_due = S.CLOSED, timezone.now(), None
    _save(complaint, "status", "closed_at", "next_due")
    record(complaint, "closed", None, public=True)
    return complaint


@transaction.atomic
def reopen(complaint: Complaint, reason: str, *, by: Citizen | None = None) -> Complaint:
    """The citizen says it is not fixed: back to work, clocks restart."""
    from aduan.triage.pii import mask

    complaint = _lock(complaint)
    via = _require_reporter(by, complaint)
    _require_status(complaint, [S.RESOLVED], _("buka kembali"))
    now = timezone.now()
    complaint.status, complaint.resolved_at = S.IN_PROGRESS, None
    due = deadlines.for_complaint(complaint.category_id, complaint.urgency, now)
    complaint.resolution_due = due.resolution
    complaint.next_due = min(due.resolution, deadlines.next_response(
        complaint.category_id, complaint.urgency, now))
    _save(complaint, "status", "resolved_at", "resolution_due", "next_due")
    record(complaint, "reopened", "Pelapor", note=mask(reason), public=True, data=via)
    return complaint


@transaction.atomic
def rate(complaint: Complaint, stars: int, comment: str = "", *,
         by: Citizen | None = None) -> Complaint:
    from aduan.triage.pii import mask

    complaint = _lock(complaint)
    via = _require_reporter(by, complaint)
    _require_status(complaint, [S.RESOLVED, S.CLOSED], _("beri nilai"))
    if not 1 <= int(stars) <= 5:
        raise ActionError(_("Nilai harus 1 sampai 5."))
    complaint.rating, complaint.rating_comment = int(stars), mask(comment)[:500]
    _save(complaint, "rating", "rating_comment")
    record(complaint, "rated", "Pelapor", note=complaint.rating_comment, public=True,
           data={"stars": complaint.rating, **via})
    return complaint


