"""A citizen's requests under UU PDP: a copy of everything held about them (`export`) and
erasure (`erase`): their name, phone, e-mail and channel handle wiped, the complaint text
kept only as masked, photo originals without EXIF, raw webhook bodies emptied; the public
record of each complaint stays, de-identified, with an event saying what was done.

A citizen is found by a complaint reference (its reporter, and every reporter with the
same phone number) or by a phone number in any common spelling (0812…, +62 812…, 62812…).
A web complaint that is accepted but not opened yet (`complaints/accepted.py`: the worker
opens it within seconds, or its job died) is found the same way, by its reference or by
the phone number in its stored message, exported as such and de-identified before it opens
(`_erase_accepted`).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from aduan.channels.models import InboundEvent, OutboxMessage
from aduan.complaints import accepted, actions
from aduan.complaints.accepted import opening_jobs
from aduan.complaints.models import AcceptedComplaint, Complaint, Event, Reporter
from aduan.evidence.models import Photo
from aduan.jobs.models import Job
from aduan.triage import pii

from .models import IdentityView
from .photos import is_stripped, strip_original

Progress = Callable[[str], None]
PROGRESS_EVERY = 5000
ERASED = "[dihapus]"
MIN_PHONE_KEY = 8  # fewer digits would match strangers
ACCEPTED_STATUS = "diterima, belum diproses"
# What an accepted complaint's message holds about the citizen: the contact they gave, and
# a proven number (always empty for the web form, emptied anyway).
CONTACT = (*accepted.CONTACT, "verified_phone")
ERASED_NOTE = ("Data pribadi pelapor dihapus atas permintaannya (UU PDP); catatan publik "
               "aduan tetap ada tanpa identitas.")
GIVEN = ("channel", "text", *CONTACT, "anonymous", "confidential", "about_official", "lat",
         "lng", "region_code", "rt", "rw", "category_code")


def phone_key(value: str) -> str:
    """The national number without country code or leading zero: 0812-3456-7890,
    +62 812 3456 7890 and 6281234567890 all give 81234567890."""
    digits = re.sub(r"\D", "", value or "")
    if digits.startswith("62"):
        digits = digits[2:]
    return digits.lstrip("0")


@dataclass
class Found:
    reporters: list[Reporter] = field(default_factory=list)
    complaints: list[Complaint] = field(default_factory=list)
    accepted: list[AcceptedComplaint] = field(default_factory=list)  # not opened yet


def _given(row: AcceptedComplaint, key: str):
    return row.message.get(key) or ""


def _tail(key: str, *lookups: str) -> Q:
    """A cheap filter in the database: the last four digits appear somewhere (also as
    12-34 or 12 34) in one of `lookups`; `phone_key` then decides exactly."""
    tail = key[-4:]
    q = Q()
    for lookup in lookups:
        for spelling in (tail, f"{tail[:2]}-{tail[2:]}", f"{tail[:2]} {tail[2:]}"):
            q |= Q(**{lookup: spelling})
    return q


def _accepted_with_phone(key: str) -> list[AcceptedComplaint]:
    rows = AcceptedComplaint.objects.filter(_tail(key, "message__phone__icontains"))
    return [row for row in rows.order_by("pk") if phone_key(_given(row, "phone")) == key]


def _reporters_with_phone(key: str, progress: Progress | None) -> list[Reporter]:
    rows = Reporter.objects.filter(_tail(key, "phone__contains", "handle__contains"))
    found = []
    for n, reporter in enumerate(rows.iterator(chunk_size=2000), 1):
        if phone_key(reporter.phone) == key or (
                reporter.channel == "whatsapp" and phone_key(reporter.handle) == key):
            found.append(reporter)
        if progress and n % PROGRESS_EVERY == 0:
            progress(f"{n} reporters checked")
    return found


def find(reference: str = "", phone: str = "", progress: Progress | None = None) -> Found:
    result = Found()
    complaints: dict[int, Complaint] = {}
    reporters: dict[int, Reporter] = {}
    accepted: dict[int, AcceptedComplaint] = {}
    if reference:
        ref = reference.strip().upper()
        complaint = Complaint.objects.filter(ref=ref).first()
        row = AcceptedComplaint.objects.filter(ref=ref).first()
        if complaint is None and row is None:
            return result
        if complaint is not None:
            complaints[complaint.pk] = complaint
        if complaint is not None and complaint.reporter_id:
            reporters[complaint.reporter_id] = complaint.reporter
            phone = phone or complaint.reporter.phone or (
                complaint.reporter.handle if complaint.reporter.channel == "whatsapp" else "")
        if row is not None:
            accepted[row.pk] = row
            phone = phone or _given(row, "phone")
    key = phone_key(phone)
    if len(key) >= MIN_PHONE_KEY:
        for reporter in _reporters_with_phone(key, progress):
            reporters[reporter.pk] = reporter
        for row in _accepted_with_phone(key):
            accepted[row.pk] = row
    for complaint in Complaint.objects.filter(reporter__in=list(reporters)):
        complaints[complaint.pk] = complaint
    result.reporters = sorted(reporters.values(), key=lambda r: r.pk)
    result.complaints = sorted(complaints.values(), key=lambda c: c.pk)
    result.accepted = sorted(accepted.values(), key=lambda a: a.pk)
    return result


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _inbound(found: Found):
    handles = [r.handle for r in found.reporters if r.handle]
    return InboundEvent.objects.filter(Q(complaint__in=found.complaints) |
                                       Q(sender__in=handles)).order_by("pk")


def _accepted_copy(row: AcceptedComplaint) -> dict:
    """An accepted complaint as the citizen gave it: their words and contact, as stored."""
    return {"reference": row.ref, "status": ACCEPTED_STATUS,
            # The tracking page shows it by the same token once it is opened.
            "tracking_url": Complaint(token=row.token).tracking_url(),
            "received_at": _iso(row.created_at),
            **{key: row.message.get(key) for key in GIVEN}}


def export(found: Found, by: str = "", progress: Progress | None = None) -> dict:
    """Everything held about the citizen, as JSON-ready data."""
    complaints = []
    for n, c in enumerate(found.complaints, 1):
        complaints.append({
            "reference": c.ref, "tracking_url": c.tracking_url(), "channel": c.channel,
            "created_at": _iso(c.created_at), "status": c.status,
            "closed_at": _iso(c.closed_at), "anonymous": c.anonymous,
            "confidential": c.confidential, "about_official": c.about_official,
            "text": c.text, "text_public": c.text_public, "address": c.address,
            "lat": c.lat, "lng": c.lng, "kelurahan": c.region.name if c.region_id else None,
            "rt": c.rt, "rw": c.rw, "category": c.category_id, "rating": c.rating,
            "rating_comment": c.rating_comment,
            "timeline": [{"at": _iso(e.created_at), "kind": e.kind, "by": e.actor_label,
                          "note": e.note, "public": e.public}
                         for e in Event.objects.filter(complaint=c).order_by("created_at", "id")],
            "photos": [{"id": p.pk, "tag": p.tag, "by_citizen": p.by_citizen,
                        "taken_at": _iso(p.taken_at), "gps_lat": p.gps_lat,
                        "gps_lng": p.gps_lng, "created_at": _iso(p.created_at),
                        "original_without_exif": is_stripped(p)}
                       for p in Photo.objects.filter(complaint=c).order_by("pk")],
        })
        if progress and n % 100 == 0:
            progress(f"{n}/{len(found.complaints)} complaints exported")
    handles = [r.handle for r in found.reporters if r.handle]
    data = {
        "generated_at": timezone.now().isoformat(),
        "reporters": [{"id": r.pk, "channel": r.channel, "handle": r.handle, "name": r.name,
                       "phone": r.phone, "verified_phone": r.verified_phone, "email": r.email,
                       "created_at": _iso(r.created_at)}
                      for r in found.reporters],
        "complaints": complaints,
        "accepted_complaints": [_accepted_copy(row) for row in found.accepted],
        "messages_received": [{"at": _iso(e.received_at), "channel_event": e.kind,
                               "complaint": e.complaint.ref if e.complaint_id else None,
                               "raw": e.body}
                              for e in _inbound(found).select_related("complaint")],
        "messages_sent": [{"at": _iso(m.created_at), "status": m.status,
                           "complaint": m.complaint.ref if m.complaint_id else None,
                           "recipient": m.recipient, "request": m.payload}
                          for m in OutboxMessage.objects.filter(recipient__in=handles)
                          .select_related("complaint").order_by("pk")],
        "identity_views": [{"at": _iso(v.created_at), "by": v.user_label, "fields": v.fields,
                            "via": v.via, "reason": v.reason}
                           for v in IdentityView.objects.filter(
                               Q(complaint__in=found.complaints) |
                               Q(reporter__in=found.reporters)).order_by("created_at", "id")],
    }
    for reporter in found.reporters:
        IdentityView.objects.create(user_label=by or "aduan privacy export", reporter=reporter,
                                    fields="all", via=IdentityView.Via.EXPORT,
                                    reason="permintaan salinan data (UU PDP)")
    for row in found.accepted:
        IdentityView.objects.create(user_label=by or "aduan privacy export", fields="all",
                                    via=IdentityView.Via.EXPORT,
                                    reason=f"permintaan salinan data (UU PDP), aduan {row.ref} "
                                           f"{ACCEPTED_STATUS}")
    return data


def _patterns(name: str, *contacts: str) -> list[re.Pattern]:
    values = [name, *contacts]
    patterns = [re.compile(re.escape(v.strip()), re.I) for v in values if len(v.strip()) >= 3]
    patterns += [re.compile(r"\b" + re.escape(part) + r"\b", re.I)
                 for part in (name or "").split() if len(part) >= 3]
    return patterns


def _scrub(text: str, patterns: list[re.Pattern]) -> str:
    for pattern in patterns:
        text = pattern.sub(ERASED, text)
    return text


def _erase_accepted(row: AcceptedComplaint, patterns: list[re.Pattern], by: str
                    ) -> tuple[bool, bool]:
    """De-identify a web complaint that is accepted but not opened yet, so that the worker
    opens it without the citizen: name, phone, e-mail (and any handle) emptied, marked
    anonymous (a web complaint then gets no reporter row), and its words kept only as
    masked (`triage.pii.mask_public` with the contact they gave, then the citizen's
    patterns), as an opened complaint's text is kept after erasure. Returns (scrubbed,
    settled): settled is False when the worker may open it with the citizen's data anyway.

    Why de-identify and not delete: erasure takes the person out of the record, not the
    report out of the city's work; an opened complaint keeps its de-identified public
    record too, so deleting only the ones still waiting would make the outcome depend on
    how busy the worker was. (Retention still deletes rows that are never opened.)

    Why this is race-free: the job (`accepted.open_accepted`, its args the row's id)
    reads the row once, when it starts, and only while the job is `running`. Its job
    rows are locked first (PostgreSQL: FOR UPDATE, which a worker's claim, FOR UPDATE
    SKIP LOCKED, passes over until this commits; SQLite: the transaction holds the one
    write lock from its start), so a job seen ready or dead here cannot start before the
    scrubbed message is committed, and it opens the complaint from that. A job seen
    running may have read the message already, and a row gone since `find` was opened
    meanwhile: both are scrubbed as far as they still exist and reported unsettled, so
    the caller repeats the request once the complaint is open (by the same reference,
    or the same phone number if it was opened with it)."""
    states = {job.state for job in
              opening_jobs(*Job.State.values).filter(row=row.pk).select_for_update()}
    known = [_given(row, key) for key in CONTACT]
    text = _scrub(pii.mask_public(_given(row, "text"), known), patterns)
    message = {**row.message, **dict.fromkeys(CONTACT, ""), "anonymous": True, "text": text,
               accepted.ERASED: {"by": by, "note": ERASED_NOTE}}  # on its opened timeline
    scrubbed = AcceptedComplaint.objects.filter(pk=row.pk).update(message=message)
    return bool(scrubbed), bool(scrubbed) and Job.State.RUNNING not in states


@transaction.atomic
def erase(found: Found, by: str = "", progress: Progress | None = None) -> dict:
    """De-identify: the citizen's identity goes, the public record stays.

    `accepted_being_opened` lists the references of accepted complaints the worker was
    opening at that moment (see `_erase_accepted`): repeat the request for them."""
    stats = {"reporters": 0, "complaints": 0, "events": 0, "photo_originals": 0,
             "webhook_bodies": 0, "messages_sent": 0, "accepted_complaints": 0,
             "accepted_being_opened": []}
    patterns = [p for r in found.reporters for p in _patterns(r.name, r.phone, r.email, r.handle)]
    patterns += [p for row in found.accepted
                 for p in _patterns(*(_given(row, key) for key in CONTACT))]
    handles = [r.handle for r in found.reporters if r.handle]
    for row in found.accepted:  # first: their jobs are locked until this commits
        scrubbed, settled = _erase_accepted(row, patterns, by or "Tim privasi")
        stats["accepted_complaints"] += scrubbed
        if not settled:
            stats["accepted_being_opened"].append(row.ref)
        IdentityView.objects.create(user_label=by or "aduan privacy erase", fields="all",
                                    via=IdentityView.Via.ERASE,
                                    reason=f"permintaan penghapusan (UU PDP), aduan {row.ref} "
                                           f"{ACCEPTED_STATUS}")
    for n, complaint in enumerate(found.complaints, 1):
        fields = {"text": _scrub(complaint.text_public or "", patterns),
                  "text_public": _scrub(complaint.text_public or "", patterns),
                  "address": "", "pii": []}
        if hasattr(complaint, "public_wording"):
            fields["public_wording"] = _scrub(complaint.public_wording or "", patterns)
        Complaint.objects.filter(pk=complaint.pk).update(**fields)
        for event in Event.objects.filter(complaint=complaint).exclude(note=""):
            note = _scrub(event.note, patterns)
            if event.kind == "open311_details":  # address, device id: private by nature
                note = ERASED
            if note != event.note:
                Event.objects.filter(pk=event.pk).update(note=note)
                stats["events"] += 1
        for photo in Photo.objects.filter(complaint=complaint, by_citizen=True):
            stats["photo_originals"] += strip_original(photo)
        actions.record(complaint, accepted.ERASED, by or "Tim privasi", note=ERASED_NOTE,
                       data={"reporters": [r.pk for r in found.reporters]})
        stats["complaints"] += 1
        if progress and n % 100 == 0:
            progress(f"{n}/{len(found.complaints)} complaints de-identified")
    stats["webhook_bodies"] = _inbound(found).exclude(body="").update(body="")
    if handles:
        stats["messages_sent"] = (OutboxMessage.objects.filter(recipient__in=handles)
                                  .exclude(status__in=[OutboxMessage.Status.QUEUED,
                                                       OutboxMessage.Status.SENDING])
                                  .update(recipient=ERASED, payload={}))
    for reporter in found.reporters:
        IdentityView.objects.create(user_label=by or "aduan privacy erase", reporter=reporter,
                                    fields="all", via=IdentityView.Via.ERASE,
                                    reason="permintaan penghapusan (UU PDP)")
    stats["reporters"] = Reporter.objects.filter(pk__in=[r.pk for r in found.reporters]) \
        .update(name="", phone="", email="", handle="", verified_phone="")
    return stats
