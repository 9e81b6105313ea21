"""Wrong tries of a one-time code, per sender, counted for an hour in the shared cache
(officials' link codes: channels/officials/linking.py; citizens' link codes:
complaints/citizen_link.py). The sender is kept only as a hash in the key."""

import hashlib

from django.core.cache import cache

WINDOW_SECONDS = 3600


def _key(scope: str, sender: str) -> str:
    return f"aduan:{scope}:{hashlib.sha256(sender.encode()).hexdigest()[:32]}"


def blocked(scope: str, sender: str, limit: int) -> bool:
    """The sender has used up its `limit` wrong tries of this hour."""
    return cache.get(_key(scope, sender), 0) >= limit


def failed(scope: str, sender: str) -> None:
    """Count one wrong try (the hour starts at the first)."""
    key = _key(scope, sender)
    try:
        cache.add(key, 0, timeout=WINDOW_SECONDS)
        cache.incr(key)
    except ValueError:  # expired between add and incr: this try is not counted
        pass
