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
from django.dispatch import receiver
from django.utils import timezone

from aduan.complaints import identity
from aduan.complaints.intake import IncomingMessage, open_complaint, open_for
from aduan.complaints.models import OPEN, Complaint, Event, Reporter
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
    phone number (the same citizen on two chats; taken second, in a statement of its own,
    so never in a cycle). SQLite's write transactions are one at a time anyway."""
    if connection.vendor != "postgresql":
        return
    names = [f"{channel}:{handle}"] + ([f"phone:{phone}"] if phone else [])
    with connection.cursor() as cursor:
        for name in names:
            key = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big",
                                 signed=True)
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
    handle = msg.sender[:200]
    if _unknown_citizen(account.kind, handle, identity.e164(msg.verified_phone)):
        return True
    reporter = Reporter.objects.filter(channel=account.kind, handle=handle).first()
    return open_for(reporter, account.kind, msg.verified_phone) is None


def _unknown_citizen(channel: str, handle: str, phone: str) -> bool:
    """No reporter on this chat and none with the number the channel proved: then
    `open_for` finds no open complaint, and a first message (the common case) is told by
    one plain lookup of the citizen's reporters (`identity.same_citizen`) instead of two
    ORM queries and a third one built."""
    if not handle:  # web-form reporters have no handle: the general check decides
        return False
    return not identity.same_citizen(phone=phone, chat=(channel, handle))


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
    citizen = identity.same_citizen(phone=phone, chat=(pending.channel, pending.handle))
    if not _mark(pending.event_id, event.complaint_id, citizen):
        # Still unprocessed: the citizen has another open complaint by now, and the general
        # path threads the message onto it (it locks the event first).
        unprocessed = InboundEvent.objects.filter(pk=pending.event_id, processed_at__isnull=True)
        raise ReporterBusy if unprocessed.exists() else AlreadyProcessed
    pending.marked = True


def _mark(event_id: int, complaint_id: int, citizen: list[int]) -> bool:
    """Mark the event processed by this complaint, only while it is unprocessed and none of
    the citizen's reporters has another open complaint: one conditional UPDATE, in plain
    SQL because it runs for every first message."""
    quote = connection.ops.quote_name
    sql = (f"UPDATE {quote(InboundEvent._meta.db_table)} SET processed_at = %s, "
           "complaint_id = %s, error = '' WHERE id = %s AND processed_at IS NULL")
    params = [connection.ops.adapt_datetimefield_value(timezone.now()), complaint_id, event_id]
    if citizen:
        sql += (f" AND NOT EXISTS (SELECT 1 FROM {quote(Complaint._meta.db_table)} "
                f"WHERE status IN ({', '.join(['%s'] * len(OPEN))}) "
                f"AND reporter_id IN ({', '.join(['%s'] * len(citizen))}) AND id <> %s)")
        params += [*OPEN, *citizen, complaint_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount > 0
