"""Who may see and act on what: visibility follows the unit tree.

A user sees what their units (and their descendants) own. The triage team, the mayor and
the Sekda see everything; the mayor and Sekda read only. Superusers see everything.
"""

from dataclasses import dataclass, field

from django.db.models import Q

from .models import Official, Unit


@dataclass
class Access:
    units: list[Unit] = field(default_factory=list)
    sees_all: bool = False
    can_act: bool = False
    is_triage: bool = False

    _unit_ids: list[int] | None = None

    def unit_ids(self) -> list[int]:
        """Ids of the user's units and all their descendants (one query, then cached)."""
        if self._unit_ids is None:
            query = Q(pk__in=[])
            for unit in self.units:
                query |= unit.descendants_q()
            self._unit_ids = list(Unit.objects.filter(query).values_list("pk", flat=True))
        return self._unit_ids

    def unit_q(self, field_name: str = "owner") -> Q:
        """Q for rows whose unit (a foreign key path such as "owner", or "" for units
        themselves) lies within one of the user's units. Filters by unit ids, so the
        (owner, status, next_due) index serves queues of a million complaints."""
        if self.sees_all:
            return Q()
        return Q(**{f"{field_name}__in" if field_name else "pk__in": self.unit_ids()})

    def covers(self, unit: Unit | None) -> bool:
        if self.sees_all:
            return True
        return unit is not None and any(unit.is_within(own) for own in self.units)

    def may_act_on(self, unit: Unit | None) -> bool:
        if not self.can_act:
            return False
        if self.is_triage or (self.sees_all and self.can_act):
            return True
        return self.covers(unit)


def access_for(user) -> Access:
    if user is None or not user.is_authenticated:
        return Access()
    cached = getattr(user, "_aduan_access", None)
    if cached is not None:
        return cached
    positions = list(
        Official.objects.filter(user=user, is_active=True).select_related("unit")
    )
    roles = {p.role for p in positions}
    access = Access(units=[p.unit for p in positions])
    access.is_triage = Official.Role.TRIAGE in roles or user.is_superuser
    access.sees_all = access.is_triage or bool(roles & Official.READ_ONLY_ROLES)
    access.can_act = user.is_superuser or bool(roles - Official.READ_ONLY_ROLES)
    user._aduan_access = access
    return access
