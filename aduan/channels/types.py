"""The typed messages every channel's parser produces. Raw payloads stop at parse.py."""

from dataclasses import dataclass, field
from datetime import datetime


class Malformed(ValueError):
    """The body is not what the provider documents: answer 400, store nothing."""


class Park(Exception):
    """A provider rule forbids sending this now (24-hour window, no template, no token):
    the outbox parks the row for staff with this reason."""


@dataclass(frozen=True)
class Media:
    """A file to fetch: `ref` is a WhatsApp media id, a Telegram file_id or a URL.

    `kind` is "photo" (goes through the photo checks) or an attachment kind: voice, audio,
    video, document, sticker (stored as-is for staff, never public)."""

    ref: str
    mime_type: str = ""
    kind: str = "photo"
    name: str = ""  # the sender's file name (documents)
    size: int | None = None  # as the provider announced it, when it does


@dataclass(frozen=True)
class ChatMessage:
    """One message from a person to one of our accounts."""

    account_id: str  # the provider's id of our account (phone number id, page id, bot id)
    provider_id: str  # unique per account: wamid, mid, comment id, update_id, Message-ID
    sender: str  # whom to answer: wa_id, PSID/IGSID, chat id, address
    text: str = ""
    name: str = ""
    username: str = ""
    phone: str = ""
    # The sender's own number when the provider proves it (a WhatsApp wa_id, a Telegram
    # contact whose user_id is the sender); never a number written in the text.
    verified_phone: str = ""
    email: str = ""
    media: tuple[Media, ...] = ()
    lat: float | None = None
    lng: float | None = None
    comment_id: str = ""  # Instagram comment: answer publicly once, then privately once
    at: datetime | None = None
    subject: str = ""
    reaction: str = ""  # an emoji reaction to one of our messages: recorded, not answered
    action: str = ""  # the id of a reply button we sent ("aduan:confirm:<ref>"), if pressed
    # The provider's id of that press when it must be answered (a Telegram callback_query id:
    # the client shows a spinner until answerCallbackQuery), see outbox.answer_press.
    press_id: str = ""


@dataclass(frozen=True)
class DeliveryStatus:
    """The provider's report on a message we sent (WhatsApp sent/delivered/read/failed)."""

    account_id: str
    provider_message_id: str
    status: str
    error: str = ""
    code: int | None = None  # the provider's error code of a failed delivery


@dataclass
class Parsed:
    messages: list[ChatMessage] = field(default_factory=list)
    statuses: list[DeliveryStatus] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # what we skipped, for the log
    # News about our own account (not a person's message): dotted paths of tasks that take
    # no argument, queued once per delivery when it is stored (a WhatsApp number's
    # throughput level changed: whatsapp/throughput.learn_again).
    account_jobs: list[str] = field(default_factory=list)
