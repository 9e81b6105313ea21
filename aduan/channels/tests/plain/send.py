"""Sending on the test-only "plain" channel: POST {api}/send {"to", "text", "buttons"}
answers {"id"}; media at GET {api}/media/<ref>. `api` is the account's settings["api"]
(the fake's URL), the token goes as a Bearer header. Errors come back as
{"error": {"code", "message", "is_transient"}} and go through http's sorting."""

from aduan.channels import http
from aduan.channels.types import Media

BUTTONS = True  # compose() takes reply buttons; presses come back as ChatMessage.action


def compose(account, recipient: str, text: str, *, origin=None, acknowledgement=False,
            buttons=()) -> dict:
    payload = {"to": recipient, "text": text}
    if buttons:
        payload["buttons"] = [list(button) for button in buttons]
    return payload


def send(account, payload: dict) -> str:
    answer = http.request("POST", f"{account.settings['api']}/send", json_body=payload,
                          token=account.token).json()
    return str(answer.get("id", ""))


def download(account, media: Media) -> bytes:
    return http.request("GET", f"{account.settings['api']}/media/{media.ref}",
                        token=account.token).body
