"""A small standard-library HTTP client for provider APIs, with errors sorted for retrying.

`Retryable` covers 5xx, 429, timeouts and connection failures; `Rejected` every other 4xx.
Tokens never appear in error messages (URLs are shown without query, Telegram's
/bot<token>/ path segment is masked).

Connections are kept open and reused (HTTP/1.1 keep-alive), one set per thread and
process: a worker sending acknowledgements one after another to graph.facebook.com pays
the TCP and TLS handshakes (two round trips) once, not before every message. A reused
connection the server has meanwhile closed is replaced and the request sent once more
(the server never read it); one idle longer than `IDLE_SECONDS` is not reused. Redirects
are followed for GET (at most five; the token is not sent to another host). With a proxy
configured in the environment (HTTPS_PROXY and the like) requests go through urllib,
one connection each, as before.
"""

import http.client
import json
import os
import re
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

TIMEOUT = 15
MAX_DOWNLOAD = 16 * 1024 * 1024
IDLE_SECONDS = 4.0  # below the keep-alive timeouts servers commonly use (5 s and up)
REDIRECTS = 5
USER_AGENT = "Aduan"


class ProviderError(Exception):
    """`code`, `subcode`, `transient`: the provider's own error fields when its body has
    them (Graph `error.code/error_subcode/is_transient`, Telegram `error_code`)."""

    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None,
                 code: int | None = None, subcode: int | None = None,
                 transient: bool | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        self.code, self.subcode, self.transient = code, subcode, transient


class Retryable(ProviderError):
    """5xx, 429, timeout, connection refused: try again later."""


class Rejected(ProviderError):
    """Another 4xx: the request itself is wrong; retrying will not help."""


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str

    def json(self) -> dict:
        try:
            data = json.loads(self.body or b"{}")
        except ValueError as exc:
            raise Retryable(f"provider answered {self.status} with non-JSON body") from exc
        return data if isinstance(data, dict) else {"result": data}


def safe_url(url: str) -> str:
    return re.sub(r"/bot[^/]+/", "/bot***/", url.split("?")[0])


def request(method: str, url: str, *, json_body=None, data: bytes | None = None,
            token: str = "", headers: dict | None = None, timeout: float = TIMEOUT,
            limit: int = MAX_DOWNLOAD) -> Response:
    headers = {"User-Agent": USER_AGENT, **(headers or {})}
    if json_body is not None:
        data = json.dumps(json_body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Rejected(f"{safe_url(url)}: not an http(s) URL")
    if _proxied(parts):
        return _through_urllib(method, url, data, headers, timeout, limit)
    for _hop in range(REDIRECTS + 1):
        try:
            status, body, reply = _exchange(method, parts, data, headers, timeout, limit)
        except TimeoutError as exc:
            raise Retryable(f"{method} {safe_url(url)}: timeout") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise Retryable(f"{method} {safe_url(url)}: {exc.__class__.__name__}") from None
        location = reply.get("Location")
        if status in (301, 302, 303, 307, 308) and location and method in ("GET", "HEAD"):
            target = urllib.parse.urlsplit(urllib.parse.urljoin(url, location))
            if target.scheme not in ("http", "https") or not target.hostname:
                raise Rejected(f"{method} {safe_url(url)}: redirected to a non-http URL")
            if target.hostname != parts.hostname:
                headers.pop("Authorization", None)  # a token is for the host it was made for
            url, parts = urllib.parse.urlunsplit(target), target
            continue
        if status >= 300:
            raise _error_for(method, url, status, body, reply.get("Retry-After"))
        return Response(status, body, reply.get("Content-Type", ""))
    raise Rejected(f"{method} {safe_url(url)}: more than {REDIRECTS} redirects")


class _Pool(threading.local):
    def __init__(self):
        self.pid = os.getpid()
        self.open: dict[tuple, tuple[http.client.HTTPConnection, float]] = {}


_POOL = _Pool()
_TLS = ssl.create_default_context()


def _exchange(method: str, parts: urllib.parse.SplitResult, data: bytes | None,
              headers: dict, timeout: float, limit: int
              ) -> tuple[int, bytes, http.client.HTTPMessage]:
    """One request on this thread's kept-open connection to the host (or a new one)."""
    if _POOL.pid != os.getpid():  # a forked child must not share its parent's sockets
        _POOL.pid, _POOL.open = os.getpid(), {}
    https = parts.scheme == "https"
    key = (https, parts.hostname, parts.port)
    kept = _POOL.open.pop(key, None)
    conn = None
    if kept is not None:
        conn, last_used = kept
        if time.monotonic() - last_used > IDLE_SECONDS:
            conn.close()
            conn = None
    reused = conn is not None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    while True:
        if conn is None:
            conn = (http.client.HTTPSConnection(parts.hostname, parts.port, timeout=timeout,
                                                context=_TLS) if https else
                    http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout))
        conn.timeout = timeout
        if conn.sock is not None:
            conn.sock.settimeout(timeout)
        try:
            conn.request(method, path, body=data, headers=headers)
            reply = conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            conn.close()
            if not reused:
                raise
            conn, reused = None, False  # closed by the server while idle: once more, fresh
            continue
        except BaseException:
            conn.close()
            raise
        try:
            body = reply.read(limit + 1 if reply.status < 300 else 4096)
            # Reusable only once the whole answer is read: a chunked one shows its end
            # only to one more read, which finds nothing.
            complete = reply.isclosed() or (reply.read(1) == b"" and reply.isclosed())
        except BaseException:
            conn.close()
            raise
        if complete and not reply.will_close:
            _POOL.open[key] = (conn, time.monotonic())
        else:
            conn.close()  # an unread rest or a server that closes: not reusable
        if reply.status < 300 and len(body) > limit:
            raise Rejected(f"{safe_url(urllib.parse.urlunsplit(parts))}: response larger "
                           f"than {limit} bytes")
        return reply.status, body, reply.headers


