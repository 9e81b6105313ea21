"""Local fake providers: real HTTP servers on 127.0.0.1 speaking Meta's Graph API and
Telegram's Bot API formats, recording every request. Tests script failures per path.

    graph = FakeGraph().start()       # settings.META_GRAPH_URL = graph.url
    graph.fail("/messages", 500, 429)  # the next two sends fail, then success
"""

import io
import json
import math
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def jpeg(colour=(200, 30, 30), size=(64, 48)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, "JPEG")
    return buf.getvalue()


@dataclass(frozen=True)
class Limits:
    """A provider's send limits, for a fake to enforce. `per_second`: the account's
    throughput, a bucket of `burst` sends (default: one second's worth) refilled at
    `per_second`. `pair_interval`, `pair_burst`: one message every `pair_interval` seconds
    to one recipient, a burst of up to `pair_burst` borrowing from the ones after it."""

    per_second: float
    burst: float = 0.0
    pair_interval: float = 0.0
    pair_burst: int = 1


# Meta, Cloud API "Throughput": 80 messages per second per business phone number (130429
# beyond it); pair rate limit: 1 message every 6 seconds to one WhatsApp user, bursts of up
# to 45 (131056 beyond it).
WHATSAPP_LIMITS = Limits(per_second=80, pair_interval=6.0, pair_burst=45)
# Telegram Bot FAQ: about 30 messages per second for bulk notifications, no more than one
# message per second in a chat (short bursts tolerated, then 429).
TELEGRAM_LIMITS = Limits(per_second=30, pair_interval=1.0, pair_burst=1)


class Meter:
    """Counts sends against Limits (callers hold the fake's lock)."""

    SLACK = 0.001  # seconds: the clocks of the sender and the fake may read a hair apart

    def __init__(self, limits: Limits):
        self.limits = limits
        self.capacity = limits.burst or limits.per_second
        self.tokens, self.at = self.capacity, time.monotonic()
        self.due: dict[str, float] = {}  # recipient -> when their next message is due

    def take(self, recipient: str, now: float) -> tuple[str, float] | None:
        """None when the send may go, else (which limit, seconds until it may)."""
        limits = self.limits
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * limits.per_second)
        self.at = now
        if self.tokens < 1:
            return "account", (1 - self.tokens) / limits.per_second
        if limits.pair_interval and recipient:
            due = max(self.due.get(recipient, now), now)
            early = due - now - (limits.pair_burst - 1) * limits.pair_interval
            if early > self.SLACK:
                return "pair", early
            self.due[recipient] = due + limits.pair_interval
        self.tokens -= 1
        return None


@dataclass
class Seen:
    method: str
    path: str
    headers: dict
    body: bytes
    at: float = field(default_factory=time.monotonic)  # when it arrived

    def json(self):
        return json.loads(self.body or b"{}")


