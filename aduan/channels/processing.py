"""Turn one stored inbound event into complaint changes (the job behind every webhook).

Idempotent: the event is marked processed in the same transaction as the complaint
changes, so a job that runs twice changes things once. A citizen's first message takes
the path of `firstmessage.py` (the complaint is computed before any write transaction);
everything else locks the event row for the whole of its handling. Media is downloaded
before that transaction (provider URLs expire within minutes; downloads must not hold
database locks).
"""

import logging
import re
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from aduan.attachments.store import AttachmentRejected, save_attachment
from aduan.attachments.store import limit as attachment_limit
from aduan.complaints import actions, identity
from aduan.complaints.intake import IncomingMessage, open_complaint, open_for, take_over
from aduan.complaints.models import Complaint, Reporter, Status
from aduan.writelock import writing

from . import citizen_link, firstmessage, loop
from .current import CURRENT
from .http import ProviderError, Retryable
from .models import ChannelAccount, InboundEvent
from .officials import commands
from .outbox import answer_press, queue, queue_text
from .registry import CHANNELS
from .types import ChatMessage, Media

logger = logging.getLogger("aduan.channels")

NOT_FIXED = re.compile(
    r"\b(belum|blm|durung|masih|tidak\s+beres|tdk\s+beres|gak\s+beres|ga\s+beres|"
    r"nggak\s+beres|ndak\s+beres|not\s+fixed)\b", re.IGNORECASE)
CONFIRMED = re.compile(
    r"^\s*(sudah|sdh|udah|dah|beres|sip|ok|oke|okay|terima\s*kasih|makasih|matur\s+nuwun)\b",
    re.IGNORECASE)
GREETING = re.compile(r"^\s*(/start|/help|halo|hai|hi|hello|p|assalamu.?alaikum)\W*$",
                      re.IGNORECASE)
DOWNLOAD_ATTEMPTS = 3


@dataclass(frozen=True)
class Downloaded:
    media: Media
    data: bytes


def find_message(event: InboundEvent) -> ChatMessage | None:
    parsed = CHANNELS[event.account.kind].parse.parse_event(event.account, event.body)
    return next((m for m in parsed.messages if m.provider_id[:300] == event.provider_id), None)


def download_photos(account: ChannelAccount, msg: ChatMessage, event: InboundEvent | None = None
                    ) -> tuple[list[bytes], str]:
    photos, _, error = download_media(account, msg, event)
    return photos, error


def download_media(account: ChannelAccount, msg: ChatMessage, event: InboundEvent | None = None
                   ) -> tuple[list[bytes], list[Downloaded], str]:
    """Photos (bytes) and attachments (voice, audio, video, documents, stickers)."""
    inside = getattr(CHANNELS[account.kind].parse, "photos_in_event", None)
    if inside is not None and event is not None:  # photos travel inside the message
        return inside(account, event.body)[: settings.ADUAN_MAX_PHOTOS], [], ""
    sender = CHANNELS[account.kind].send
    photos, files, errors = [], [], []
    for media in msg.media[: settings.ADUAN_MAX_PHOTOS]:
        if media.kind != "photo" and media.size and media.size > attachment_limit(media.kind):
            errors.append(f"{media.kind} of {media.size} bytes is over the limit")
            continue
        for attempt in range(DOWNLOAD_ATTEMPTS):
            try:
                data = sender.download(account, media)
                if media.kind == "photo":
                    photos.append(data)
                else:
                    files.append(Downloaded(media, data))
                break
            except Retryable as exc:
                if attempt == DOWNLOAD_ATTEMPTS - 1:
                    errors.append(str(exc))
                else:
                    time.sleep(0.5 * 2 ** attempt)
            except ProviderError as exc:
                errors.append(str(exc))
                break
    return photos, files, "; ".join(errors)


@task(queue_name="intake")
def process_inbound(event_id: int) -> None:
    """The job: one stored webhook event becomes complaint changes (and the
    acknowledgement). Takes the event's id; idempotent."""
    process(event_id)


