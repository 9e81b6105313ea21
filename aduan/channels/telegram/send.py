"""Replies through the Telegram Bot API: {TELEGRAM_API_URL}/bot<token>/<method>.

No messaging window. Photos: getFile(file_id) answers `file_path`; the bytes are at
{TELEGRAM_API_URL}/file/bot<token>/<file_path>.
"""

from django.conf import settings

from .. import http
from ..types import Media


def api(account, method: str, body: dict) -> dict:
    url = f"{settings.TELEGRAM_API_URL}/bot{account.token}/{method}"
    answer = http.request("POST", url, json_body=body).json()
    if not answer.get("ok"):
        raise http.Rejected(f"Telegram {method}: {answer.get('description', 'not ok')}")
    return answer


BUTTONS = True  # compose() takes reply buttons: an inline keyboard (callback_query back)


def compose(account, recipient: str, text: str, *, origin=None, acknowledgement=False,
            buttons=()) -> dict:
    body = {"chat_id": recipient, "text": text[:4096]}
    if buttons:  # one row; callback_data is limited to 64 bytes
        body["reply_markup"] = {"inline_keyboard": [[
            {"text": title, "callback_data": key.encode()[:64].decode(errors="ignore")}
            for key, title in buttons]]}
    return {"method": "sendMessage", "body": body}


def send(account, payload: dict) -> str:
    result = api(account, payload["method"], payload["body"]).get("result") or {}
    return str(result.get("message_id", "")) if isinstance(result, dict) else ""


def download(account, media: Media) -> bytes:
    result = api(account, "getFile", {"file_id": media.ref}).get("result") or {}
    path = result.get("file_path")
    if not path:
        raise http.Rejected("Telegram getFile: no file_path (file too big?)")
    return http.request("GET", f"{settings.TELEGRAM_API_URL}/file/bot{account.token}/{path}").body


def set_webhook(account, url: str) -> dict:
    body = {"url": url, "allowed_updates": ["message", "callback_query"]}
    if account.secret:
        body["secret_token"] = account.secret
    return api(account, "setWebhook", body)
