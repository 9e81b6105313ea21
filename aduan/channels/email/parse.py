"""An RFC 5322 message from the city's mailbox into a typed message.

Key: the Message-ID header (or a hash of the message when it has none). Sender: the
From address. Text: the plain-text part (HTML stripped when there is none), quoted reply
lines dropped. Photos: image/* attachments.
"""

import hashlib
import html
import re
from email import policy
from email.parser import BytesParser
from email.utils import parseaddr

from ..types import ChatMessage, Malformed, Media, Parsed

MAX_PHOTOS = 5


def parse_bytes(account_id: str, raw: bytes) -> tuple[Parsed, dict[str, bytes]]:
    try:
        msg = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as exc:  # noqa: BLE001 - any parse failure is a malformed message
        raise Malformed(f"e-mail: {exc.__class__.__name__}") from None
    name, address = parseaddr(str(msg.get("From", "")))
    if not address or "@" not in address:
        raise Malformed("e-mail without a From address")
    provider_id = str(msg.get("Message-ID", "")).strip() or (
        "sha256:" + hashlib.sha256(raw).hexdigest())
    body = msg.get_body(preferencelist=("plain", "html"))
    text = ""
    if body is not None:
        text = body.get_content()
        if body.get_content_type() == "text/html":
            text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith(">")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    subject = str(msg.get("Subject", "")).strip()
    photos: dict[str, bytes] = {}
    for i, part in enumerate(msg.iter_attachments()):
        if part.get_content_maintype() == "image" and len(photos) < MAX_PHOTOS:
            photos[f"part:{i}"] = part.get_payload(decode=True) or b""
    full = f"{subject}\n{text}".strip() if subject and not subject.lower().startswith(
        ("re:", "fwd:", "aduan ")) else text
    return Parsed(messages=[ChatMessage(
        account_id=account_id, provider_id=provider_id[:300], sender=address.lower(),
        text=full[:5000], name=name, email=address.lower(), subject=subject,
        media=tuple(Media(ref, "image/*") for ref in photos),
    )]), photos


def parse_event(account, body: str) -> Parsed:
    parsed, _ = parse_bytes(account.account_id, body.encode("utf-8", "surrogateescape"))
    return parsed


def photos_in_event(account, body: str) -> list[bytes]:
    """An e-mail carries its photos inside the stored message: nothing to download."""
    _, parts = parse_bytes(account.account_id, body.encode("utf-8", "surrogateescape"))
    return list(parts.values())
