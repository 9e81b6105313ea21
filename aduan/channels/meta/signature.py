"""Meta's X-Hub-Signature-256: "sha256=" + hex HMAC-SHA256 of the raw body, app secret key."""

import hashlib
import hmac


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def valid(body: bytes, header: str, secret: str) -> bool:
    if not secret or not header:
        return False
    return hmac.compare_digest(sign(body, secret).encode(), header.strip().lower().encode())