def _error_for(method: str, url: str, status: int, body: bytes, retry_header) -> ProviderError:
    """The error an answer with this status and body is: Retryable or Rejected."""
    detail = _error_detail(body)
    message = f"{method} {safe_url(url)}: HTTP {status} {detail}".strip()
    retry_after = _retry_after(retry_header, body)
    fields = error_fields(body)
    kind = Retryable if status == 429 or status >= 500 else Rejected
    return kind(message, status, retry_after, **fields)


def _proxied(parts: urllib.parse.SplitResult) -> bool:
    proxies = urllib.request.getproxies()
    return bool(proxies.get(parts.scheme)) and not urllib.request.proxy_bypass(
        parts.hostname or "")


def _through_urllib(method: str, url: str, data: bytes | None, headers: dict,
                    timeout: float, limit: int) -> Response:
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - provider URL
            body = resp.read(limit + 1)
            if len(body) > limit:
                raise Rejected(f"{safe_url(url)}: response larger than {limit} bytes")
            return Response(resp.status, body, resp.headers.get("Content-Type", ""))
    except urllib.error.HTTPError as exc:
        raise _error_for(method, url, exc.code, exc.read(4096),
                         exc.headers.get("Retry-After")) from None
    except TimeoutError as exc:
        raise Retryable(f"{method} {safe_url(url)}: timeout") from exc
    except urllib.error.URLError as exc:
        raise Retryable(f"{method} {safe_url(url)}: {exc.reason}") from None
    except (ConnectionError, OSError, http.client.HTTPException) as exc:
        raise Retryable(f"{method} {safe_url(url)}: {exc.__class__.__name__}") from None


def _error_detail(body: bytes) -> str:
    """Meta: {"error": {"message", "code"}}; Telegram: {"description", "error_code"}."""
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    if isinstance(data.get("error"), dict):
        err = data["error"]
        return f"{err.get('code', '')} {err.get('message', '')}"[:300].strip()
    if "description" in data:
        return str(data["description"])[:300]
    return ""


def error_fields(body: bytes) -> dict:
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    err = data.get("error")
    if isinstance(err, dict):
        def number(value):
            return value if isinstance(value, int) and not isinstance(value, bool) else None
        transient = err.get("is_transient")
        return {"code": number(err.get("code")), "subcode": number(err.get("error_subcode")),
                "transient": transient if isinstance(transient, bool) else None}
    code = data.get("error_code")
    return {"code": code} if isinstance(code, int) else {}


def _retry_after(header: str | None, body: bytes) -> float | None:
    try:
        if header:
            return float(header)
        data = json.loads(body or b"{}")
        return float(data.get("parameters", {}).get("retry_after"))
    except (TypeError, ValueError, AttributeError):
        return None
