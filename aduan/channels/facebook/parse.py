"""Facebook Page webhooks (`object` = `page`): Messenger messages to the city's Page.

`entry[].id` is our Page id; `entry[].messaging[]` holds the events (see
meta/messaging.py). Page feed changes (`entry[].changes[]`) are not complaints here and
are ignored.
"""

from pydantic import BaseModel, ConfigDict, ValidationError

from ..meta.messaging import parse_messaging
from ..types import Malformed, Parsed


class Entry(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str
    messaging: list[dict] = []
    changes: list[dict] = []
    standby: list[dict] = []


class Envelope(BaseModel):
    model_config = ConfigDict(extra="ignore")
    object: str
    entry: list[Entry]


def parse(payload: dict) -> Parsed:
    try:
        envelope = Envelope.model_validate(payload)
    except ValidationError as exc:
        raise Malformed(f"Page webhook: {exc.error_count()} invalid field(s)") from None
    result = Parsed()
    for entry in envelope.entry:
        parse_messaging(entry.id, entry.messaging, result)
        result.ignored.extend(f"change:{c.get('field', '?')}" for c in entry.changes)
        result.ignored.extend("standby" for _ in entry.standby)
    return result


def parse_event(account, body: str) -> Parsed:
    import json

    return parse(json.loads(body))
