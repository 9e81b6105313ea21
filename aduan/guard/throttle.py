"""Rate limits: 429 with Retry-After, counted per client address and per reporter or API
key, shared by every process (settings ADUAN_RATE_* as "count/period").

Counters are fixed windows. On the database (the default) one INSERT .. ON CONFLICT DO
UPDATE .. RETURNING per key and hit counts atomically on SQLite and PostgreSQL; with
ADUAN_REDIS_URL the counters live in Redis (atomic INCR) instead. django-ratelimit was
tried first: on a database cache it is not atomic (its own check E003 refuses it) and
costs five queries a key.
"""

import hashlib
import ipaddress
import re
import time

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from . import refusals
from .models import RateCounter

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RATE = re.compile(r"^(\d+)/(\d*)([smhd])$")


def parse_rate(rate: str) -> tuple[int, int]:
    """"10/h" -> (10, 3600); "5/15m" -> (5, 900)."""
    match = RATE.match(rate.strip())
    if not match:
        raise ValueError(f"a rate looks like 10/h or 5/15m, not {rate!r}")
    count, number, unit = match.groups()
    return int(count), int(number or 1) * UNITS[unit]


def client_ip(request) -> str:
    """REMOTE_ADDR, or the address the last of ADUAN_PROXY_COUNT trusted proxies saw.
    IPv6 clients count per /64 (one household or phone gets many addresses)."""
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    hops = settings.ADUAN_PROXY_COUNT
    if hops:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                     if a.strip()]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:60]
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def _hit_database(key: str, window_end: int, now: int, delta: int) -> tuple[int, int]:
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, count, window_end) VALUES (%s, %s, %s) "
            f"ON CONFLICT (key) DO UPDATE SET "
            f"count = CASE WHEN {table}.window_end <= %s THEN %s ELSE {table}.count + %s END, "
            f"window_end = CASE WHEN {table}.window_end <= %s THEN %s "
            f"ELSE {table}.window_end END RETURNING count, window_end",
            [key, delta, window_end, now, delta, delta, now, window_end])
        count, end = cursor.fetchone()
    return int(count), int(end)


def _hit_redis(key: str, window_end: int, now: int, delta: int) -> tuple[int, int]:
    cache = caches["default"]
    key = f"rl:{key}:{window_end}"
    if cache.add(key, delta, timeout=window_end - now + 1):
        return delta, window_end
    return (cache.incr(key, delta) if delta else cache.get(key, 0)), window_end


def hit(key: str, rate: str, *, increment: bool = True) -> int | None:
    """Count one hit of `key` against `rate`; the seconds to wait when it is over."""
    if not key:
        return None
    limit, period = parse_rate(rate)
    now = int(time.time())
    window_end = now - now % period + period
    digest = hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:40]
    counted = _hit_redis if settings.REDIS_URL else _hit_database
    count, end = counted(f"{period}:{digest}", window_end, now, 1 if increment else 0)
    over = count > limit if increment else count >= limit  # a peek: is the next one over?
    return max(1, end - now) if over else None


def first_limit(group: str, rate: str, values, *, increment: bool = True) -> int | None:
    """Count a hit for every key (address, reporter, ...); the longest wait if any is over."""
    waits = [hit(f"{group}:{value}", rate, increment=increment) for value in values if value]
    waits = [w for w in waits if w]
    return max(waits) if waits else None


def too_many(request, wait: int, *, json: bool = False, source: str = "web") -> HttpResponse:
    refusals.record(source, "rate_limited")
    message = _("Terlalu banyak permintaan. Silakan coba lagi dalam %(seconds)s detik.") % {
        "seconds": wait}
    if json:
        response = JsonResponse({"error": {"status": 429, "detail": message}}, status=429)
    else:
        response = HttpResponse(render_to_string("guard/429.html", {"message": message,
                                                                    "wait": wait},
                                                 request=request), status=429)
    response["Retry-After"] = str(wait)
    return response


def reporter_from_post(request) -> str:
    """The reporter a form or Open311 POST names (phone or e-mail), normalised."""
    for name in ("phone", "email", "contact"):
        value = "".join(request.POST.get(name, "").split()).lower()
        if value:
            return f"reporter:{value[:100]}"
    return ""
