"""Replies through the WhatsApp Cloud API and media downloads.

Send: POST {META_GRAPH_URL}/{phone-number-id}/messages. Inside the 24-hour customer
service window (since the citizen's last message) a text message; outside it an approved
template named in the account's settings (`template_name`, `template_language`, default
"id"), whose body has one parameter that receives our text. No template: the message
parks. Reply buttons (`buttons`: (id, title) pairs) go as an `interactive` message inside
the window: up to 3 as `button`, more as a `list`; outside it the template carries the
text, which always says what to type instead. An image URL (`image`, fetched by WhatsApp)
goes as the reply buttons' image `header` (without buttons it is left out: the text links
it); `ask_location` sends an interactive `location_request_message` ("Send location").
Media: GET /{media-id} answers {"url", "mime_type", ...}; GET that url with the same
Bearer token answers the bytes.
"""

import re

from .. import http
from ..meta import graph
from ..types import Media, Park

BUTTONS = True  # compose() takes reply buttons
IMAGES = True  # compose() takes an image URL
LOCATION_REQUEST = True  # compose() can ask for a location
BODY_LIMIT = 1024  # interactive body text


def compose(account, recipient: str, text: str, *, origin=None, acknowledgement=False,
            buttons=(), image="", ask_location=False) -> dict:
    body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": recipient}
    elapsed = graph.window_elapsed(account, recipient, origin)
    if elapsed is None or elapsed >= graph.WINDOW:
        body.update(type="template", template=template(account, text))
    elif buttons:
        body.update(type="interactive", interactive=interactive(text, buttons, image))
    elif ask_location and len(text) <= BODY_LIMIT:
        body.update(type="interactive", interactive={
            "type": "location_request_message", "body": {"text": text},
            "action": {"name": "send_location"}})
    else:
        body.update(type="text", text={"preview_url": False, "body": text[:4096]})
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


def without_media(account, payload: dict) -> dict:
    """WhatsApp could not fetch the header image link (131053): the same words and
    buttons without it. A message that carried no image is not sent again."""
    body = dict(payload["body"])
    if body.get("type") == "interactive" and "header" in body["interactive"]:
        body["interactive"] = {k: v for k, v in body["interactive"].items() if k != "header"}
    else:
        raise Park("WhatsApp: media ditolak, dan pesan ini tidak membawa gambar")
    return {**payload, "body": body}


def interactive(text: str, buttons, image: str = "") -> dict:
    """Documented limits: body 1024 characters; 3 reply buttons with titles of 20 (and an
    optional image header by link); a list has up to 10 rows with titles of 24 and a
    button label of 20 (no image header)."""
    if len(buttons) <= 3:
        message = {"type": "button", "body": {"text": text[:BODY_LIMIT]}, "action": {"buttons": [
            {"type": "reply", "reply": {"id": key[:256], "title": title[:20]}}
            for key, title in buttons]}}
        if image:
            message["header"] = {"type": "image", "image": {"link": image}}
        return message
    return {"type": "list", "body": {"text": text[:4096]}, "action": {
        "button": "Pilih", "sections": [{"title": "Pilihan", "rows": [
            {"id": key[:200], "title": title[:24]} for key, title in buttons[:10]]}]}}


def compose_image(account, recipient: str, url: str, caption: str) -> dict | None:
    """A picture with a caption (`type: image`, `image.link`), or None outside the 24-hour
    window, where only a template may be sent (the text already queued carries the link).
    Raises `Park` when no message may be sent at all."""
    text = compose(account, recipient, caption)
    body = text.get("body", {})
    if body.get("type") != "text":
        return None
    body = {k: v for k, v in body.items() if k != "text"}
    body.update(type="image", image={"link": url, "caption": caption[:1024]})
    return {"path": text["path"], "body": body}


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
