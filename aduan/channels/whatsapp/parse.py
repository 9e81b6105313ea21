"""WhatsApp Cloud API webhook (`object` = `whatsapp_business_account`) into typed messages.

Documented shape: entry[].changes[] with `field` = "messages" and a `value` holding
`metadata.phone_number_id` (our account), `contacts[]` (profile name, wa_id), `messages[]`
and/or `statuses[]`. Other fields are ignored (IGNORED_FIELDS); so are message types we
do not turn into complaints (IGNORED_TYPES). Voice notes, audio, video, documents and
stickers become attachments of the complaint; a reaction is recorded, not answered.
"""

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..types import ChatMessage, DeliveryStatus, Malformed, Media, Parsed

# Webhook fields a WhatsApp Business Account can send that carry no citizen message.
IGNORED_FIELDS = {
    "account_alerts", "account_review_update", "account_update", "business_capability_update",
    "history", "message_echoes", "message_template_status_update",
    "message_template_quality_update", "message_template_components_update",
    "phone_number_name_update", "phone_number_quality_update", "security",
    "smb_app_state_sync", "smb_message_echoes", "template_category_update", "user_preferences",
    "flows", "calls", "payment_configuration_update", "partner_solutions",
}
IGNORED_TYPES = {"unsupported", "system", "order", "request_welcome", "ephemeral", "unknown"}
# message type -> attachment kind (a voice note is `audio` with "voice": true)
ATTACHMENT_TYPES = {"audio": "audio", "video": "video", "sticker": "sticker"}


