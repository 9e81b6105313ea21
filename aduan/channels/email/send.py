"""E-mail in and out. The account's token is the IMAP URL
(`imaps://user:pass@host:993/INBOX`), its secret the SMTP URL (`smtp://user:pass@host:587`
uses STARTTLS, `smtps://...:465` TLS from the start). Replies go from the account's
address with the complaint reference in the subject."""

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import unquote, urlparse

from .. import http
from ..types import Media


def compose(account, recipient: str, text: str, *, origin=None, acknowledgement=False) -> dict:
    subject = "Aduan Anda"
    if origin is not None and origin.subject:
        subject = "Re: " + origin.subject.removeprefix("Re: ")
    payload = {"to": recipient, "subject": subject, "text": text}
    if origin is not None and origin.provider_id.startswith("<"):
        payload["in_reply_to"] = origin.provider_id
    return payload


def send(account, payload: dict) -> str:
    url = urlparse(account.secret)
    if url.scheme not in {"smtp", "smtps"}:
        raise http.Rejected("e-mail: the account's secret must be an smtp:// or smtps:// URL")
    msg = EmailMessage()
    msg["From"] = account.account_id
    msg["To"] = payload["to"]
    msg["Subject"] = payload["subject"]
    msg["Message-ID"] = make_msgid(domain=account.account_id.rpartition("@")[2] or None)
    if payload.get("in_reply_to"):
        msg["In-Reply-To"] = msg["References"] = payload["in_reply_to"]
    msg.set_content(payload["text"])
    try:
        cls = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
        with cls(url.hostname, url.port or (465 if url.scheme == "smtps" else 587),
                 timeout=http.TIMEOUT) as smtp:
            if url.scheme == "smtp" and smtp.has_extn("starttls"):
                smtp.starttls()
            if url.username:
                smtp.login(unquote(url.username), unquote(url.password or ""))
            smtp.send_message(msg)
    except smtplib.SMTPResponseException as exc:
        error = http.Retryable if exc.smtp_code >= 400 and exc.smtp_code < 500 else http.Rejected
        raise error(f"SMTP {exc.smtp_code}") from None
    except smtplib.SMTPRecipientsRefused:
        raise http.Rejected("SMTP: recipient refused") from None
    except (OSError, smtplib.SMTPException) as exc:
        raise http.Retryable(f"SMTP: {exc.__class__.__name__}") from None
    return str(msg["Message-ID"])


def download(account, media: Media) -> bytes:
    raise http.Rejected("e-mail photos are read from the stored message")
