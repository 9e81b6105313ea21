"""The chat message being processed right now, so replies composed inside the same
transaction (the acknowledgement) can follow provider rules, e.g. Instagram's private reply
to a comment. Set by processing, read by the outbox."""

from contextvars import ContextVar

from .types import ChatMessage

CURRENT: ContextVar[ChatMessage | None] = ContextVar("aduan_inbound", default=None)
