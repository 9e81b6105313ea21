"""A citizen's link code arriving in a chat: `HUBUNGKAN <code>` (the text the tracking
page prefills) or `/start <code>` (a bot's deep link, `t.me/<bot>?start=<code>`).

The tracking page of a web or e-mail complaint shows the code (complaints/citizen_link.py
holds the rules and the change). Here the message is recognised, the code redeemed and
the answer queued, for any channel: it works on the typed ChatMessage only. Recognised
before the officials' commands and before a first message may open a complaint, so a
code message never opens one. Only the exact shapes count: a sentence such as
"hubungkan saya dengan petugas" is a citizen's message as before, and an official's
8-character `/start` code is not ours (citizen codes are longer).

A chat whose channel proved the sender's number (WhatsApp, a Telegram contact of their
own) also gives the web reporter that verified number (identity.same_citizen joins
them); a chat that proved none (Telegram without a shared contact) still becomes the
complaint's conversation, without a number, and the reply is the same: updates reach
the chat either way, and we do not ask for a number that the link does not need.

Neither the code nor the number is logged.
"""

import logging
import re

from aduan.complaints import citizen_link
from aduan.complaints.models import Complaint, Reporter

from .models import ChannelAccount
from .outbox import queue_text
from .types import ChatMessage

logger = logging.getLogger("aduan.channels")

MESSAGE = re.compile(r"^\s*(hubungkan|/start(?:@\w+)?)\b[\s:,.-]*(.*?)[\s.!]*$",
                     re.IGNORECASE | re.DOTALL)
MAX_LENGTH = 80
CODE_SHAPE = re.compile(rf"^[A-Z0-9]{{{citizen_link.LENGTH}}}$")

REFUSALS = {
    "wrong": "Mohon maaf, kode tidak dikenal atau sudah dipakai. Buka lagi tautan pantau "
             "aduan Anda untuk melihat kode yang berlaku, lalu kirim lagi.",
    "expired": "Mohon maaf, kode sudah kedaluwarsa. Buka lagi tautan pantau aduan Anda "
               "untuk mendapatkan kode baru, lalu kirim dalam 24 jam.",
    "blocked": "Terlalu banyak kode salah. Silakan coba lagi satu jam lagi.",
    "closed": "Aduan itu tidak perlu disambungkan lagi: aduannya sudah ditutup atau sudah "
              "terhubung dengan sebuah percakapan. Untuk aduan baru, tuliskan saja di sini.",
}


def parse(text: str) -> str:
    """The code in a link message, or "" when the message is not one (a link message is
    short: longer texts are not read with the pattern at all)."""
    if not text or len(text) > MAX_LENGTH:
        return ""
    m = MESSAGE.match(text)
    if not m:
        return ""
    code = citizen_link.normalise(m.group(2))
    return code if CODE_SHAPE.match(code) else ""


def joined_text(complaint: Complaint) -> str:
    return (f"Aduan {complaint.ref} sekarang terhubung dengan percakapan ini; kabar "
            "berikutnya kami kirim di sini.")


def handle(account: ChannelAccount, msg: ChatMessage) -> tuple[bool, Complaint | None]:
    """(False, None) when the message is no link code; else the code is used (or refused
    with a kind answer) and (True, the complaint it joined or None). Runs inside the
    inbound event's transaction."""
    code = parse(msg.text)
    if not code or msg.comment_id:  # a public comment is no private chat
        return False, None
    complaint, reason = citizen_link.redeem(code, f"{account.kind}:{msg.sender}")
    if complaint is None:
        logger.info("citizen link code refused on account %s: %s", account.pk, reason)
        _reply(account, None, msg, REFUSALS[reason])
        return True, None
    reporter, _ = Reporter.objects.get_or_create(channel=account.kind, handle=msg.sender[:200])
    reporter = Reporter.objects.select_for_update().get(pk=reporter.pk)
    changed = reporter.learn({"name": msg.name or msg.username, "phone": msg.phone,
                              "email": msg.email})
    if changed:
        reporter.save(update_fields=changed)
    complaint = citizen_link.join(complaint, reporter, account.pk, msg.verified_phone)
    logger.info("complaint %s joined a chat on account %s", complaint.ref, account.pk)
    _reply(account, complaint, msg, joined_text(complaint))
    return True, complaint


def _reply(account: ChannelAccount, complaint: Complaint | None, msg: ChatMessage,
           text: str) -> None:
    queue_text(account, complaint, f"citizen-link:{account.pk}:{msg.provider_id}", msg.sender,
               text)
