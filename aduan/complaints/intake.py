"""A normalised message becomes a complaint: triage, routing, acknowledgement.

Every channel (web form, WhatsApp, Telegram, e-mail...) turns its payload into an
`IncomingMessage` and calls `receive` (threading) or `open_complaint` (always new).
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from aduan import plainsql
from aduan.regions.models import Region
from aduan.sla import deadlines
from aduan.triage import pii
from aduan.triage.duplicates import (
    MAX_DISTANCE_M,
    Candidate,
    find_duplicates,
    signature,
    similarity,
)
from aduan.writelock import writing

from . import about_official, actions, identity, lookups
from .models import OPEN, Complaint, PublicText, Reporter, Status, Urgency
from .reference import new_reference

logger = logging.getLogger("aduan.intake")


@dataclass
class IncomingMessage:
    channel: str
    text: str
    handle: str = ""
    name: str = ""
    phone: str = ""
    verified_phone: str = ""  # only what the channel proved (complaints/identity.py)
    email: str = ""
    anonymous: bool = False
    confidential: bool = False  # reporter known to the triage team only
    about_official: bool = False  # the citizen says it is about an official or unit
    lat: float | None = None
    lng: float | None = None
    region_code: str | None = None
    rt: int | None = None
    rw: int | None = None
    category_code: str | None = None
    channel_account_id: int | None = None
    received_at: datetime | None = None
    photos: list[bytes] = field(default_factory=list)
    data: dict = field(default_factory=dict)
    # Given to the citizen before the complaint was opened (complaints/accepted.py).
    ref: str = ""
    token: str = ""


def _reporter(msg: IncomingMessage) -> Reporter | None:
    if msg.anonymous and not msg.handle:
        return None
    given = {"name": msg.name, "phone": msg.phone, "email": msg.email}
    fresh = Reporter(channel=msg.channel, handle=msg.handle)
    if not msg.handle:  # the web form: a new reporter with each complaint, never verified
        fresh.learn(given)
        fresh.save()
        return fresh
    given["verified_phone"] = identity.e164(msg.verified_phone)
    fresh.learn(given)
    # A first message (the common case) is one INSERT; a known chat keeps its row.
    if plainsql.insert(fresh, unless_taken=("channel", "handle"), where="NOT (handle = '')"):
        return fresh
    reporter = Reporter.objects.get(channel=msg.channel, handle=msg.handle)
    if changed := reporter.learn(given):  # what earlier messages did not tell
        reporter.save(update_fields=changed)
    return reporter


def _place(msg: IncomingMessage, found_code: str | None) -> Region | None:
    if msg.region_code:
        return lookups.region(msg.region_code)
    if msg.lat is not None and msg.lng is not None:
        from aduan.regions.loader import kelurahan_at

        region = kelurahan_at(msg.lat, msg.lng)
        if region is not None:
            return region
    return lookups.region(found_code) if found_code else None


_places: tuple[tuple, object] | None = None


def places():
    """The place index of the loaded cities, rebuilt when the region list changes."""
    global _places
    from django.db.models import Count, Max

    from aduan.triage.place import PlaceIndex

    # Whether the region list changed is asked once a minute (lookups), not per complaint.
    key = lookups.memo(("region-list",), lambda: tuple(
        Region.objects.aggregate(n=Count("code"), last=Max("code")).values()))
    if _places is None or _places[0] != key:
        _places = (key, PlaceIndex.from_db())
    return _places[1]


def warm_up() -> None:
    """Load what the first complaint would otherwise wait seconds for (the triage model,
    the national place names, the place index, the duplicate corpus): called once per
    server process at start, so no citizen pays for it."""
    try:
        analyse("Lampu jalan mati di Kemlayan RT 3 RW 5, mohon diperbaiki")
    except DatabaseError:  # no database yet (first start before migrate): load lazily
        logger.warning("intake warm-up skipped: database not ready")
    finally:
        if not connection.in_atomic_block:
            connection.close()  # opened in the start-up thread, which serves no request
    similarity("jalan rusak", "jalan berlubang")


def analyse(text: str, lat: float | None = None, lng: float | None = None):
    from aduan.triage.pipeline import analyse as triage_analyse

    return triage_analyse(text, places(), lat=lat, lng=lng)


DUPLICATE_WINDOW_DAYS = 14
MAX_CANDIDATES = 30


def duplicate_matches(complaint: Complaint) -> list:
    """Open complaints close in place, time and meaning to this one, best first.

    The complaint need not be saved yet. Candidates come from one index range per nearby
    kelurahan (region, category, created_at), newest first and at most MAX_CANDIDATES, so
    the search costs the same at a thousand open complaints as at a million; their text
    signatures were computed when they arrived."""
    if complaint.region_id:
        near = _neighbourhood(complaint.region)
        place, place_params = f"region_id IN ({', '.join(['%s'] * len(near))})", near
    elif complaint.lat is not None and complaint.lng is not None:
        box = MAX_DISTANCE_M / 111_000  # degrees of latitude; longitude is wider here
        place = "region_id IS NULL AND lat BETWEEN %s AND %s AND lng BETWEEN %s AND %s"
        place_params = [complaint.lat - box, complaint.lat + box,
                        complaint.lng - box, complaint.lng + box]
    else:
        return []
    since = complaint.created_at - timedelta(days=DUPLICATE_WINDOW_DAYS)
    # Plain SQL: run for every complaint, the ORM's query building cost ten times the query.
    sql = (f"SELECT id, text_public, created_at, lat, lng, region_id, category_id, signature "
           f"FROM {connection.ops.quote_name(Complaint._meta.db_table)} "
           f"WHERE status IN ({', '.join(['%s'] * len(OPEN))}) AND "
           + ("category_id = %s" if complaint.category_id else "category_id IS NULL")
           + " AND created_at >= %s" + (" AND id <> %s" if complaint.pk else "")
           + f" AND {place} ORDER BY created_at DESC LIMIT {MAX_CANDIDATES}")
    params = [*OPEN, *([complaint.category_id] if complaint.category_id else []),
              connection.ops.adapt_datetimefield_value(since),
              *([complaint.pk] if complaint.pk else []), *place_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        candidates = [  # plain rows: no model instance per candidate
            Candidate(id=pk, text=text, created_at=plainsql.moment(created_at), lat=lat, lng=lng,
                      region_code=region_code, category=category, signature=bytes(sig or b""))
            for pk, text, created_at, lat, lng, region_code, category, sig in cursor.fetchall()]
    return find_duplicates(complaint.text_public, complaint.created_at, candidates,
                           lat=complaint.lat, lng=complaint.lng,
                           region_code=complaint.region_id, category=complaint.category_id,
                           text_signature=bytes(complaint.signature))


def _neighbourhood(region: Region) -> list[str]:
    """The region and the places duplicates may come from: its kecamatan's kelurahan."""
    parent = region.parent_id
    if parent is None:
        return [region.code]
    return [parent, *lookups.children(parent)]


