"""One-time link codes: a staff page shows one, the official sends it from the chat.

A code is 8 characters from an alphabet without look-alikes (about 8.5e11 values), lives
CODE_TTL, is stored as a SHA-256 hash, and works once. A sender gets MAX_FAILURES wrong
tries per hour. Linking sets the chat on every position of the user and takes it away
from anyone else's positions (a phone belongs to one person).
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from aduan.complaints import lookups
from aduan.guard import tries
from aduan.org.models import Official

from ..models import ChannelAccount, LinkCode
from . import KINDS, sender_variants

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 8
CODE_TTL = timedelta(minutes=15)
MAX_FAILURES = 5


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


@transaction.atomic
def new_code(user) -> tuple[str, LinkCode]:
    """A fresh code for the user; earlier unused codes stop working."""
    LinkCode.objects.filter(user=user, used_at__isnull=True).delete()
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    now = timezone.now()
    row = LinkCode.objects.create(user=user, code_hash=_hash(code), created_at=now,
                                  expires_at=now + CODE_TTL)
    return code, row


def _tries(kind: str) -> str:
    return f"link-failures:{kind}"  # guard/tries.py scope


@transaction.atomic
def link(account: ChannelAccount, sender: str, code: str) -> tuple[object | None, str]:
    """Use a code sent from `sender` on `account`. Returns (user, "") or (None, reason)
    with reason one of "blocked", "wrong", "expired", "no_position"."""
    if tries.blocked(_tries(account.kind), sender, MAX_FAILURES):
        return None, "blocked"
    now = timezone.now()
    row = (LinkCode.objects.select_for_update().select_related("user")
           .filter(code_hash=_hash(code)).first())
    reason = ""
    if row is None or row.used_at is not None:
        reason = "wrong"
    elif row.expires_at <= now:
        reason = "expired"
    elif not Official.objects.filter(user=row.user, is_active=True).exists():
        reason = "no_position"
    if reason:
        tries.failed(_tries(account.kind), sender)
        return None, reason
    field = KINDS[account.kind]
    Official.objects.filter(**{field: sender}).exclude(user=row.user).update(**{field: ""})
    Official.objects.filter(user=row.user).update(**{field: sender[:40]})
    row.used_at, row.account, row.sender = now, account, sender[:200]
    row.save(update_fields=["used_at", "account", "sender"])
    return row.user, ""


def unlink(user, kind: str) -> int:
    return Official.objects.filter(user=user).update(**{KINDS[kind]: ""})


def linked_chats(kind: str) -> frozenset[str]:
    """Every chat of this kind on an active position, read once per process (dropped when
    a position or a user is saved here, and each minute: complaints/lookups.py), so a
    citizen's message costs no query to tell it from an official's."""
    field = KINDS[kind]
    return lookups.memo(("linked-chats", kind), lambda: frozenset(
        Official.objects.filter(is_active=True).exclude(**{field: ""})
        .values_list(field, flat=True)))


def linked_user(kind: str, sender: str):
    """The user whose active position carries this chat, or None."""
    if kind not in KINDS or not sender:
        return None
    if linked_chats(kind).isdisjoint(sender_variants(kind, sender)):
        return None
    official = (Official.objects.filter(is_active=True,
                                        **{f"{KINDS[kind]}__in": sender_variants(kind, sender)})
                .select_related("user").order_by("pk").first())
    if official is None or not official.user.is_active:
        return None
    return official.user
