"""Poll every active e-mail account's IMAP mailbox (a periodic job of `aduan worker`).

Each unseen message is stored as an InboundEvent (key: Message-ID) with its job in one
transaction, then flagged \\Seen; a crash in between only means the next poll finds it
again and the unique key ignores it.
"""

import imaplib
import logging
from email import policy
from email.parser import BytesParser
from urllib.parse import unquote, urlparse

from aduan.guard import refusals

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
            new += take(account, raw)
            imap.uid("STORE", uid, "+FLAGS", "(\\Seen)")
    finally:
        try:
            imap.logout()
        except (OSError, imaplib.IMAP4.error):
            pass
    return new


def take(account: ChannelAccount, raw: bytes) -> int:
    """Store one message from the mailbox; a malformed one is skipped and counted."""
    raw = storable(raw)
    try:
        parsed, _ = parse_bytes(account.account_id, raw)
    except Malformed as exc:
        logger.info("e-mail skipped: %s", exc)
        refusals.record("email", "malformed")
        return 0
    try:
        return store("email", raw.decode("utf-8", "surrogateescape"), parsed, account=account)
    except Malformed as exc:  # over a limit: store recorded why
        logger.info("e-mail skipped: %s", exc)
        return 0


def storable(raw: bytes) -> bytes:
    """The stored body is text, and databases take UTF-8 only: a legacy 8-bit message
    (e.g. Latin-1) is re-encoded as 7-bit MIME, which parses back to the same content;
    bytes that still are not UTF-8 (8-bit text without a charset) become U+FFFD."""
    try:
        raw.decode("utf-8")
        return raw
    except UnicodeDecodeError:
        pass
    try:
        raw = BytesParser(policy=policy.default).parsebytes(raw).as_bytes(
            policy=policy.default.clone(cte_type="7bit"))
    except Exception:  # noqa: BLE001 - unparseable: parse_bytes reports it as Malformed
        pass
    return raw.decode("utf-8", "replace").encode("utf-8")
