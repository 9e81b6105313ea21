"""Who can answer for a unit: units with and without an active official.

An official counts as active when their position is active, their account is active,
their role may act (the mayor and the Sekda only read), and they can be reached: they
can log in (a usable password) or they have linked a chat app. A unit without one
cannot answer a complaint, so routing passes over it (see `complaints/routing.py`) and
the command centre and `aduan sla-audit` flag it.
"""

from time import monotonic

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.signals import post_delete, post_save

from .models import Official, Unit


def active_officials_q(prefix: str = "") -> Q:
    """Q over Official (or, with `prefix="officials__"`, over a relation to it)."""
    p = prefix
    reachable = (
        (~Q(**{f"{p}user__password__startswith": UNUSABLE_PASSWORD_PREFIX})
         & ~Q(**{f"{p}user__password": ""}))
        | ~Q(**{f"{p}telegram_chat_id": ""})
        | ~Q(**{f"{p}whatsapp_number": ""})
    )
    return (Q(**{f"{p}is_active": True}, **{f"{p}user__is_active": True})
            & ~Q(**{f"{p}role__in": list(Official.READ_ONLY_ROLES)}) & reachable)


def active_officials() -> QuerySet:
    return Official.objects.filter(active_officials_q())


CACHE_SECONDS = 30
_cache: dict = {"at": -1e9, "ids": frozenset(), "nearest": {}}


def staffed_unit_ids() -> frozenset[int]:
    """Ids of units with at least one active official: one query, then kept for
    `CACHE_SECONDS` (dropped at once when an official or a user is saved in this process),
    so routing a complaint costs no query for it."""
    now = monotonic()
    # Tests roll back without signals, so they always read afresh.
    if now - _cache["at"] > CACHE_SECONDS or getattr(settings, "TESTING", False):
        ids = active_officials().values_list("unit_id", flat=True).distinct()
        _cache.update(ids=frozenset(ids), at=now, nearest={})
    return _cache["ids"]


def forget(**kwargs) -> None:
    _cache["at"] = -1e9


post_save.connect(forget, sender=Official, dispatch_uid="staffing-official-saved")
post_delete.connect(forget, sender=Official, dispatch_uid="staffing-official-deleted")
post_save.connect(forget, sender=settings.AUTH_USER_MODEL, dispatch_uid="staffing-user-saved")
post_save.connect(forget, sender=Unit, dispatch_uid="staffing-unit-saved")


def unstaffed_units(units: QuerySet | None = None) -> QuerySet:
    """Active units with no active official (one query; pass a Unit queryset to narrow)."""
    units = Unit.objects.all() if units is None else units
    staffed = active_officials().filter(unit=OuterRef("pk"))
    return units.filter(is_active=True).filter(~Exists(staffed))


def is_staffed(unit: Unit) -> bool:
    return active_officials().filter(unit=unit).exists()


def nearest_staffed(unit: Unit) -> tuple[Unit | None, list[Unit]]:
    """The unit itself or its nearest active ancestor with an active official, and the
    units passed over on the way (one query, then remembered with the staffed units).
    (None, chain) when nobody above answers."""
    staffed = staffed_unit_ids()
    key = (unit.pk, unit.path)
    if key not in _cache["nearest"]:
        _cache["nearest"][key] = _nearest(unit, staffed)
    found, skipped = _cache["nearest"][key]
    return found, list(skipped)


def _nearest(unit: Unit, staffed: frozenset[int]) -> tuple[Unit | None, list[Unit]]:
    codes = [c for c in unit.path.split("/") if c]
    chain = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    ordered = [chain[c] for c in reversed(codes) if c in chain]  # the unit first, then up
    skipped: list[Unit] = []
    for candidate in ordered:
        if candidate.is_active and candidate.pk in staffed:
            return candidate, skipped
        skipped.append(candidate)
    return None, skipped
