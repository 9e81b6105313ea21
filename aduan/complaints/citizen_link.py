"""A web or e-mail complaint joins the citizen's chat, proven by a one-time code.

The tracking page (reached only with the complaint's private link) shows a code while the
complaint is open and its reporter is not on a chat yet. Sent from WhatsApp or Telegram
(`HUBUNGKAN <code>`, `/start <code>`: channels/citizen_link.py), it proves that the chat's
owner holds the private link, so that chat becomes the complaint's conversation: the
complaint's reporter is the chat's reporter and its account the one written to, which is
what the outbox reads for every later update. When the channel also proved the sender's
phone number (a WhatsApp wa_id, a Telegram contact of their own), the web reporter gets
that verified number too, so identity.same_citizen joins them. A number typed in the
form still proves nothing.

Code rules (as the officials' codes of channels/officials/linking.py): LENGTH characters
from an alphabet without look-alikes (32**10, about 1.1e15 values; longer than the
officials' 8, so the two never mistake each other), valid CODE_TTL, one use, only its
SHA-256 hash stored; a new code for the complaint replaces the old one; a sender gets
MAX_FAILURES wrong tries per hour. The page shows the same code again on a reload (it is
derived from a stored salt and SECRET_KEY), so a browser that reloads the tab while the
citizen is in the chat app does not invalidate the code they are about to send.

This lives in the complaints app because the code belongs to a complaint and what it
changes, the complaint's reporter and the reporter's verified phone, is the identity rule
of identity.py; the channels layer only recognises the message and answers it.
"""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from aduan.guard import tries

from . import actions, identity
from .models import CitizenLinkCode, Complaint, Reporter

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 10
CODE_TTL = timedelta(hours=24)
FRESH_FOR = timedelta(hours=1)  # a code with less time left is replaced when shown again
MAX_FAILURES = 5
# Reporters no chat update reaches: a web form (no handle), an e-mail address.
NOT_CHATS = frozenset({"web", "email"})


def _hash(code: str) -> str:
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def normalise(code: str) -> str:
    """The code as stored: upper case, without the spaces and dashes people type."""
    return "".join(ch for ch in (code or "").upper() if ch not in " -\t")


def _derive(salt: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"citizen-link:{salt}".encode(),
                      hashlib.sha256).digest()
    return "".join(ALPHABET[b % len(ALPHABET)] for b in digest[:LENGTH])  # 256 % 32 == 0


def offered(complaint: Complaint) -> bool:
    """Whether the tracking page offers a code: the complaint is open and its reporter is
    known (never an anonymous complaint: linking would name a chat), not on a chat yet and
    without a verified number."""
    reporter = complaint.reporter if complaint.reporter_id else None
    return (complaint.is_open and reporter is not None and reporter.channel in NOT_CHATS
            and not reporter.verified_phone)


def current_code(complaint: Complaint) -> tuple[str, datetime]:
    """The complaint's valid code and when it expires: the one shown before while it has
    FRESH_FOR left, else a new one."""
    now = timezone.now()
    row = (CitizenLinkCode.objects.filter(complaint=complaint, used_at__isnull=True,
                                          expires_at__gt=now + FRESH_FOR)
           .order_by("-created_at").first())
    if row is not None:
        code = _derive(row.salt)
        if hmac.compare_digest(_hash(code), row.code_hash):  # unless SECRET_KEY changed
            return code, row.expires_at
    return new_code(complaint)


def new_code(complaint: Complaint) -> tuple[str, datetime]:
    """A fresh code for the complaint; its earlier unused codes stop working."""
    from aduan.writelock import writing

    salt = secrets.token_hex(16)
    code = _derive(salt)
    now = timezone.now()
    with writing():
        CitizenLinkCode.objects.filter(complaint=complaint, used_at__isnull=True).delete()
        row = CitizenLinkCode.objects.create(complaint=complaint, code_hash=_hash(code),
                                             salt=salt, created_at=now,
                                             expires_at=now + CODE_TTL)
    return code, row.expires_at


TRIES = "citizen-link-failures"  # guard/tries.py scope


@transaction.atomic
def redeem(code: str, sender: str) -> tuple[Complaint | None, str]:
    """Use a code sent by `sender` (the channel kind and chat, e.g. "telegram:1111").
    Returns (complaint, "") or (None, reason), reason one of "blocked", "wrong",
    "expired" (these count as wrong tries) or "closed" (the complaint is no longer open
    or already on a chat). The caller then calls `join`."""
    if tries.blocked(TRIES, sender, MAX_FAILURES):
        return None, "blocked"
    row = (CitizenLinkCode.objects.select_for_update()
           .filter(code_hash=_hash(code)).first()) if len(normalise(code)) == LENGTH else None
    if row is None or row.used_at is not None:
        tries.failed(TRIES, sender)
        return None, "wrong"
    now = timezone.now()
    if row.expires_at <= now:
        tries.failed(TRIES, sender)
        return None, "expired"
    complaint = Complaint.objects.select_related("reporter").get(pk=row.complaint_id)
    if not offered(complaint):
        return None, "closed"
    row.used_at = now
    row.save(update_fields=["used_at"])
    return complaint, ""


def join(complaint: Complaint, reporter: Reporter, channel_account_id: int | None,
         phone: str = "") -> Complaint:
    """Make the chat of `reporter` the complaint's conversation (the outbox sends the
    complaint's updates to its reporter on its account) and, when the channel proved
    `phone`, give the web reporter that verified number. The contact typed in the form
    (name, phone, e-mail) is kept for staff on the chat's reporter where it has none.
    Recorded as a non-public `reporter_moved` event without the number."""
    phone = identity.e164(phone)
    before = complaint.reporter
    if phone:
        Reporter.objects.filter(pk=before.pk).update(verified_phone=phone)
        before.verified_phone = phone
    changed = reporter.learn({"name": before.name, "phone": before.phone,
                              "email": before.email})
    if phone and reporter.verified_phone != phone:
        reporter.verified_phone = phone
        changed.append("verified_phone")
    if changed:
        reporter.save(update_fields=changed)
    Complaint.objects.filter(pk=complaint.pk).update(reporter=reporter,
                                                     channel_account_id=channel_account_id)
    complaint.reporter, complaint.channel_account_id = reporter, channel_account_id
    actions.record(complaint, "reporter_moved", None, public=False,
                   note=f"Pelapor menyambungkan aduan ini ke percakapan {reporter.channel} "
                        "dengan kode dari halaman pantau"
                        + (" (nomor terverifikasi kanal)." if phone else
                           " (kanal tidak membuktikan nomor telepon)."),
                   data={"from": before.channel, "to": reporter.channel,
                         "account": channel_account_id, "by_code": True,
                         "verified": bool(phone)})
    return complaint