@dataclass
class FakeServer:
    token: str = "TEST-TOKEN"
    requests: list[Seen] = field(default_factory=list)
    failures: list[tuple[str, int, dict | None]] = field(default_factory=list)
    counter: int = 0
    delay: float = 0.0
    # media id / file_id -> bytes served for it (voice notes, videos, documents); jpeg otherwise
    files: dict[str, bytes] = field(default_factory=dict)
    # the provider's send limits, enforced when given (see Limits); refusals are recorded
    limits: "Limits | None" = None
    throttled: list[tuple[str, str]] = field(default_factory=list)  # (limit, recipient)

    def start(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _go(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                seen = Seen(self.command, self.path, dict(self.headers), body)
                with fake.lock:
                    fake.requests.append(seen)
                    fake.counter += 1
                    n = fake.counter
                    failure = fake._take_failure(self.path)
                    if failure is None and fake.meter is not None:
                        failure = fake._throttle(seen)
                if fake.delay:
                    import time

                    time.sleep(fake.delay)
                if failure is not None:
                    status, payload = failure
                    return self._send(status, payload)
                status, payload = fake.answer(seen, n)
                self._send(status, payload)

            def _send(self, status, payload):
                if isinstance(payload, bytes):
                    data, ctype = payload, "image/jpeg"
                else:
                    data, ctype = json.dumps(payload).encode(), "application/json"
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                if status == 429:
                    wait = payload.get("parameters", {}).get("retry_after", 0) if isinstance(
                        payload, dict) else 0
                    self.send_header("Retry-After", str(wait))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _go

        self.lock = threading.Lock()
        self.meter = Meter(self.limits) if self.limits else None
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def fail(self, path_part: str, *statuses: int, payload: dict | None = None):
        for status in statuses:
            self.failures.append((path_part, status, payload))

    def _take_failure(self, path: str):
        for i, (part, status, payload) in enumerate(self.failures):
            if part in path:
                del self.failures[i]
                return status, payload if payload is not None else self.error_body(status)
        return None

    def sent(self, part: str = "") -> list[Seen]:
        return [r for r in self.requests if r.method == "POST" and part in r.path]

    def error_body(self, status: int) -> dict:
        return {"error": {"message": "fake failure", "type": "OAuthException", "code": status}}

    def answer(self, seen: Seen, n: int):
        raise NotImplementedError

    def metered(self, seen: Seen) -> tuple[bool, str]:
        """Is this request a message the limits count, and to whom."""
        return False, ""

    def too_fast(self, limit: str, wait: float) -> tuple[int, dict]:
        raise NotImplementedError

    def _throttle(self, seen: Seen):  # under self.lock
        counted, recipient = self.metered(seen)
        if not counted:
            return None
        refused = self.meter.take(recipient, seen.at)
        if refused is None:
            return None
        self.throttled.append((refused[0], recipient))
        return self.too_fast(*refused)


class FakeGraph(FakeServer):
    """Meta Graph API: /{phone-number-id}/messages (WhatsApp), /{page-or-ig-id}/messages
    (Messenger), /{comment-id}/replies, GET /{media-id} then the media url.

    With `limits` (WHATSAPP_LIMITS: Meta's documented ones) WhatsApp sends beyond the
    number's throughput get error 130429, beyond the pair rate to one person 131056."""

    def metered(self, seen: Seen) -> tuple[bool, str]:
        if seen.method != "POST" or not seen.path.split("?")[0].endswith("/messages"):
            return False, ""
        body = seen.json()
        if body.get("messaging_product") != "whatsapp":
            return False, ""
        return True, str(body.get("to", ""))

    def too_fast(self, limit: str, wait: float) -> tuple[int, dict]:
        return wa_error(130429 if limit == "account" else 131056, transient=True)

    def answer(self, seen: Seen, n: int):
        auth = seen.headers.get("Authorization", "")
        path = seen.path.split("?")[0]
        if path.startswith("/cdn/"):  # Messenger/Instagram attachment URLs: no token
            return 200, jpeg()
        if auth != f"Bearer {self.token}":
            return 401, {"error": {"message": "Invalid OAuth access token.",
                                   "type": "OAuthException", "code": 190}}
        if seen.method == "GET" and path.startswith("/media-bytes/"):
            return 200, self.files.get(path.rsplit("/", 1)[-1]) or jpeg()
        if seen.method == "GET":
            media_id = path.strip("/").split("/")[-1]
            return 200, {"messaging_product": "whatsapp", "url": f"{self.url}/media-bytes/"
                         f"{media_id}", "mime_type": "image/jpeg", "sha256": "x",
                         "file_size": 1000, "id": media_id}
        body = seen.json()
        if path.endswith("/replies"):
            return 200, {"id": f"1790{n:08d}"}
        if body.get("messaging_product") == "whatsapp":
            return 200, {"messaging_product": "whatsapp",
                         "contacts": [{"input": body.get("to"), "wa_id": body.get("to")}],
                         "messages": [{"id": f"wamid.OUT{n:06d}"}]}
        recipient = body.get("recipient", {})
        quick = (body.get("message") or {}).get("quick_replies") or []
        if len(quick) > 13 or any(q.get("content_type") == "text" and not q.get("title")
                                  for q in quick):  # documented: 13 at most, text has a title
            return 400, {"error": {"message": "(#100) Invalid quick_replies", "type":
                                   "OAuthException", "code": 100, "fbtrace_id": "AqR"}}
        return 200, {"recipient_id": recipient.get("id", "1254"), "message_id": f"m_OUT{n}"}


# WhatsApp Cloud API error bodies as documented (Graph error object with the WhatsApp code,
# error_data.details, and is_transient / error_subcode where Meta sends them).
WA_ERRORS = {
    130429: (400, "(#130429) Rate limit hit", "Cloud API message throughput has been reached."),
    131056: (400, "(#131056) (Business Account, Consumer Account) pair rate limit hit",
             "Message failed to send because there were too many messages sent from this "
             "phone number to the same phone number in a short period of time."),
    131047: (400, "(#131047) Re-engagement message",
             "Message failed to send because more than 24 hours have passed since the "
             "customer last replied to this number."),
    131026: (400, "(#131026) Message undeliverable", "Message Undeliverable."),
    131049: (400, "(#131049) This message was not delivered to maintain healthy ecosystem "
             "engagement.", "In order to maintain a healthy ecosystem engagement, the message "
             "failed to be delivered."),
    131051: (400, "(#131051) Unsupported message type", "Message type is not currently "
             "supported."),
    190: (401, "Error validating access token: Session has expired.", ""),
    10: (403, "(#10) Application does not have permission for this action", ""),
    200: (403, "(#200) Requires whatsapp_business_messaging permission", ""),
    131000: (500, "(#131000) Something went wrong", "Message failed to send because of an "
             "unknown error."),
}


def wa_error(code: int, *, transient: bool | None = None, subcode: int | None = None
             ) -> tuple[int, dict]:
    status, message, details = WA_ERRORS[code]
    error = {"message": message, "type": "OAuthException", "code": code,
             "fbtrace_id": "AbCdEfGhIjKlMnOpQrStUvW"}
    if details:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details}
    if subcode is not None:
        error["error_subcode"] = subcode
    if transient is not None:
        error["is_transient"] = transient
    return status, {"error": error}


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