def process(event_id: int) -> None:
    event = InboundEvent.objects.select_related("account").filter(pk=event_id).first()
    if event is None or event.processed_at is not None:
        return
    msg = find_message(event)
    photos, files, error = (download_media(event.account, msg, event) if msg and msg.media
                            else ([], [], ""))
    account = event.account
    if (msg is not None and not error and not has_attachments(msg)
            and not loop.maybe(msg.action, msg.text) and opens_complaint(msg, photos)
            and firstmessage.applies(account, msg)):
        try:
            if firstmessage.open_first(event_id, account, msg, incoming(account, msg, photos)):
                return
        except firstmessage.AlreadyProcessed:
            return
    with writing():  # SQLite: threads of one process queue for the writer here
        # Lock the event row only: the channel account is shared by every event, and
        # locking it too (select_related) made all workers wait for each other.
        event = InboundEvent.objects.select_for_update().get(pk=event_id)
        if event.processed_at is not None:
            return
        event.account = account
        complaint = None
        if msg is None:
            error = "message not found in stored body"
        else:
            token = CURRENT.set(msg)
            try:
                if msg.press_id:  # first: the spinner on the citizen's button stops soon
                    answer_press(event.account, msg)
                complaint = handle(event.account, msg, photos, files)
            finally:
                CURRENT.reset(token)
        event.processed_at = timezone.now()
        event.complaint = complaint
        event.error = error[:2000]
        event.save(update_fields=["processed_at", "complaint", "error"])


def handle(account: ChannelAccount, msg: ChatMessage, photos: list[bytes],
           files: list[Downloaded] = ()) -> Complaint | None:
    handled, acted_on = citizen_link.handle(account, msg)
    if handled:  # a citizen's code from a tracking page: joins that complaint, opens none
        return acted_on
    handled, acted_on = commands.handle(account, msg, photos)
    if handled:  # a link code, or a linked official's command: never a citizen complaint
        return acted_on
    channel = account.kind
    # One message at a time per reporter: two workers must not open two complaints.
    firstmessage.reporter_lock(channel, msg.sender[:200])
    reporter, _ = Reporter.objects.get_or_create(channel=channel, handle=msg.sender[:200])
    reporter = Reporter.objects.select_for_update().get(pk=reporter.pk)
    _update_reporter(reporter, msg)
    if reporter.verified_phone:  # and per citizen: the same number on another chat
        firstmessage.reporter_lock(channel, reporter.handle, reporter.verified_phone)
    complaint = open_for(reporter, channel)
    if complaint is not None:  # perhaps opened on another channel with the same number
        complaint = take_over(complaint, reporter, account.pk)
    text = msg.text.strip()
    latest = complaint or _latest_closed(reporter)
    choice = loop.parse(msg.action, text, latest.status if latest else None)
    if choice is not None:
        return _choose(account, reporter, msg, choice, complaint, latest)
    if complaint is None:
        if msg.reaction:  # to our welcome or a closed complaint's message: kept on the event
            return None
        if has_attachments(msg) and not text and not photos and msg.lat is None:
            # A voice note, video, document or sticker alone: kept until the complaint
            # opens (attachments.receivers), and a kind ask for words and a place.
            _save_files(None, reporter, files, account, msg)
            queue_text(account, None, f"describe:{account.pk}:{msg.provider_id}", msg.sender,
                       describe_text())
            return None
        if not opens_complaint(msg, photos):
            queue_text(account, None, f"welcome:{account.pk}:{msg.provider_id}", msg.sender,
                       welcome_text())
            return None
        complaint = open_complaint(incoming(account, msg, photos))
        _save_files(complaint, reporter, files, account, msg)
        if msg.comment_id:
            _public_reply(account, complaint, msg.comment_id)
        return complaint
    photo_ids = _save_photos(complaint, photos)
    file_ids = _save_files(complaint, reporter, files, account, msg)
    if msg.reaction or (not text and not photo_ids and _only_stickers(msg)):
        # Recorded for staff, not answered, no clock restarted.
        actions.record(complaint, "citizen_reaction", "Pelapor", note=msg.reaction,
                       data={"channel": channel, "attachments": file_ids})
        return complaint
    if complaint.status == Status.RESOLVED and text and NOT_FIXED.search(text):
        complaint = actions.reopen(complaint, text, by=_citizen(account, msg))
        if photo_ids or file_ids:
            actions.add_citizen_message(complaint, "", photo_ids,
                                        data={"attachments": file_ids} if file_ids else None)
    elif complaint.status == Status.RESOLVED and text and CONFIRMED.match(text) and not photos:
        complaint = actions.confirm(complaint, by=_citizen(account, msg))
    else:
        data = {"channel": channel}
        if file_ids:
            data["attachments"] = file_ids
        if msg.lat is not None:
            data.update(lat=msg.lat, lng=msg.lng)
        complaint = actions.add_citizen_message(
            complaint, text or _placeholder(photos, msg), photo_ids, data=data)
    if msg.lat is not None:
        _set_location(complaint, msg.lat, msg.lng)
    return complaint


