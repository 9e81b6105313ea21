"""Replies through the Telegram Bot API: {TELEGRAM_API_URL}/bot<token>/<method>.

No messaging window. Photos: getFile(file_id) answers `file_path`; the bytes are at
{TELEGRAM_API_URL}/file/bot<token>/<file_path>.
Out: sendMessage; with an image URL, sendPhoto (Telegram fetches the URL; caption up to
1024 characters, longer text goes as sendMessage); reply buttons as an inline keyboard; a
location request as a one-time reply keyboard button with request_location. A button
press is answered with answerCallbackQuery (the client shows a spinner until then).
"""

from django.conf import settings

from .. import http
from ..types import Media, Park


def api(account, method: str, body: dict) -> dict:
    url = f"{settings.TELEGRAM_API_URL}/bot{account.token}/{method}"
    answer = http.request("POST", url, json_body=body).json()
    if not answer.get("ok"):
        raise http.Rejected(f"Telegram {method}: {answer.get('description', 'not ok')}")
    return answer


BUTTONS = True  # compose() takes reply buttons: an inline keyboard (callback_query back)
IMAGES = True  # compose() takes an image URL (sendPhoto)
LOCATION_REQUEST = True  # compose() can ask for a location (reply keyboard button)
CAPTION_LIMIT = 1024


def compose(account, recipient: str, text: str, *, origin=None, acknowledgement=False,
            buttons=(), image="", ask_location=False) -> dict:
    body = {"chat_id": recipient}
    if buttons:  # one row; callback_data is limited to 64 bytes
        body["reply_markup"] = {"inline_keyboard": [[
            {"text": title, "callback_data": key.encode()[:64].decode(errors="ignore")}
            for key, title in buttons]]}
    elif ask_location:
        body["reply_markup"] = {"keyboard": [[{"text": "Kirim lokasi", "request_location": True}]],
                                "one_time_keyboard": True, "resize_keyboard": True}
    if image and len(text) <= CAPTION_LIMIT:
        return {"method": "sendPhoto", "body": {**body, "photo": image, "caption": text}}
    return {"method": "sendMessage", "body": {**body, "text": text[:4096]}}


def compose_image(account, recipient: str, url: str, caption: str) -> dict:
    """A picture by its URL (`sendPhoto`), the caption cut to Telegram's 1,024."""
    return {"method": "sendPhoto",
            "body": {"chat_id": recipient, "photo": url, "caption": caption[:1024]}}


def without_media(account, payload: dict) -> dict:
    """Telegram could not fetch the photo URL: the caption as a message, keyboard kept."""
    if payload.get("method") != "sendPhoto":
        raise Park("Telegram: media ditolak, dan pesan ini tidak membawa foto")
    body = {k: v for k, v in payload["body"].items() if k not in ("photo", "caption")}
    return {"method": "sendMessage", "body": {**body, "text": payload["body"].get("caption", "")}}


def answer_press(account, press_id: str) -> dict:
    """Stops the client's spinner on the pressed button; shows nothing else."""
    return {"method": "answerCallbackQuery", "body": {"callback_query_id": press_id}}


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
    # message_reaction must be named to arrive at all (Bot API: not sent by default).
    body = {"url": url, "allowed_updates": ["message", "callback_query", "message_reaction"]}
    if account.secret:
        body["secret_token"] = account.secret
    return api(account, "setWebhook", body)
