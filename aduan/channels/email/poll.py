"""Poll every active e-mail account's IMAP mailbox (a periodic job of `aduan worker`).

Each unseen message is stored as an InboundEvent (key: Message-ID) with its job in one
transaction, then flagged \\Seen; a crash in between only means the next poll finds it
again and the unique key ignores it.
"""

import imaplib
import logging
from urllib.parse import unquote, urlparse

from ..inbound import store
from ..models import ChannelAccount
from ..types import Malformed
from .parse import parse_bytes

logger = logging.getLogger("aduan.channels")
BATCH = 50


def poll_all() -> int:
    total = 0
    for account in ChannelAccount.objects.filter(kind="email", is_active=True):
        try:
            total += poll(account)
        except (OSError, imaplib.IMAP4.error) as exc:
            logger.warning("e-mail account %s: %s", account.pk, exc.__class__.__name__)
    return total


def poll(account: ChannelAccount) -> int:
    url = urlparse(account.token)
    cls = imaplib.IMAP4_SSL if url.scheme == "imaps" else imaplib.IMAP4
    imap = cls(url.hostname, url.port or (993 if url.scheme == "imaps" else 143), timeout=30)
    new = 0
    try:
        imap.login(unquote(url.username or ""), unquote(url.password or ""))
        imap.select(url.path.strip("/") or "INBOX")
        _, data = imap.uid("SEARCH", None, "UNSEEN")
        for uid in (data[0] or b"").split()[:BATCH]:
            _, parts = imap.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((p[1] for p in parts if isinstance(p, tuple)), None)
            if raw is None:
                continue
            try:
                parsed, _ = parse_bytes(account.account_id, raw)
                new += store("email", raw.decode("utf-8", "surrogateescape"), parsed,
                             account=account)
            except Malformed as exc:
                logger.info("e-mail %s skipped: %s", uid, exc)
            imap.uid("STORE", uid, "+FLAGS", "(\\Seen)")
    finally:
        try:
            imap.logout()
        except (OSError, imaplib.IMAP4.error):
            pass
    return new
