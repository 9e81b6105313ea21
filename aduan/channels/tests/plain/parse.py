"""The test-only "plain" channel: a provider reduced to what every channel has in common,
so the generic tests (outbox, processing, one citizen, jobs) name no real channel.

A delivery is JSON:

    {"account": "<our account id>",
     "messages": [{"id": "m1", "from": "<sender>", "text": "...", "name": "", "phone": "",
                   "verified_phone": "",
                   "media": [{"ref": "f1", "mime_type": "image/jpeg", "kind": "photo",
                              "size": null}],
                   "lat": null, "lng": null, "action": "", "reaction": ""}],
     "statuses": [{"id": "<our message's provider id>", "status": "failed", "code": 500,
                   "error": "..."}]}

`phone` is a number the sender gave (proves nothing); `verified_phone` the sender's own
number as the provider proves it (see ChatMessage.verified_phone).
"""

import json

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aduan.channels.types import ChatMessage, DeliveryStatus, Malformed, Media, Parsed


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


class File(_M):
    ref: str
    mime_type: str = "image/jpeg"
    kind: str = "photo"
    size: int | None = None


class Message(_M):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    id: str
    sender: str = Field(alias="from")
    text: str = ""
    name: str = ""
    phone: str = ""
    verified_phone: str = ""
    media: list[File] = []
    lat: float | None = None
    lng: float | None = None
    action: str = ""
    reaction: str = ""


class Status(_M):
    id: str
    status: str
    code: int | None = None
    error: str = ""


class Delivery(_M):
    account: str
    messages: list[Message] = []
    statuses: list[Status] = []


def parse(body: bytes | str) -> Parsed:
    try:  # json.loads keeps lone surrogates, as the providers' JSON may hold them
        delivery = Delivery.model_validate(json.loads(body))
    except (ValueError, ValidationError) as exc:
        raise Malformed(str(exc)[:300]) from None
    return Parsed(
        messages=[ChatMessage(
            account_id=delivery.account, provider_id=m.id, sender=m.sender, text=m.text,
            name=m.name, phone=m.phone, verified_phone=m.verified_phone, lat=m.lat, lng=m.lng,
            action=m.action, reaction=m.reaction,
            media=tuple(Media(f.ref, f.mime_type, kind=f.kind, size=f.size) for f in m.media))
            for m in delivery.messages],
        statuses=[DeliveryStatus(delivery.account, s.id, s.status, error=s.error, code=s.code)
                  for s in delivery.statuses])


def parse_event(account, body: str) -> Parsed:
    return parse(body)
