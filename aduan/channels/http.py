"""A small standard-library HTTP client for provider APIs, with errors sorted for retrying.

`Retryable` covers 5xx, 429, timeouts and connection failures; `Rejected` every other 4xx.
Tokens never appear in error messages (URLs are shown without query, Telegram's
/bot<token>/ path segment is masked).
"""

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass

TIMEOUT = 15
MAX_DOWNLOAD = 16 * 1024 * 1024


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
    headers = dict(headers or {})
    if json_body is not None:
        data = json.dumps(json_body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - provider URL
            body = resp.read(limit + 1)
            if len(body) > limit:
                raise Rejected(f"{safe_url(url)}: response larger than {limit} bytes")
            return Response(resp.status, body, resp.headers.get("Content-Type", ""))
    except urllib.error.HTTPError as exc:
        body = exc.read(4096)
        detail = _error_detail(body)
        message = f"{method} {safe_url(url)}: HTTP {exc.code} {detail}".strip()
        retry_after = _retry_after(exc.headers.get("Retry-After"), body)
        fields = error_fields(body)
        if exc.code == 429 or exc.code >= 500:
            raise Retryable(message, exc.code, retry_after, **fields) from None
        raise Rejected(message, exc.code, retry_after, **fields) from None
    except TimeoutError as exc:
        raise Retryable(f"{method} {safe_url(url)}: timeout") from exc
    except urllib.error.URLError as exc:
        raise Retryable(f"{method} {safe_url(url)}: {exc.reason}") from None
    except (ConnectionError, OSError) as exc:
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