def opens_complaint(msg: ChatMessage, photos: list[bytes]) -> bool:
    """Content worth a complaint: not empty, not a bare greeting (those get a welcome)."""
    text = msg.text.strip()
    if not (text or photos or msg.lat is not None):
        return False
    return not (GREETING.match(text) and not photos)


def incoming(account: ChannelAccount, msg: ChatMessage, photos: list[bytes]) -> IncomingMessage:
    return IncomingMessage(
        channel=account.kind, text=msg.text.strip() or _placeholder(photos, msg),
        handle=msg.sender[:200], name=msg.name, phone=msg.phone, email=msg.email,
        verified_phone=msg.verified_phone, lat=msg.lat, lng=msg.lng,
        channel_account_id=account.pk, received_at=timezone.now(), photos=photos,
        data={"provider_id": msg.provider_id})


def _public_reply(account: ChannelAccount, complaint: Complaint, comment_id: str) -> None:
    """A complaint made in a public comment gets a short public answer under it (the
    channel's `send.public_reply` composes it)."""
    queue(account, complaint, f"public-reply:{account.pk}:{comment_id}", comment_id,
          CHANNELS[account.kind].send.public_reply(comment_id))


def _citizen(account: ChannelAccount, msg: ChatMessage) -> actions.Citizen:
    """A message the provider vouched for, from the chat the complaint came from."""
    return actions.Citizen(account.kind, msg.sender[:200])


def _latest_closed(reporter: Reporter) -> Complaint | None:
    """A complaint the citizen confirmed lately and has not rated yet (for "1".."5")."""
    since = timezone.now() - timedelta(days=14)
    return (Complaint.objects.filter(reporter=reporter, status=Status.CLOSED,
                                     rating__isnull=True, closed_at__gte=since)
            .order_by("-closed_at").first())


def _choose(account: ChannelAccount, reporter: Reporter, msg: ChatMessage, choice: loop.Choice,
            complaint: Complaint | None, latest: Complaint | None) -> Complaint | None:
    """A button or its typed fallback: the same named action as the web tracking page."""
    key = f"loop:{account.pk}:{msg.provider_id}"
    if choice.verb == "status":
        shown = complaint or latest or reporter.complaints.order_by("-created_at").first()
        queue_text(account, shown, key, msg.sender, loop.status_text(shown))
        return complaint
    target = latest
    if choice.ref:  # a button names its complaint; only the reporter's own is found
        target = Complaint.objects.filter(ref=choice.ref, reporter=reporter).first()
    if target is None:
        queue_text(account, None, key, msg.sender, loop.status_text(None))
        return None
    by = _citizen(account, msg)
    try:
        if choice.verb == "confirm":
            target = actions.confirm(target, by=by)  # the rating question follows the event
        elif choice.verb == "reopen":
            target = actions.reopen(target, msg.text.strip() or "Belum beres", by=by)
        else:
            target = actions.rate(target, choice.stars, by=by)
            queue_text(account, target, key, msg.sender,
                       f"Terima kasih atas penilaian Anda ({choice.stars} dari 5) untuk aduan "
                       f"{target.ref}.")
    except actions.ActionError as exc:
        queue_text(account, target, key, msg.sender, f"{exc}\n{loop.status_text(target)}")
    return target


