"""The "plain" channel's provider faked on 127.0.0.1 (see parse.py and send.py): records
every send, serves media, can enforce Limits (429 with retry_after) and fail on cue."""

import math
from dataclasses import dataclass

from aduan.channels.tests.fake_server import FakeServer, Seen, jpeg


@dataclass
class FakePlain(FakeServer):
    def answer(self, seen: Seen, n: int):
        if seen.headers.get("Authorization", "") != f"Bearer {self.token}":
            return 401, {"error": {"message": "bad token", "code": 401}}
        path = seen.path.split("?")[0]
        if seen.method == "GET" and path.startswith("/media/"):
            return 200, self.files.get(path.rsplit("/", 1)[-1]) or jpeg()
        if seen.method == "POST" and path == "/send":
            return 200, {"id": f"out-{n}"}
        return 404, {"error": {"message": "not found", "code": 404}}

    def metered(self, seen: Seen) -> tuple[bool, str]:
        if seen.method != "POST" or seen.path.split("?")[0] != "/send":
            return False, ""
        return True, str(seen.json().get("to", ""))

    def too_fast(self, limit: str, wait: float) -> tuple[int, dict]:
        retry = max(1, math.ceil(wait))
        return 429, {"error": {"message": f"too fast ({limit})", "code": 429},
                     "parameters": {"retry_after": retry}}

    def texts(self, to: str = "") -> list[str]:
        """What was sent, in order (to one recipient when given)."""
        return [r.json()["text"] for r in self.sent("/send") if to in ("", r.json()["to"])]