def open_complaint(msg: IncomingMessage) -> Complaint:
    """Create a complaint from a first message, triage it, route it, acknowledge it.

    Everything is decided first (triage, place, deadlines, duplicates, owner), reading
    only; then one short transaction writes the complaint, its events and their outbox
    rows. On SQLite no write lock is held while computing."""
    now = msg.received_at or timezone.now()
    result = analyse(msg.text, msg.lat, msg.lng)
    region = _place(msg, result.region_code)
    category = lookups.category(msg.category_code)
    confident = category is not None or result.confidence >= settings.ADUAN_AUTO_ROUTE_CONFIDENCE
    if category is None and result.category:
        category = lookups.category(result.category)
    urgency = Urgency.EMERGENCY if (
        result.urgency == "emergency" or (category is not None and category.is_emergency)
    ) else Urgency.NORMAL
    rt = msg.rt if msg.rt is not None else result.rt
    rw = msg.rw if msg.rw is not None else result.rw
    about = about_official.recognise(msg.about_official, result.official,
                                     category if confident else None, region, rt, rw)
    # The clocks start at the citizen's first message, even while triage decides.
    due = deadlines.for_complaint(category.pk if category else None, urgency, now)
    complaint = Complaint(
        ref=msg.ref or new_reference(), channel=msg.channel,
        channel_account_id=msg.channel_account_id,
        anonymous=msg.anonymous, text=msg.text,
        confidential=msg.confidential and not msg.anonymous, about_official=about is not None,
        about_unit=about.named if about else None,
        text_public=result.masked_text, pii=[vars(f) if not isinstance(f, dict) else f
                                             for f in result.pii],
        # Shown at once only when the masker is sure of everything it found; otherwise the
        # triage team approves the public wording first (actions.publish).
        public_text_state=PublicText.AUTO if pii.is_sure(
            pii.find(msg.text, [msg.name, msg.phone, msg.email])) else PublicText.PENDING,
        signature=signature(result.masked_text),
        category=category, category_confidence=1.0 if msg.category_code else result.confidence,
        suggestions=[list(s) for s in result.suggestions], urgency=urgency, region=region,
        rt=rt, rw=rw, lat=msg.lat, lng=msg.lng, status=Status.NEW, owner=lookups.triage_owner(),
        created_at=now, first_response_due=due.first_response, resolution_due=due.resolution,
        next_due=due.first_response,
    )
    if msg.token:
        complaint.token = msg.token
    matches = [] if about is not None else duplicate_matches(complaint)
    # What naming them and a merge read (a complaint's whole row costs ten times this).
    survivors = {c.pk: c for c in Complaint.objects.filter(pk__in=[m.id for m in matches[:5]])
                 .only("ref", "status", "duplicate_of_id", "owner_id")} if matches else {}
    complaint.possible_duplicates = [
        {"ref": survivors[m.id].ref, "score": m.score} for m in matches[:5]]
    merge_into = survivors[matches[0].id] if matches and matches[0].near_certain else None
    decision = None
    if about is None and merge_into is None and confident:
        decision = lookups.route(category, region, rt, rw)
    from aduan.evidence.store import prepared

    # Photos are processed and their files written first: no write lock held meanwhile.
    with prepared(msg.photos[: settings.ADUAN_MAX_PHOTOS], by_citizen=True) as photos, \
            writing():
        complaint.reporter = _reporter(msg)
        plainsql.insert(complaint)  # nothing listens to a complaint's save signals
        photo_ids = _attach(complaint, photos)
        actions.record(
            complaint, "received", None, public=True, at=now,
            note=acknowledgement_note(complaint),
            data={"channel": msg.channel, "photos": photo_ids, "acknowledgement": True,
                  **({"merged_into": merge_into.ref} if merge_into is not None else {})},
        )
        if about is not None:
            # Not merged into (nor routed to) the named unit's complaints: one level up.
            actions.record(complaint, "about_official", None, note=about.reason(), at=now,
                           data=about.data())
            if about.owner is not None:
                complaint = actions.assign(complaint, about.owner, None, automatic=True,
                                           just_opened=True)
            return complaint
        if merge_into is not None:
            return actions.merge(complaint, merge_into, None, automatic=True, just_opened=True)
        if decision is not None and decision.unit is not None:
            complaint = actions.assign(complaint, decision.unit, None, reason=decision.reason,
                                       automatic=True, data=decision.data, just_opened=True)
    return complaint