def has_attachments(msg: ChatMessage) -> bool:
    return any(m.kind != "photo" for m in msg.media)


def _only_stickers(msg: ChatMessage) -> bool:
    return bool(msg.media) and all(m.kind == "sticker" for m in msg.media)


def describe_text() -> str:
    """The answer to a first message with no words (a voice note, a video, a sticker)."""
    return ("Terima kasih, pesan Anda sudah kami terima. Agar bisa segera ditangani, mohon "
            "tuliskan juga secara singkat apa masalahnya dan di mana lokasinya (nama jalan, "
            "RT/RW, kelurahan), atau kirim lokasi lewat fitur Lokasi.")


def welcome_text() -> str:
    return ("Halo! Ini layanan pengaduan Pemerintah Kota. Tuliskan aduan Anda: apa masalahnya "
            "dan di mana (kelurahan, RT/RW, nama jalan). Foto dan lokasi sangat membantu.")


PLACEHOLDERS = {"voice": "(pesan suara dari pelapor)", "audio": "(audio dari pelapor)",
                "video": "(video dari pelapor)", "document": "(dokumen dari pelapor)",
                "sticker": "(stiker dari pelapor)"}


def _placeholder(photos: list[bytes], msg: ChatMessage) -> str:
    kinds = [m.kind for m in msg.media if m.kind in PLACEHOLDERS]
    if kinds and not photos:
        return PLACEHOLDERS[kinds[0]]
    if photos or msg.media:
        return "(foto dari pelapor)"
    if msg.lat is not None:
        return f"(lokasi dari pelapor: {msg.lat:.6f}, {msg.lng:.6f})"
    return "(pesan tanpa teks)"


def _update_reporter(reporter: Reporter, msg: ChatMessage) -> None:
    changed = reporter.learn({"name": msg.name or msg.username, "phone": msg.phone,
                              "email": msg.email})
    verified = identity.e164(msg.verified_phone)
    if verified and verified != reporter.verified_phone:  # what the channel proves now
        reporter.verified_phone = verified
        changed.append("verified_phone")
    if changed:
        reporter.save(update_fields=changed)


def _save_photos(complaint: Complaint, photos: list[bytes]) -> list[int]:
    from aduan.evidence.store import ImageRejected, save_photo

    ids = []
    for data in photos:
        try:
            ids.append(save_photo(data, complaint=complaint, tag="before", by_citizen=True).pk)
        except ImageRejected as exc:
            logger.info("photo from citizen rejected: %s", exc)
    return ids


def _save_files(complaint: Complaint | None, reporter: Reporter, files: list[Downloaded],
               account: ChannelAccount, msg: ChatMessage) -> list[int]:
    ids = []
    for item in files:
        try:
            ids.append(save_attachment(
                item.data, kind=item.media.kind, mime_type=item.media.mime_type,
                name=item.media.name, complaint=complaint, reporter=reporter,
                channel=account.kind, provider_id=msg.provider_id).pk)
        except AttachmentRejected as exc:
            logger.info("attachment from citizen not kept: %s", exc)
    return ids


def _set_location(complaint: Complaint, lat: float, lng: float) -> None:
    """A location message places the complaint (not a status change, so no action)."""
    from aduan.regions.loader import kelurahan_at

    fields = {"lat": lat, "lng": lng}
    if complaint.region_id is None:
        region = kelurahan_at(lat, lng)
        if region is not None:
            fields["region"] = region
    Complaint.objects.filter(pk=complaint.pk).update(**fields)
