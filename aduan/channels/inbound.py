"""Store verified provider events with their processing jobs, in one transaction.

The unique key (account, provider id) makes repeated and concurrent deliveries of one
message store one event and queue one job. Delivery statuses are applied at once (a
single UPDATE on the outbox) and not stored.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from aduan.complaints import lookups
from aduan.guard import limits, refusals
from aduan.writelock import writing

from .models import ChannelAccount, InboundEvent, OutboxMessage
from .outbox import after_failed_status
from .processing import process_inbound
from .types import DeliveryStatus, Malformed, Parsed

logger = logging.getLogger("aduan.channels")

DELIVERY_RANK = {"sent": 1, "delivered": 2, "read": 3}


def account_for(kind: str, account_id: str) -> ChannelAccount | None:
    """The registered account a payload names. Accounts are registered by staff
    (`aduan channels add`), never by a payload: an unknown id is refused and recorded."""
    if limits.id_problem(account_id):
        return None
    # Read once per process, not per webhook (dropped when an account is saved; see lookups).
    return lookups.memo(("channel-account", kind, account_id), lambda: ChannelAccount.objects
                        .filter(kind=kind, account_id=account_id).first())


for _signal in (post_save, post_delete):
    _signal.connect(lookups.forget, sender=ChannelAccount, weak=False,
                    dispatch_uid=f"inbound-accounts-{_signal is post_save}")


def refuse_event(kind: str, parsed: Parsed) -> None:
    """A whole delivery we do not store (400): raise Malformed, after recording why."""
    if len(parsed.messages) > settings.ADUAN_MAX_MESSAGES_PER_EVENT:
        refusals.record(kind, "too_many_messages")
        raise Malformed(f"more than {settings.ADUAN_MAX_MESSAGES_PER_EVENT} messages in one event")
    for msg in parsed.messages:  # text a database cannot take: the body is bad, not a message
        reason = limits.message_problem(msg)
        if reason and reason.startswith("unstorable"):
            refusals.record(kind, reason)
            raise Malformed("text no database can store (e.g. a lone surrogate or NUL)")


def _over_hourly_limit(account: ChannelAccount, sender: str, now) -> bool:
    """One index range (account, sender, received_at), in plain SQL: on every stored
    message, building the ORM query cost more than running it."""
    table = connection.ops.quote_name(InboundEvent._meta.db_table)
    since = connection.ops.adapt_datetimefield_value(now - timedelta(hours=1))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE account_id = %s AND sender = %s "
                       "AND received_at >= %s", [account.pk, sender[:200], since])
        (count,) = cursor.fetchone()
    return count >= settings.ADUAN_MAX_MESSAGES_PER_SENDER_HOUR


def store(kind: str, body: str, parsed: Parsed, account: ChannelAccount | None = None) -> int:
    """Store each new message and queue its job; apply statuses. Returns how many are new.

    Refused, recorded and not stored (guard.limits): a delivery with too many messages or
    unstorable text (Malformed: the caller answers 400); a message whose ids, text or
    place break a limit, for an unknown account, or past its sender's hourly limit (the
    rest of the delivery is stored and answered 200)."""
    if not limits.storable(body):
        refusals.record(kind, "unstorable_text")
        raise Malformed("the body holds text no database can store")
    refuse_event(kind, parsed)

    new = 0
    now = timezone.now()
    accounts = {msg.account_id: account_for(kind, msg.account_id)  # read before writing
                for msg in parsed.messages if account is None}
    with writing():
        for msg in parsed.messages:
            acct = account if account is not None else accounts[msg.account_id]
            if acct is None or not acct.is_active:
                refusals.record(kind, "unknown_account")
                continue
            reason = limits.message_problem(msg)
            if reason:
                refusals.record(kind, reason)
                continue
            if _over_hourly_limit(acct, msg.sender, now):
                refusals.record(kind, "sender_hourly_limit")
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
        ids = list(rows.exclude(status=OutboxMessage.Status.FAILED).values_list("pk", flat=True))
        rows.filter(pk__in=ids).update(
            status=OutboxMessage.Status.FAILED, delivery_status="failed",
            last_error=status.error[:1000] or "provider reported failed")
        if ids:  # the same error table as a refused send (retry, template, stop, fix)
            after_failed_status(ids, kind, status)
        return
    rank = DELIVERY_RANK.get(status.status)
    if rank is None:
        return
    lower = [s for s, r in DELIVERY_RANK.items() if r < rank] + [""]
    rows.filter(delivery_status__in=lower).update(delivery_status=status.status)