class _M(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Text(_M):
    body: str


class MediaObj(_M):
    id: str
    mime_type: str = ""
    caption: str = ""
    filename: str = ""
    voice: bool = False


class Reaction(_M):
    message_id: str = ""
    emoji: str = ""


class Location(_M):
    latitude: float
    longitude: float
    name: str = ""
    address: str = ""


class Reply(_M):
    title: str = ""
    id: str = ""


class Interactive(_M):
    type: str = ""
    button_reply: Reply | None = None
    list_reply: Reply | None = None


class Button(_M):
    text: str = ""
    payload: str = ""


class ContactName(_M):
    formatted_name: str = ""


class ContactPhone(_M):
    phone: str = ""


class SharedContact(_M):
    name: ContactName | None = None
    phones: list[ContactPhone] = []


class Message(_M):
    id: str
    type: str
    timestamp: str = ""
    text: Text | None = None
    image: MediaObj | None = None
    document: MediaObj | None = None
    audio: MediaObj | None = None
    video: MediaObj | None = None
    sticker: MediaObj | None = None
    reaction: Reaction | None = None
    location: Location | None = None
    interactive: Interactive | None = None
    button: Button | None = None
    contacts: list[SharedContact] = []
    from_: str = Field("", alias="from")


class Profile(_M):
    name: str = ""


class Contact(_M):
    wa_id: str = ""
    profile: Profile | None = None


class StatusError(_M):
    code: int | None = None
    title: str = ""
    message: str = ""


class Status(_M):
    id: str
    status: str
    recipient_id: str = ""
    errors: list[StatusError] = []


class Metadata(_M):
    phone_number_id: str
    display_phone_number: str = ""


class Value(_M):
    metadata: Metadata
    contacts: list[Contact] = []
    messages: list[Message] = []
    statuses: list[Status] = []


class Change(_M):
    field: str
    value: dict


class Entry(_M):
    id: str = ""
    changes: list[Change] = []


class Envelope(_M):
    object: str
    entry: list[Entry]


def _at(timestamp: str) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(timestamp), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def parse(payload: dict) -> Parsed:
    try:
        envelope = Envelope.model_validate(payload)
        result = Parsed()
        for entry in envelope.entry:
            for change in entry.changes:
                if change.field == "phone_number_quality_update":  # throughput level
                    result.account_jobs.append("aduan.channels.whatsapp.throughput.learn_again")
                if change.field != "messages":
                    result.ignored.append(f"field:{change.field}")
                    continue
                _value(Value.model_validate(change.value), result)
        return result
    except ValidationError as exc:
        raise Malformed(f"WhatsApp payload: {exc.error_count()} invalid field(s)") from None


def _value(value: Value, result: Parsed) -> None:
    account = value.metadata.phone_number_id
    names = {c.wa_id: (c.profile.name if c.profile else "") for c in value.contacts}
    for msg in value.messages:
        sender = msg.from_
        if not sender:
            raise Malformed("WhatsApp message without `from`")
        common = dict(account_id=account, provider_id=msg.id, sender=sender,
                      name=names.get(sender, ""), phone=sender, verified_phone=sender,
                      at=_at(msg.timestamp))
        if msg.type == "text" and msg.text is not None:
            result.messages.append(ChatMessage(text=msg.text.body, **common))
        elif msg.type == "image" and msg.image is not None:
            result.messages.append(ChatMessage(
                text=msg.image.caption, media=(Media(msg.image.id, msg.image.mime_type),),
                **common))
        elif msg.type == "document" and msg.document is not None:
            doc = msg.document
            kind = "photo" if doc.mime_type.startswith("image/") else "document"
            result.messages.append(ChatMessage(
                text=doc.caption, media=(Media(doc.id, doc.mime_type, kind, doc.filename),),
                **common))
        elif msg.type in ATTACHMENT_TYPES and getattr(msg, msg.type) is not None:
            obj = getattr(msg, msg.type)
            kind = "voice" if obj.voice else ATTACHMENT_TYPES[msg.type]
            result.messages.append(ChatMessage(
                text=obj.caption, media=(Media(obj.id, obj.mime_type, kind),), **common))
        elif msg.type == "reaction" and msg.reaction is not None:
            if msg.reaction.emoji:  # an empty emoji takes a reaction back
                result.messages.append(ChatMessage(reaction=msg.reaction.emoji, **common))
            else:
                result.ignored.append("type:reaction-removed")
        elif msg.type == "location" and msg.location is not None:
            place = ", ".join(p for p in (msg.location.name, msg.location.address) if p)
            place = f"Lokasi: {place}" if place else ""  # the masker hides a labelled place
            result.messages.append(ChatMessage(
                text=place, lat=msg.location.latitude, lng=msg.location.longitude, **common))
        elif msg.type == "interactive" and msg.interactive is not None:
            reply = msg.interactive.button_reply or msg.interactive.list_reply
            result.messages.append(ChatMessage(text=reply.title if reply else "",
                                               action=reply.id if reply else "", **common))
        elif msg.type == "button" and msg.button is not None:
            result.messages.append(ChatMessage(text=msg.button.text, action=msg.button.payload,
                                               **common))
        elif msg.type == "contacts" and msg.contacts:
            lines = [" ".join(filter(None, [c.name.formatted_name if c.name else "",
                                            *(p.phone for p in c.phones)])) for c in msg.contacts]
            result.messages.append(ChatMessage(text="Kontak: " + "; ".join(lines), **common))
        elif msg.type in IGNORED_TYPES:
            result.ignored.append(f"type:{msg.type}")
        elif msg.type in {"text", "image", "document", "location", "interactive", "button",
                          *ATTACHMENT_TYPES, "reaction"}:
            raise Malformed(f"WhatsApp {msg.type} message without its `{msg.type}` object")
        else:
            result.ignored.append(f"type:{msg.type}")
    for status in value.statuses:
        error = "; ".join(f"{e.code} {e.title or e.message}".strip() for e in status.errors)
        code = next((e.code for e in status.errors if e.code is not None), None)
        result.statuses.append(DeliveryStatus(account, status.id, status.status, error, code))


def parse_event(account, body: str) -> Parsed:
    import json

    return parse(json.loads(body))
