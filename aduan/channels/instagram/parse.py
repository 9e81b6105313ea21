"""Instagram webhooks (`object` = `instagram`): direct messages and comments.

`entry[].id` is our Instagram professional account id. Direct messages arrive in
`entry[].messaging[]` (meta/messaging.py). Comments arrive as `changes[]` with `field` =
"comments" or "live_comments" and a `value` holding `id` (the comment id), `text`,
`from.id` (IGSID) / `from.username`, `media.id`. Meta's examples also show `field`/`value`
directly on the entry; both forms are read. Our own comments (replies) and comments too
short to be a complaint (fewer than MIN_WORDS words) are ignored, as are the fields in
IGNORED_FIELDS.
"""

import re

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..meta.messaging import parse_messaging
from ..types import ChatMessage, Malformed, Parsed

IGNORED_FIELDS = {"mentions", "story_insights", "message_reactions", "messaging_seen",
                  "messaging_postbacks", "messaging_referral", "messaging_optins",
                  "messaging_handover", "standby", "message_edit"}
MIN_WORDS = 2


class _M(BaseModel):
    model_config = ConfigDict(extra="ignore")


class From(_M):
    id: str
    username: str = ""


class Comment(_M):
    id: str
    text: str = ""
    from_: From | None = Field(None, alias="from")


class Change(_M):
    field: str
    value: dict


class Entry(_M):
    id: str
    messaging: list[dict] = []
    changes: list[Change] = []
    field: str = ""
    value: dict | None = None


class Envelope(_M):
    object: str
    entry: list[Entry]


def parse(payload: dict) -> Parsed:
    try:
        envelope = Envelope.model_validate(payload)
    except ValidationError as exc:
        raise Malformed(f"Instagram webhook: {exc.error_count()} invalid field(s)") from None
    result = Parsed()
    for entry in envelope.entry:
        parse_messaging(entry.id, entry.messaging, result)
        changes = list(entry.changes)
        if entry.field and entry.value is not None:
            changes.append(Change(field=entry.field, value=entry.value))
        for change in changes:
            if change.field in {"comments", "live_comments"}:
                _comment(entry.id, change.value, result)
            else:
                result.ignored.append(f"field:{change.field}")
    return result


def _comment(account_id: str, value: dict, result: Parsed) -> None:
    try:
        comment = Comment.model_validate(value)
    except ValidationError as exc:
        raise Malformed(f"Instagram comment: {exc.error_count()} invalid field(s)") from None
    if comment.from_ is None:
        raise Malformed("Instagram comment without `from`")
    if comment.from_.id == account_id:
        result.ignored.append("comment:own")
        return
    if len(re.findall(r"\w*[^\W\d_]\w*", comment.text)) < MIN_WORDS:
        result.ignored.append("comment:short")
        return
    result.messages.append(ChatMessage(
        account_id=account_id, provider_id=f"comment:{comment.id}", sender=comment.from_.id,
        text=comment.text, username=comment.from_.username, name=comment.from_.username,
        comment_id=comment.id,
    ))


def parse_event(account, body: str) -> Parsed:
    import json

    return parse(json.loads(body))
