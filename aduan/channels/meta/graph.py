"""Calls to Meta's Graph API: ADUAN_META_GRAPH_URL already holds the version; we append
paths only. The token goes in `Authorization: Bearer`."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from .. import http
from ..models import ChannelAccount, InboundEvent
from ..types import Park

WINDOW = timedelta(hours=24)
HUMAN_AGENT_WINDOW = timedelta(days=7)


def base_url(account: ChannelAccount) -> str:
    if account.kind == "instagram" and settings.INSTAGRAM_GRAPH_URL:
        return settings.INSTAGRAM_GRAPH_URL
    return settings.META_GRAPH_URL


def post(account: ChannelAccount, path: str, body: dict) -> dict:
    url = f"{base_url(account)}/{path.lstrip('/')}"
    return http.request("POST", url, json_body=body, token=account.token).json()


def get(account: ChannelAccount, path: str, timeout: float = http.TIMEOUT) -> dict:
    url = f"{base_url(account)}/{path.lstrip('/')}"
    return http.request("GET", url, token=account.token, timeout=timeout).json()


def last_message_at(account: ChannelAccount, sender: str, kind: str = "message"):
    """When this person last wrote to this account (opens the customer-service window)."""
    return InboundEvent.objects.filter(account=account, sender=sender, kind=kind).aggregate(
        at=Max("received_at"))["at"]


def since(moment) -> timedelta | None:
    return None if moment is None else timezone.now() - moment


def window_elapsed(account: ChannelAccount, recipient: str, origin=None) -> timedelta | None:
    """Time since the person last wrote to this account. When we are answering their
    message (`origin`, from them) and its time is within the window, that message is
    proof enough: their last one is at least as recent, and no query is needed."""
    if origin is not None and origin.at is not None and origin.sender == recipient:
        elapsed = since(origin.at)
        if elapsed is not None and timedelta(0) <= elapsed < WINDOW:
            return elapsed
    return since(last_message_at(account, recipient))


def compose_messenger(account: ChannelAccount, recipient: str, text: str,
                      buttons=()) -> dict:
    """Messenger Platform send (Pages and Instagram): RESPONSE inside 24 hours of the
    person's last message, the HUMAN_AGENT tag up to 7 days, nothing after that. Reply
    buttons go as text quick replies (documented: at most 13, titles of 20 characters,
    payloads of 1000); a tap comes back as a message with `quick_reply.payload`."""
    elapsed = since(last_message_at(account, recipient))
    body = {"recipient": {"id": recipient}, "message": {"text": text[:2000]}}
    if buttons:
        body["message"]["quick_replies"] = [
            {"content_type": "text", "title": title[:20], "payload": key[:1000]}
            for key, title in buttons[:13]]
    if elapsed is not None and elapsed < WINDOW:
        body["messaging_type"] = "RESPONSE"
    elif elapsed is not None and elapsed < HUMAN_AGENT_WINDOW:
        body.update(messaging_type="MESSAGE_TAG", tag="HUMAN_AGENT")
    else:
        raise Park(f"{account.get_kind_display()}: tidak ada percakapan terbuka dengan pelapor "
                   "(lebih dari 7 hari sejak pesan terakhir, atau belum pernah mengirim pesan)")
    return {"path": f"{account.account_id}/messages", "body": body}


def compose_messenger_image(account: ChannelAccount, recipient: str, url: str,
                            caption: str) -> dict:
    """A picture as an `attachment` of type image (`payload.url`), under the same window
    and tag rules as text (raises `Park` the same way). Messenger sends no caption with
    an attachment; the text message queued beside it carries the words."""
    text = compose_messenger(account, recipient, caption)
    message = {"attachment": {"type": "image", "payload": {"url": url, "is_reusable": True}}}
    return {"path": text["path"], "body": {**text["body"], "message": message}}


def send_messenger(account: ChannelAccount, payload: dict) -> str:
    answer = post(account, payload["path"], payload["body"])
    return str(answer.get("message_id") or answer.get("id") or "")


def download_url(url: str) -> bytes:
    """Messenger/Instagram attachment payload.url: a CDN link, fetched without a token."""
    return http.request("GET", url).body
