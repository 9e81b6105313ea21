"""Telegram Bot API `Update` objects into typed messages.

We act on `message` updates from private chats: text, photo (largest size), caption,
location, venue, contact; voice, audio, video, video notes, documents and stickers become
attachments (image documents are photos). A `callback_query` (a press on our inline
keyboard) becomes `ChatMessage.action` with its id in `press_id` (it must be answered); a
`message_reaction` in a private chat becomes `ChatMessage.reaction`. Every other update
type is acknowledged and ignored (IGNORED_UPDATES), as are group chats and bots.
"""

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..types import ChatMessage, Malformed, Media, Parsed

IGNORED_UPDATES = {
    "edited_message", "channel_post", "edited_channel_post", "business_connection",
    "business_message", "edited_business_message", "deleted_business_messages",
    "message_reaction_count", "inline_query", "chosen_inline_result",
    "shipping_query", "pre_checkout_query", "purchased_paid_media", "poll",
    "poll_answer", "my_chat_member", "chat_member", "chat_join_request", "chat_boost",
    "removed_chat_boost",
}


class _M(BaseModel):
    model_config = ConfigDict(extra="ignore")


class User(_M):
    id: int
    is_bot: bool = False
    first_name: str = ""
    last_name: str = ""
    username: str = ""


class Chat(_M):
    id: int
    type: str


class PhotoSize(_M):
    file_id: str
    file_unique_id: str = ""
    width: int = 0
    height: int = 0
    file_size: int | None = None


class Document(_M):
    file_id: str
    mime_type: str = ""
    file_name: str = ""
    file_size: int | None = None


class Sticker(_M):
    file_id: str
    is_animated: bool = False
    is_video: bool = False
    emoji: str = ""
    file_size: int | None = None


class Location(_M):
    latitude: float
    longitude: float


class Venue(_M):
    location: Location
    title: str = ""
    address: str = ""


class Contact(_M):
    phone_number: str
    first_name: str = ""
    last_name: str = ""
    user_id: int | None = None  # the contact's Telegram user, when they have one


class Message(_M):
    message_id: int
    date: int
    chat: Chat
    from_: User | None = Field(None, alias="from")
    text: str = ""
    caption: str = ""
    photo: list[PhotoSize] = []
    document: Document | None = None
    voice: Document | None = None
    audio: Document | None = None
    video: Document | None = None
    video_note: Document | None = None
    sticker: Sticker | None = None
    location: Location | None = None
    venue: Venue | None = None
    contact: Contact | None = None


class CallbackQuery(_M):
    """A press on one of our inline keyboard buttons (`data` is the button's id)."""

    id: str
    from_: User = Field(alias="from")
    message: Message | None = None
    data: str = ""


class ReactionType(_M):
    """ReactionTypeEmoji, ReactionTypeCustomEmoji or ReactionTypePaid."""

    type: str
    emoji: str = ""
    custom_emoji_id: str = ""


class MessageReactionUpdated(_M):
    chat: Chat
    message_id: int
    user: User | None = None  # absent when the reaction is anonymous (actor_chat)
    date: int
    old_reaction: list[ReactionType] = []
    new_reaction: list[ReactionType] = []


class Update(_M):
    update_id: int
    message: Message | None = None
    callback_query: CallbackQuery | None = None
    message_reaction: MessageReactionUpdated | None = None


