"""Messenger Platform `messaging` events, shared by Facebook Pages and Instagram.

Documented shape: entry[] with `id` (our Page or Instagram account) and `messaging[]`,
each with `sender.id` (PSID / IGSID), `recipient.id`, `timestamp` (ms) and one of
`message` (mid, text, attachments[] with payload.url or payload.coordinates), `postback`,
`read`, `delivery`, `reaction`, ... We keep messages that are not our own echoes;
everything else is listed in IGNORED_EVENTS. A tapped quick reply is a message whose text
is the button title and whose `quick_reply.payload` is our button id (`ChatMessage.action`).
"""

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, ValidationError

from ..types import ChatMessage, Malformed, Media, Parsed

IGNORED_EVENTS = {"postback", "read", "delivery", "reaction", "optin", "referral",
                  "account_linking", "policy_enforcement", "pass_thread_control",
                  "take_thread_control", "request_thread_control", "app_roles",
                  "message_edit", "messaging_seen", "standby", "game_play", "handover"}


class _M(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Party(_M):
    id: str


class Coordinates(_M):
    lat: float
    long: float


class AttachmentPayload(_M):
    url: str = ""
    coordinates: Coordinates | None = None


class Attachment(_M):
    type: str
    payload: AttachmentPayload | None = None


class QuickReply(_M):
    payload: str = ""


class Message(_M):
    mid: str
    text: str = ""
    quick_reply: QuickReply | None = None
    attachments: list[Attachment] = []
    is_echo: bool = False
    is_deleted: bool = False
    is_unsupported: bool = False


class Messaging(_M):
    sender: Party
    recipient: Party
    timestamp: int | None = None
    message: Message | None = None


def _at(ms: int | None) -> datetime | None:
    try:
        return datetime.fromtimestamp(ms / 1000, tz=UTC) if ms else None
    except (OverflowError, OSError, ValueError):
        return None


def parse_messaging(account_id: str, events: list, result: Parsed) -> None:
    """Append the messages in one entry's `messaging` array to `result`."""
    for raw in events:
        try:
            event = Messaging.model_validate(raw)
        except ValidationError as exc:
            raise Malformed(f"messaging event: {exc.error_count()} invalid field(s)") from None
        msg = event.message
        if msg is None:
            kinds = [k for k in raw if k not in {"sender", "recipient", "timestamp"}]
            result.ignored.extend(f"event:{k}" for k in kinds or ["empty"])
            continue
        if msg.is_echo or msg.is_deleted or event.sender.id == account_id:
            result.ignored.append("message:echo")
            continue
        media, lat, lng = [], None, None
        for attachment in msg.attachments:
            payload = attachment.payload
            if payload is None:
                continue
            if attachment.type == "image" and payload.url:
                media.append(Media(payload.url, "image/jpeg"))
            elif attachment.type == "location" and payload.coordinates is not None:
                lat, lng = payload.coordinates.lat, payload.coordinates.long
        if not (msg.text or media or lat is not None):
            result.ignored.append("message:unsupported")
            continue
        result.messages.append(ChatMessage(
            account_id=account_id, provider_id=msg.mid, sender=event.sender.id,
            text=msg.text, media=tuple(media), lat=lat, lng=lng, at=_at(event.timestamp),
            action=msg.quick_reply.payload if msg.quick_reply else "",
        ))
