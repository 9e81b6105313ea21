"""Telegram's Bot API faked on 127.0.0.1, with its documented error bodies and limits.

    api = FakeTelegram(token="123456:ABC-DEF").start()   # settings.TELEGRAM_API_URL = api.url
"""

import math
import re
from dataclasses import dataclass, field

from aduan.channels.tests.fake_server import FakeServer, Limits, Seen, jpeg

# Telegram Bot FAQ: about 30 messages per second for bulk notifications, no more than one
# message per second in a chat (short bursts tolerated, then 429).
TELEGRAM_LIMITS = Limits(per_second=30, pair_interval=1.0, pair_burst=1)


# Telegram Bot API error bodies as documented.
TG_ERRORS = {
    429: {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 0",
          "parameters": {"retry_after": 0}},
    403: {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"},
    401: {"ok": False, "error_code": 401, "description": "Unauthorized"},
    400: {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"},
}


@dataclass
class FakeTelegram(FakeServer):
    """Telegram Bot API: /bot<token>/<method>, files at /file/bot<token>/<file_path>.

    With `limits` (TELEGRAM_LIMITS) messages beyond the bot's overall rate or one chat's
    get 429 with `parameters.retry_after` (whole seconds), as the Bot API answers."""

    answered: set = field(default_factory=set)  # callback_query ids answered

    def metered(self, seen: Seen) -> tuple[bool, str]:
        method = seen.path.split("?")[0].rsplit("/", 1)[-1]
        if seen.method != "POST" or not method.startswith("send"):
            return False, ""
        return True, str(seen.json().get("chat_id", ""))

    def too_fast(self, limit: str, wait: float) -> tuple[int, dict]:
        retry = max(1, math.ceil(wait))
        return 429, {"ok": False, "error_code": 429,
                     "description": f"Too Many Requests: retry after {retry}",
                     "parameters": {"retry_after": retry}}

    def error_body(self, status: int) -> dict:
        body = {"ok": False, "error_code": status, "description": "fake failure"}
        if status == 429:
            body.update(description="Too Many Requests: retry after 0",
                        parameters={"retry_after": 0})
        return body

    def answer(self, seen: Seen, n: int):
        m = re.match(r"^/(file/)?bot([^/]+)/(.+)$", seen.path.split("?")[0])
        if not m or m.group(2) != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        if m.group(1):
            return 200, self.files.get(m.group(3).rsplit("/", 1)[-1]) or jpeg()
        method, body = m.group(3), seen.json()
        if method == "getFile":
            file_id = body.get("file_id")
            return 200, {"ok": True, "result": {
                "file_id": file_id, "file_unique_id": "AgADu", "file_size": 1000,
                "file_path": (f"documents/{file_id}" if file_id in self.files
                              else f"photos/file_{n}.jpg")}}
        if method == "setWebhook":
            return 200, {"ok": True, "result": True, "description": "Webhook was set"}
        if method == "sendMessage":
            return 200, {"ok": True, "result": {
                "message_id": 1000 + n, "date": 1700000000, "text": body.get("text"),
                "chat": {"id": body.get("chat_id"), "type": "private"}}}
        if method == "sendPhoto":  # `photo` is a file_id or an HTTP URL Telegram fetches
            if not body.get("photo"):
                return 400, {"ok": False, "error_code": 400,
                             "description": "Bad Request: there is no photo in the request"}
            if len(body.get("caption", "")) > 1024:
                return 400, {"ok": False, "error_code": 400,
                             "description": "Bad Request: message caption is too long"}
            return 200, {"ok": True, "result": {
                "message_id": 1000 + n, "date": 1700000000, "caption": body.get("caption", ""),
                "photo": [{"file_id": f"AgACAgQAAxkOUT{n}", "file_unique_id": f"AQAD{n}",
                           "width": 1280, "height": 960}],
                "chat": {"id": body.get("chat_id"), "type": "private"}}}
        if method == "answerCallbackQuery":  # a query can be answered once
            query_id = body.get("callback_query_id")
            with self.lock:
                fresh = bool(query_id) and query_id not in self.answered
                self.answered.add(query_id)
            if not fresh:
                return 400, {"ok": False, "error_code": 400, "description":
                             "Bad Request: query is too old and response timeout expired or "
                             "query ID is invalid"}
            return 200, {"ok": True, "result": True}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
