"""Who owns a complaint: routing rules first, then the category's owner rule.

No complaint waits for nobody: a unit without an active official (`org/staffing.py`)
never receives one; the nearest ancestor with one does (the triage team when nobody
above answers), and the reason goes on the complaint's timeline.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from aduan.org.models import Unit
from aduan.org.staffing import nearest_staffed
from aduan.regions.models import Region

from .models import Category, RoutingRule

TRIAGE_UNIT_CODE = "tim-triase"


def triage_unit() -> Unit:
    unit = Unit.objects.filter(kind=Unit.Kind.TEAM, code=TRIAGE_UNIT_CODE).first()
    if unit is None:
        unit = Unit.objects.filter(kind=Unit.Kind.TEAM).order_by("pk").first()
    if unit is None:
        pemkot = Unit.objects.filter(kind=Unit.Kind.PEMKOT).order_by("pk").first()
        unit = Unit.objects.create(
            code=TRIAGE_UNIT_CODE, name="Tim Khusus Pengaduan", kind=Unit.Kind.TEAM,
            parent=pemkot,
        )
    return unit


def _kelurahan(region: Region | None) -> Region | None:
    if region is None:
        return None
    return region if region.level == Region.Level.KELURAHAN else None


def region_office(region: Region | None, rt: int | None = None, rw: int | None = None):
    """The RT, RW, kelurahan or kecamatan office for a place, most local first."""
    if region is None:
        return None
    office = Unit.objects.filter(region=region, is_active=True,
                                 kind__in=[Unit.Kind.KELURAHAN, Unit.Kind.KECAMATAN]).first()
    if office is None or rw is None:
        return office
    rw_unit = Unit.objects.filter(parent=office, kind=Unit.Kind.RW, number=rw,
                                  is_active=True).first()
    if rw_unit is None:
        return office
    if rt is not None:
        rt_unit = Unit.objects.filter(parent=rw_unit, kind=Unit.Kind.RT, number=rt,
                                      is_active=True).first()
        if rt_unit is not None:
            return rt_unit
    return rw_unit


@dataclass
class Decision:
    """Where a complaint goes, the unit the rules named, and why they differ."""

    unit: Unit | None
    wanted: Unit | None = None
    skipped: list[Unit] = field(default_factory=list)

    @property
    def reason(self) -> str:
        if not self.skipped or self.unit is None:
            return ""
        return _("%(wanted)s belum punya petugas aktif; aduan diteruskan ke %(unit)s.") % {
            "wanted": ", ".join(str(u) for u in self.skipped), "unit": self.unit}

    @property
    def data(self) -> dict:
        if not self.skipped or self.wanted is None:
            return {}
        return {"wanted": self.wanted.pk, "unstaffed": [u.code for u in self.skipped]}


def route_decision(category: Category | None, region: Region | None,
                   rt: int | None = None, rw: int | None = None) -> Decision:
    """The staffed owner for (category, place): the rules' unit, or its nearest ancestor
    with an active official, or the triage team; Decision(None) when only triage decides."""
    wanted = rule_owner(category, region, rt, rw)
    if wanted is None:
        return Decision(None)
    unit, skipped = nearest_staffed(wanted)
    if unit is None:
        # Nobody up the tree answers (the mayor only reads; external bodies have no
        # parent): the triage team, which acts city-wide, takes it.
        unit = triage_unit()
        skipped = [u for u in skipped if u.kind != Unit.Kind.PEMKOT and u.pk != unit.pk]
    return Decision(unit, wanted, skipped)


def route(category: Category | None, region: Region | None,
          rt: int | None = None, rw: int | None = None) -> Unit | None:
    """The staffed owner unit for (category, place), or None when only triage can decide."""
    return route_decision(category, region, rt, rw).unit


def rule_owner(category: Category | None, region: Region | None,
               rt: int | None = None, rw: int | None = None) -> Unit | None:
    """The unit the rules name for (category, place), staffed or not."""
    if category is None:
        return None
    rules = list(RoutingRule.objects.filter(category=category).select_related("unit"))
    if rules:
        code = region.code if region else ""
        matching = [
            r for r in rules
            if r.region_id is None or code == r.region_id or code.startswith(r.region_id + ".")
        ]
        if matching:
            matching.sort(key=lambda r: (len(r.region_id or ""), r.priority), reverse=True)
            return matching[0].unit
    rule = category.owner_rule
    if rule == Category.OwnerRule.TRIAGE:
        return None
    if rule in (Category.OwnerRule.KELURAHAN, Category.OwnerRule.RT):
        if rule == Category.OwnerRule.RT:
            return region_office(region, rt, rw) or category.owner
        return region_office(_kelurahan(region) or region) or category.owner
    return category.owner