def parse(payload: dict, account_id: str) -> Parsed:
    try:
        update = Update.model_validate(payload)
    except ValidationError as exc:
        raise Malformed(f"Telegram update: {exc.error_count()} invalid field(s)") from None
    result = Parsed()
    msg = update.message
    if msg is None and update.callback_query is not None:
        return _callback(update.update_id, update.callback_query, account_id, result)
    if msg is None and update.message_reaction is not None:
        return _reaction(update.update_id, update.message_reaction, account_id, result)
    if msg is None:
        kinds = [k for k in payload if k != "update_id"]
        result.ignored.extend(f"update:{k}" for k in kinds or ["empty"])
        return result
    if msg.chat.type != "private" or (msg.from_ is not None and msg.from_.is_bot):
        result.ignored.append(f"chat:{msg.chat.type}")
        return result
    user = msg.from_
    name = " ".join(p for p in (user.first_name, user.last_name) if p) if user else ""
    media: tuple[Media, ...] = ()
    if msg.photo:
        largest = max(msg.photo, key=lambda p: (p.width * p.height, p.file_size or 0))
        media = (Media(largest.file_id, "image/jpeg"),)
    else:
        media = _attachments(msg)
    text = msg.text or msg.caption
    lat = lng = None
    place = msg.location or (msg.venue.location if msg.venue else None)
    if place is not None:
        lat, lng = place.latitude, place.longitude
        if msg.venue and not text:
            text = "Lokasi: " + ", ".join(p for p in (msg.venue.title, msg.venue.address) if p)
    phone = msg.contact.phone_number if msg.contact else ""
    # The user's own number only when the contact is the sender themselves (the "share my
    # phone number" button): Telegram then vouches for it. Anyone else's card proves nothing.
    own = bool(msg.contact and user and msg.contact.user_id == user.id)
    if msg.contact and not text:
        text = "Kontak: " + " ".join(
            p for p in (msg.contact.first_name, msg.contact.last_name, phone) if p)
    if not (text or media or lat is not None):
        result.ignored.append("message:unsupported")
        return result
    result.messages.append(ChatMessage(
        account_id=account_id, provider_id=str(update.update_id), sender=str(msg.chat.id),
        text=text, name=name, username=user.username if user else "", phone=phone,
        verified_phone=phone if own else "", media=media, lat=lat, lng=lng,
        at=datetime.fromtimestamp(msg.date, tz=UTC),
    ))
    return result


def _callback(update_id: int, query: CallbackQuery, account_id: str, result: Parsed) -> Parsed:
    chat = query.message.chat if query.message else None
    if chat is None or chat.type != "private" or query.from_.is_bot or not query.data:
        result.ignored.append("callback_query:unusable")
        return result
    user = query.from_
    result.messages.append(ChatMessage(
        account_id=account_id, provider_id=str(update_id), sender=str(chat.id),
        action=query.data, press_id=query.id,
        name=" ".join(p for p in (user.first_name, user.last_name) if p),
        username=user.username, at=datetime.fromtimestamp(query.message.date, tz=UTC)))
    return result


def _reaction(update_id: int, update: MessageReactionUpdated, account_id: str,
              result: Parsed) -> Parsed:
    """A citizen's reaction to one of our messages: recorded on their open complaint."""
    user = update.user
    if update.chat.type != "private" or user is None or user.is_bot:
        result.ignored.append(f"message_reaction:{update.chat.type}")
        return result
    added = [r for r in update.new_reaction if r not in update.old_reaction]
    if not added:  # taken back (an empty new_reaction) or only one of several removed
        result.ignored.append("message_reaction:removed")
        return result
    labels = {"custom_emoji": "(emoji khusus)", "paid": "(reaksi berbayar)"}
    reaction = added[0].emoji or labels.get(added[0].type, added[0].type)
    result.messages.append(ChatMessage(
        account_id=account_id, provider_id=str(update_id), sender=str(update.chat.id),
        reaction=reaction[:40], name=" ".join(p for p in (user.first_name, user.last_name) if p),
        username=user.username, at=datetime.fromtimestamp(update.date, tz=UTC)))
    return result


def _attachments(msg: Message) -> tuple[Media, ...]:
    doc = msg.document
    if doc is not None:
        kind = "photo" if doc.mime_type.startswith("image/") else "document"
        return (Media(doc.file_id, doc.mime_type, kind, doc.file_name, doc.file_size),)
    defaults = {"voice": "audio/ogg", "audio": "audio/mpeg", "video": "video/mp4",
                "video_note": "video/mp4"}
    for field, mime in defaults.items():
        obj = getattr(msg, field)
        if obj is not None:
            kind = {"video_note": "video"}.get(field, field)
            return (Media(obj.file_id, obj.mime_type or mime, kind, obj.file_name,
                          obj.file_size),)
    if msg.sticker is not None:
        mime = ("video/webm" if msg.sticker.is_video
                else "application/x-tgsticker" if msg.sticker.is_animated else "image/webp")
        return (Media(msg.sticker.file_id, mime, "sticker", "", msg.sticker.file_size),)
    return ()


def parse_event(account, body: str) -> Parsed:
    import json

    return parse(json.loads(body), account.account_id)
