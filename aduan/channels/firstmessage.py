"""The common case of an inbound event, a citizen's first message, without holding a
write transaction while the complaint is computed.

`complaints.intake.open_complaint` decides everything first (triage, place, duplicates,
owner) and then writes in one short transaction. Run inside the event's transaction (the
general path of `processing.process`), that computing would hold SQLite's single writer
(and the webhook with it). Here it runs outside, and exactly-once is kept inside the
complaint's own write transaction: the first timeline event recorded while handling the
inbound event marks it processed with a conditional UPDATE. If another run got there
first, the UPDATE changes nothing and the write is rolled back. If the reporter got an
open complaint meanwhile (two messages at once), it is rolled back too and the general
path threads the message onto that complaint.
"""

import hashlib
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone

from aduan.complaints import identity
from aduan.complaints.intake import IncomingMessage, open_complaint, open_for
from aduan.complaints.models import Complaint, Event, Reporter
from aduan.complaints.signals import event_recorded

from . import citizen_link
from .current import CURRENT
from .models import ChannelAccount, InboundEvent
from .officials import KINDS, commands, linking
from .types import ChatMessage


class AlreadyProcessed(Exception):
    """Another run of this event's job made its complaint first."""


class ReporterBusy(Exception):
    """The reporter has an open complaint by now: this message joins it instead."""


@dataclass
class Pending:
    event_id: int
    channel: str
    handle: str
    marked: bool = False


PENDING: ContextVar[Pending | None] = ContextVar("aduan_pending_event", default=None)


def reporter_lock(channel: str, handle: str, phone: str = "") -> None:
    """PostgreSQL: one transaction at a time per reporter (until commit), and per verified
    phone number (the same citizen on two chats; taken second, so never in a cycle).
    SQLite's write transactions are one at a time anyway."""
    if phone:
        reporter_lock(channel, handle)
        channel, handle = "phone", phone
    if connection.vendor == "postgresql":
        key = int.from_bytes(hashlib.blake2b(f"{channel}:{handle}".encode(),
                                             digest_size=8).digest(), "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def applies(account: ChannelAccount, msg: ChatMessage) -> bool:
    """Not a comment (those get a public reply too), not a citizen's link code
    (citizen_link.py), not an official's command or link code, and the reporter has no
    open complaint yet. The caller checked the content."""
    if msg.comment_id or citizen_link.parse(msg.text):
        return False
    if account.kind in KINDS:
        command = commands.parse(msg.text)
        if command is not None and command.verb in ("link", "start"):
            return False
        if linking.linked_user(account.kind, msg.sender) is not None:
            return False
    reporter = Reporter.objects.filter(channel=account.kind, handle=msg.sender[:200]).first()
    return open_for(reporter, account.kind, msg.verified_phone) is None


def open_first(event_id: int, account: ChannelAccount, msg: ChatMessage,
               incoming: IncomingMessage) -> Complaint | None:
    """The complaint, or None when the general path must handle the event (the reporter
    has an open complaint by now). Raises AlreadyProcessed for a repeated run."""
    pending = Pending(event_id, account.kind, msg.sender[:200])
    tokens = PENDING.set(pending), CURRENT.set(msg)
    try:
        complaint = open_complaint(incoming)
    except ReporterBusy:
        return None
    finally:
        PENDING.reset(tokens[0])
        CURRENT.reset(tokens[1])
    if not pending.marked:  # open_complaint always records `received`; guard the contract
        raise RuntimeError("first message written without a timeline event")
    return complaint


@receiver(event_recorded, dispatch_uid="aduan.channels.firstmessage")
def mark_processed(sender, event: Event, **kwargs) -> None:
    pending = PENDING.get()
    if pending is None or pending.marked:
        return
    reporter = event.complaint.reporter if event.complaint.reporter_id else None
    phone = reporter.verified_phone if reporter is not None else ""
    reporter_lock(pending.channel, pending.handle, phone)
    # This chat's reporter, or the same citizen on another chat (ids first: identity.py)
    citizen = identity.same_citizen(phone=phone, also=Q(channel=pending.channel,
                                                         handle=pending.handle))
    earlier = Complaint.objects.open().filter(
        reporter_id__in=citizen).exclude(pk=event.complaint_id)
    if earlier.exists():
        raise ReporterBusy
    done = InboundEvent.objects.filter(pk=pending.event_id, processed_at__isnull=True).update(
        processed_at=timezone.now(), complaint_id=event.complaint_id, error="")
    if not done:
        raise AlreadyProcessed
    pending.marked = True
