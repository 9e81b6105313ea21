"""Generic plumbing for local fake providers: a real HTTP server on 127.0.0.1 recording
every request, with scripted failures per path and optional send limits (Limits, Meter).
Each provider's fake lives in its channel's folder and subclasses FakeServer:
meta/tests/fake_graph.py (Graph API), telegram/tests/fake_bot_api.py (Bot API),
tests/plain/fake_api.py (the test-only "plain" channel).

    fake = SomeFake().start()          # settings.<PROVIDER>_URL = fake.url
    fake.fail("/messages", 500, 429)   # the next two sends fail, then success
"""

import io
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class KeptOpenHandler(BaseHTTPRequestHandler):
    """The request handler of every fake provider: HTTP/1.1 with its connections kept open,
    as the client (channels/http.py) keeps them, and quiet."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body leave at once: no 40 ms ACK stalls

    def log_message(self, *args):
        pass


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

        class Handler(KeptOpenHandler):
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
        return {"error": {"message": "fake failure", "code": status}}

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
