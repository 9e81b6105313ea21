"""Who may see and act on what: visibility follows the unit tree.

A user sees what their units (and their descendants) own. The triage team, the mayor and
the Sekda see everything; the mayor and Sekda read only. Superusers see everything.

A complaint about an official or unit (`about_unit`) is never seen by that unit nor by
anyone inside it, whoever owns it: `complaint_q` and `sees_complaint` are the rule for
complaints; `unit_q` and `covers` are for units.
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
    _chain_ids: list[int] | None = None

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

    def chain_ids(self) -> list[int]:
        """Ids of the user's units and all their ancestors: a complaint about any of them
        is about the user's own unit (or a unit above it that the user belongs to)."""
        if self._chain_ids is None:
            codes = {code for unit in self.units for code in unit.path.split("/") if code}
            self._chain_ids = list(Unit.objects.filter(code__in=codes)
                                   .values_list("pk", flat=True)) if codes else []
        return self._chain_ids

    def complaint_q(self, prefix: str = "") -> Q:
        """Q for complaints (through `prefix`, e.g. "complaint__") the user may see: owned
        within their units, and not about their own unit or a unit they belong to."""
        if self.sees_all:
            return Q()
        return Q(**{f"{prefix}owner__in": self.unit_ids()}) & ~Q(
            **{f"{prefix}about_unit__in": self.chain_ids()})

    def sees_complaint(self, complaint) -> bool:
        if self.sees_all:
            return True
        if complaint.about_unit_id is not None and complaint.about_unit_id in self.chain_ids():
            return False
        return self.covers(complaint.owner)

    def may_act_on_complaint(self, complaint) -> bool:
        return self.may_act_on(complaint.owner) and (
            self.is_triage or self.sees_complaint(complaint))

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
