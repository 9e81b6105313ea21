"""Store verified provider events with their processing jobs, in one transaction.

The unique key (account, provider id) makes repeated and concurrent deliveries of one
message store one event and queue one job. Delivery statuses are applied at once (a
single UPDATE on the outbox) and not stored.
"""

import logging
import threading
from contextlib import nullcontext
from contextvars import ContextVar

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .models import ChannelAccount, InboundEvent, OutboxMessage
from .types import ChatMessage, DeliveryStatus, Parsed

logger = logging.getLogger("aduan.channels")

# The message being processed right now, so replies composed inside the same transaction
# (the acknowledgement) can follow provider rules, e.g. Instagram's private reply.
CURRENT: ContextVar[ChatMessage | None] = ContextVar("aduan_inbound", default=None)

DELIVERY_RANK = {"sent": 1, "delivered": 2, "read": 3}

# SQLite has one writer; threads of one process queue here instead of in SQLite's busy
# handler, whose sleeps (up to 100 ms) would dominate webhook latency.
_SQLITE_WRITER = threading.Lock()


def account_for(kind: str, account_id: str, *, create: bool = False) -> ChannelAccount | None:
    """The account a payload names. A signed Meta payload for an account we have not
    registered yet is ours by definition (signed with our app secret): register it
    without a token so nothing is lost; replies park until staff add the token."""
    account = ChannelAccount.objects.filter(kind=kind, account_id=account_id).first()
    if account is None and create:
        account, _ = ChannelAccount.objects.get_or_create(
            kind=kind, account_id=account_id,
            defaults={"name": f"{kind} {account_id} (otomatis)", "settings": {"auto": True}})
    return account


def store(kind: str, body: str, parsed: Parsed, account: ChannelAccount | None = None,
          *, create_accounts: bool = False) -> int:
    """Store each new message and queue its job; apply statuses. Returns how many are new."""
    from .tasks import process_inbound

    new = 0
    now = timezone.now()
    writer = _SQLITE_WRITER if connection.vendor == "sqlite" else nullcontext()
    with writer, transaction.atomic():
        accounts: dict[str, ChannelAccount | None] = {}
        for msg in parsed.messages:
            acct = account
            if acct is None:
                if msg.account_id not in accounts:
                    accounts[msg.account_id] = account_for(kind, msg.account_id,
                                                           create=create_accounts)
                acct = accounts[msg.account_id]
            if acct is None or not acct.is_active:
                logger.info("%s event for unknown or inactive account ignored", kind)
                continue
            try:
                with transaction.atomic():
                    event = InboundEvent.objects.create(
                        account=acct, provider_id=msg.provider_id[:300],
                        kind="comment" if msg.comment_id else "message",
                        sender=msg.sender[:200], body=body, received_at=now)
            except IntegrityError:
                continue  # delivered before: nothing changes
            process_inbound.enqueue(event.pk)
            new += 1
        for status in parsed.statuses:
            apply_status(kind, status)
    return new


def apply_status(kind: str, status: DeliveryStatus) -> None:
    rows = OutboxMessage.objects.filter(account__kind=kind,
                                        provider_message_id=status.provider_message_id)
    if status.status == "failed":
        rows.exclude(status=OutboxMessage.Status.FAILED).update(
            status=OutboxMessage.Status.FAILED, delivery_status="failed",
            last_error=status.error[:1000] or "provider reported failed")
        return
    rank = DELIVERY_RANK.get(status.status)
    if rank is None:
        return
    lower = [s for s, r in DELIVERY_RANK.items() if r < rank] + [""]
    rows.filter(delivery_status__in=lower).update(delivery_status=status.status)
