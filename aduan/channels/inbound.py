"""Store verified provider events with their processing jobs, in one transaction.

The unique key (account, provider id) makes repeated and concurrent deliveries of one
message store one event and queue one job. Delivery statuses are applied at once (a
single UPDATE on the outbox) and not stored. Events are written by `eventrows`, together
with those of other deliveries arriving at the same moment: a 2xx follows their commit.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.module_loading import import_string

from aduan.complaints import lookups
from aduan.guard import limits, refusals
from aduan.writelock import writing

from . import eventrows
from .models import ChannelAccount, OutboxMessage
from .outbox import after_failed_status
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

    now = timezone.now()
    rows, refused = [], []
    for msg in parsed.messages:
        acct = account if account is not None else account_for(kind, msg.account_id)
        reason = ("unknown_account" if acct is None or not acct.is_active
                  else limits.message_problem(msg))
        if reason:
            refused.append(reason)
            continue
        rows.append(eventrows.EventRow(
            acct.pk, msg.provider_id[:300], "comment" if msg.comment_id else "message",
            msg.sender[:200], body, now))
    outcome = eventrows.add(rows)  # committed with rows other deliveries wrote meanwhile
    refused += [what for what in outcome if what == eventrows.LIMIT]
    if parsed.account_jobs:  # news about our own account: its jobs, stored before the 2xx
        with writing(), transaction.atomic():
            for path in dict.fromkeys(parsed.account_jobs):
                import_string(path).enqueue()
    if refused or parsed.statuses:
        with writing():
            for reason in refused:
                refusals.record(kind, reason)
            for status in parsed.statuses:
                apply_status(kind, status)
    return outcome.count(eventrows.NEW)


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