def _attach(complaint: Complaint, photos: list) -> list[int]:
    """The rows of photos prepared before the write (evidence/store.py), and the proof
    checks once for all of them."""
    from aduan.evidence.checks import refresh
    from aduan.evidence.store import record

    for photo in photos:
        record(photo, complaint=complaint, check=False)
    if photos:
        refresh(complaint)
    return [photo.pk for photo in photos]


def acknowledgement_note(complaint: Complaint) -> str:
    """The acknowledgement as the timeline keeps it: no private tracking link."""
    return f"Terima kasih, aduan Anda sudah kami terima dengan nomor {complaint.ref}."


def acknowledgement_text(complaint: Complaint, merged_into: str = "") -> str:
    """The first reply on the citizen's channel: reference, private tracking link and where
    to read how their data is handled. Built when sent, never stored on the timeline. A
    complaint merged at intake says so here (`merged_into`): one message, not two."""
    merged = (f"\nMasalah yang sama sudah dilaporkan dalam aduan {merged_into}; aduan Anda "
              "kami gabungkan ke sana." if merged_into else "")
    return (
        f"{acknowledgement_note(complaint)}{merged}\n"
        f"Pantau perkembangannya di {complaint.tracking_url()}\n"
        f"Cara kami menjaga data Anda: {settings.PUBLIC_URL}{reverse('privacy:notice')}"
    )


def open_for(reporter: Reporter | None, channel: str,
             verified_phone: str = "") -> Complaint | None:
    """The open complaint a new message joins: the reporter's own on this channel, or,
    when a channel proved their number, the most recent open complaint of the same
    citizen on any channel (a reporter with the same verified phone). `verified_phone`
    names the citizen before their reporter row exists (a first message)."""
    phone = identity.e164(verified_phone) or (reporter.verified_phone if reporter else "")
    if phone:  # the citizen's reporters first (an index lookup), then their complaints
        mine = Q(reporter_id__in=identity.same_citizen(reporter, phone))
    elif reporter is not None:
        mine = Q(reporter=reporter, channel=channel)
    else:
        return None
    return Complaint.objects.open().filter(mine).order_by("-created_at").first()


def take_over(complaint: Complaint, reporter: Reporter, channel_account_id: int | None
              ) -> Complaint:
    """The conversation follows the citizen to the chat they last wrote on: another account
    of the same channel, or another channel that proved the same number. Replies, buttons
    and the reporter's own chat actions then use it (the outbox reads the complaint's
    reporter and account); `complaint.channel` stays the channel it arrived on."""
    same_person = complaint.reporter_id == reporter.pk or (
        reporter.verified_phone and complaint.reporter_id is not None
        and complaint.reporter.verified_phone == reporter.verified_phone)
    if not same_person or (complaint.reporter_id == reporter.pk
                           and complaint.channel_account_id == channel_account_id):
        return complaint
    before = complaint.reporter.channel if complaint.reporter_id else complaint.channel
    Complaint.objects.filter(pk=complaint.pk).update(reporter=reporter,
                                                     channel_account_id=channel_account_id)
    complaint.reporter, complaint.channel_account_id = reporter, channel_account_id
    actions.record(complaint, "reporter_moved", None, public=False,
                   note=f"Pelapor melanjutkan percakapan lewat {reporter.channel}"
                        + (f" (sebelumnya {before}, nomor terverifikasi yang sama)."
                           if before != reporter.channel else " (akun lain)."),
                   data={"from": before, "to": reporter.channel,
                         "account": channel_account_id})
    return complaint
