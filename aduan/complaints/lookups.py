"""Rows every complaint intake reads again and again, kept per process.

Categories, places, the triage team, routing decisions (rules and staffed officials) and
the kelurahan list of the web form change a few times a year; reading them on every
complaint cost more than the complaint itself. Each is read once per process and dropped
when such a row is saved or deleted in this process, and at least every MEMO_SECONDS so an
edit made in another process shows within a minute.
"""

import threading
import time

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save

from aduan.org.models import Official, Unit
from aduan.regions.models import Region

from .models import Category, RoutingRule
from .routing import Decision, route_decision, triage_unit

MEMO_SECONDS = 60
_MEMO: dict[tuple, object] = {}
_lock = threading.Lock()
_since = [time.monotonic()]


def memo(key: tuple, load):
    """The value stored under key, loaded once (None is not kept: asked again next time)."""
    if time.monotonic() - _since[0] > MEMO_SECONDS:
        forget()
    try:
        return _MEMO[key]
    except KeyError:
        pass
    value = load()
    if value is not None:
        with _lock:
            _MEMO[key] = value
    return value


def forget(**kwargs) -> None:
    with _lock:
        _MEMO.clear()
        _since[0] = time.monotonic()


def children(code: str) -> list[str]:
    return memo(("children", code), lambda: list(
        Region.objects.filter(parent_id=code).values_list("code", flat=True)))


def region(code: str) -> Region | None:
    return memo(("region", code), lambda: Region.objects.filter(code=code)
                .select_related("parent").first())


def category(code: str | None) -> Category | None:
    if not code:
        return None
    return memo(("category", code), lambda: Category.objects.filter(code=code)
                .select_related("owner").first())


def triage_owner():
    return memo(("triage-unit",), triage_unit)


def route(category: Category | None, region: Region | None, rt: int | None = None,
          rw: int | None = None) -> Decision:
    """`routing.route_decision`, read once per (category, place) and process: the rules,
    the staffed units and the tree behind it are the rows dropped on any save below."""
    key = ("route", category.pk if category else None, region.pk if region else None, rt, rw)
    return memo(key, lambda: route_decision(category, region, rt, rw))


for _model in (Category, Region, Unit, RoutingRule, Official, get_user_model()):
    post_save.connect(forget, sender=_model, weak=False, dispatch_uid=f"lookups-{_model}")
    post_delete.connect(forget, sender=_model, weak=False, dispatch_uid=f"lookups-d-{_model}")
