"""Complaints about an official or a unit ("Pak RT susah dihubungi", "oknum petugas
kelurahan minta uang"): the named unit is skipped and the level above handles it.

The citizen may tick "aduan tentang petugas/unit" (web form, Open311, API), or triage
recognises it in the text (`triage/officials.py`). The named unit is kept on the complaint
(`about_unit`) so that visibility (`org/access.py`), reassignment and merging never give it
to that unit or anyone inside it; the reason goes on the (staff-only) timeline.
"""

from dataclasses import dataclass, field

from aduan.org.models import Unit
from aduan.regions.models import Region

from .models import Category
from .routing import _kelurahan, region_office, route

SUPERVISOR_CODE_HINT = "inspektorat"  # a dinas or kecamatan named goes to the inspectorate
LEVELS = ("rt", "rw", "kelurahan", "kecamatan")


def _office_chain(region: Region | None, rt: int | None, rw: int | None) -> dict[str, Unit]:
    """The kelurahan/kecamatan offices and the RW/RT units of a place, where known."""
    chain: dict[str, Unit] = {}
    if region is None:
        return chain
    office = region_office(_kelurahan(region) or region)
    if office is not None and office.kind == Unit.Kind.KELURAHAN:
        chain["kelurahan"] = office
        if office.parent is not None:
            chain["kecamatan"] = office.parent
    elif office is not None:
        chain["kecamatan"] = office
    local = region_office(region, rt, rw)
    if local is not None and local.kind == Unit.Kind.RT:
        chain["rt"], chain["rw"] = local, local.parent
    elif local is not None and local.kind == Unit.Kind.RW:
        chain["rw"] = local
    return chain


def above(unit: Unit) -> Unit | None:
    """Who handles a complaint about `unit`: the next active level up (RT→RW→kelurahan→
    kecamatan→Pemkot); a dinas or kecamatan goes to the inspectorate when the city has
    one, a bidang to its dinas."""
    if unit.kind in (Unit.Kind.DINAS, Unit.Kind.KECAMATAN, Unit.Kind.EXTERNAL):
        inspectorate = (Unit.objects.filter(is_active=True, code__icontains=SUPERVISOR_CODE_HINT)
                        .exclude(pk=unit.pk).first())
        if inspectorate is not None:
            return inspectorate
    parent = unit.parent
    while parent is not None and not parent.is_active:
        parent = parent.parent
    return parent


def route_around(level: str, category: Category | None, region: Region | None,
                 rt: int | None = None, rw: int | None = None,
                 ) -> tuple[Unit | None, Unit | None]:
    """(owner, named unit). The named unit is the one at `level` for the place, or, for
    "dinas" and "" (an unnamed "oknum"), the unit that would otherwise own the complaint.
    The owner is the level above it; (None, None) leaves the choice to the triage team."""
    chain = _office_chain(region, rt, rw)
    if level == "rt" and "rt" not in chain:
        # The head of an RT we cannot place: the RW (or kelurahan) above them all decides.
        return chain.get("rw") or chain.get("kelurahan"), None
    named = chain.get(level) if level in LEVELS else route(category, region, rt, rw)
    if named is None or named.kind in (Unit.Kind.TEAM, Unit.Kind.PEMKOT):
        return None, None
    return above(named), named


@dataclass
class AboutOfficial:
    """Why a complaint counts as about an official, who is skipped, who gets it."""

    source: str  # "citizen" (ticked by the reporter) or "text" (recognised by triage)
    level: str
    owner: Unit | None
    named: Unit | None
    phrases: list[str] = field(default_factory=list)

    def reason(self) -> str:
        said = f" ({', '.join(self.phrases)})" if self.phrases else ""
        why = ("pelapor menandai aduan tentang petugas/unit" if self.source == "citizen"
               else f"teks menyebut petugas dengan keluhan{said}")
        if self.named is not None and self.owner is not None:
            return (f"Aduan tentang petugas: {why}. {self.named} dilewati dan tidak dapat "
                    f"melihat aduan ini; diteruskan ke {self.owner}.")
        if self.owner is not None:
            return f"Aduan tentang petugas: {why}. Diteruskan ke {self.owner}."
        return f"Aduan tentang petugas: {why}. Tim triase memilih unit di atasnya."

    def data(self) -> dict:
        return {"source": self.source, "level": self.level, "phrases": self.phrases,
                "skipped": self.named.pk if self.named else None,
                "owner": self.owner.pk if self.owner else None}


def recognise(ticked: bool, found, category: Category | None, region: Region | None,
              rt: int | None, rw: int | None) -> AboutOfficial | None:
    """`found`: triage's OfficialMention (or None). None when it is not about an official."""
    if not ticked and found is None:
        return None
    level = found.level if found is not None else ""
    owner, named = route_around(level, category, region, rt, rw)
    return AboutOfficial(source="citizen" if ticked else "text", level=level, owner=owner,
                         named=named, phrases=list(found.phrases) if found else [])
