"""Replies through the WhatsApp Cloud API and media downloads.

Send: POST {META_GRAPH_URL}/{phone-number-id}/messages. Inside the 24-hour customer
service window (since the citizen's last message) a text message; outside it an approved
template named in the account's settings (`template_name`, `template_language`, default
"id"), whose body has one parameter that receives our text. No template: the message
parks. Reply buttons (`buttons`: (id, title) pairs) go as an `interactive` message inside
the window: up to 3 as `button`, more as a `list`; outside it the template carries the
text, which always says what to type instead.
Media: GET /{media-id} answers {"url", "mime_type", ...}; GET that url with the same
Bearer token answers the bytes.
"""

import re

from .. import http
from ..meta import graph
from ..outbox import Park
from ..types import Media

BUTTONS = True  # compose() takes reply buttons


def compose(account, recipient: str, text: str, *, origin=None, acknowledgement=False,
            buttons=()) -> dict:
    body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": recipient}
    elapsed = graph.since(graph.last_message_at(account, recipient))
    if elapsed is not None and elapsed < graph.WINDOW and buttons:
        body.update(type="interactive", interactive=interactive(text, buttons))
    elif elapsed is not None and elapsed < graph.WINDOW:
        body.update(type="text", text={"preview_url": False, "body": text[:4096]})
    else:
        body.update(type="template", template=template(account, text))
    return {"path": f"{account.account_id}/messages", "body": body}


def template(account, text: str) -> dict:
    name = account.settings.get("template_name")
    if not name:
        raise Park("WhatsApp: di luar jendela 24 jam dan akun belum punya template_name")
    # Template parameters may not hold newlines, tabs or more than 4 spaces in a row.
    param = re.sub(r"\s{4,}", "   ", re.sub(r"[\n\t]+", " ", text))[:1000]
    return {"name": name, "language": {"code": account.settings.get("template_language", "id")},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": param}]}]}


def as_template(account, payload: dict) -> dict:
    """The provider said the window is closed (131047): the same words as a template."""
    body = dict(payload["body"])
    if body.get("type") == "template":
        raise Park("WhatsApp: template pun ditolak di luar jendela 24 jam")
    if body.get("type") == "interactive":
        text = body["interactive"]["body"]["text"]
    else:
        text = body.get("text", {}).get("body", "")
    for key in ("text", "interactive"):
        body.pop(key, None)
    body.update(type="template", template=template(account, text))
    return {**payload, "body": body}


def interactive(text: str, buttons) -> dict:
    """Documented limits: body 1024 characters; 3 reply buttons with titles of 20; a list
    has up to 10 rows with titles of 24 and a button label of 20."""
    if len(buttons) <= 3:
        return {"type": "button", "body": {"text": text[:1024]}, "action": {"buttons": [
            {"type": "reply", "reply": {"id": key[:256], "title": title[:20]}}
            for key, title in buttons]}}
    return {"type": "list", "body": {"text": text[:4096]}, "action": {
        "button": "Pilih", "sections": [{"title": "Pilihan", "rows": [
            {"id": key[:200], "title": title[:24]} for key, title in buttons[:10]]}]}}


def send(account, payload: dict) -> str:
    answer = graph.post(account, payload["path"], payload["body"])
    messages = answer.get("messages") or [{}]
    return str(messages[0].get("id", ""))


def download(account, media: Media) -> bytes:
    info = graph.get(account, media.ref)
    url = info.get("url")
    if not url:
        raise http.Rejected(f"WhatsApp media {media.ref}: no url in answer")
    return http.request("GET", url, token=account.token).body
