"""Organisation and categories for a city, from data. Surakarta is data, not code."""

import json
from pathlib import Path

from django.db import transaction

from aduan.org.models import Unit
from aduan.regions.models import Region
from aduan.sla.seed import seed_default_policies

from .models import Category
from .routing import TRIAGE_UNIT_CODE

TAXONOMY = Path(__file__).resolve().parent / "data" / "taxonomy.json"


def _unit(code: str, **fields) -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        return Unit.objects.create(code=code, **fields)
    changed = {k: v for k, v in fields.items() if getattr(unit, k) != v}
    for key, value in changed.items():
        setattr(unit, key, value)
    if changed:
        unit.save()
    return unit


def _slug(code: str) -> str:
    return code.replace(".", "-")


@transaction.atomic
def seed_city_organisation(city_code: str) -> int:
    """Pemkot, kecamatan and kelurahan offices, triage team, agencies and categories."""
    city = Region.objects.get(code=city_code)
    before = Unit.objects.count()
    pemkot = _unit(f"pemkot-{_slug(city_code)}", name=f"Pemerintah {city.name}",
                   short_name="Pemkot", kind=Unit.Kind.PEMKOT, region=city, parent=None)
    _unit(TRIAGE_UNIT_CODE, name="Tim Khusus Pengaduan", short_name="Tim Triase",
          kind=Unit.Kind.TEAM, parent=pemkot)
    kecamatan_units = {}
    for kec in Region.objects.filter(parent=city, level=Region.Level.KECAMATAN):
        kecamatan_units[kec.code] = _unit(
            f"kec-{_slug(kec.code)}", name=f"Kecamatan {kec.name}", kind=Unit.Kind.KECAMATAN,
            region=kec, parent=pemkot,
        )
    for kel in Region.objects.filter(parent__parent=city, level=Region.Level.KELURAHAN):
        _unit(f"kel-{_slug(kel.code)}", name=f"Kelurahan {kel.name}", kind=Unit.Kind.KELURAHAN,
              region=kel, parent=kecamatan_units[kel.parent_id])
    taxonomy = json.loads(TAXONOMY.read_text(encoding="utf-8"))
    owners: dict[str, Unit] = {}
    for agency in taxonomy["agencies"]:
        dinas = _unit(agency["code"], name=agency["name"], short_name=agency["short_name"],
                      kind=Unit.Kind.DINAS, parent=pemkot)
        owners[agency["code"]] = dinas
        for code, name in agency.get("bidang", []):
            _unit(f"{agency['code']}-{code}", name=name, kind=Unit.Kind.BIDANG, parent=dinas)
    for body in taxonomy["external"]:
        owners[body["code"]] = _unit(body["code"], name=body["name"],
                                     short_name=body["short_name"], kind=Unit.Kind.EXTERNAL,
                                     parent=None)
    for order, cat in enumerate(taxonomy["categories"]):
        Category.objects.update_or_create(code=cat["code"], defaults={
            "name": cat["name"], "name_en": cat.get("name_en", ""),
            "owner": owners.get(cat.get("owner", "")),
            "owner_rule": cat.get("owner_rule", Category.OwnerRule.UNIT),
            "requires_after_photo": cat.get("after_photo", True),
            "may_hold_identity": cat.get("identity", False),
            "is_emergency": cat.get("emergency", False),
            "sort_order": order,
        })
    seed_default_policies()
    return Unit.objects.count() - before


def add_rt_rw(kelurahan_code: str, layout: dict[int, list[int]]) -> int:
    """Create RW and RT units under a kelurahan office (idempotent)."""
    office = Unit.objects.get(region_id=kelurahan_code, kind=Unit.Kind.KELURAHAN)
    slug = kelurahan_code.replace(".", "-")
    created = 0
    for rw, rts in layout.items():
        rw_unit, new = Unit.objects.get_or_create(
            code=f"rw-{slug}-{rw:02d}",
            defaults={"name": f"RW {rw:02d} {office.region.name}", "kind": Unit.Kind.RW,
                      "parent": office, "region_id": kelurahan_code, "number": rw})
        created += new
        for rt in rts:
            _, new = Unit.objects.get_or_create(
                code=f"rt-{slug}-{rw:02d}-{rt:02d}",
                defaults={"name": f"RT {rt:02d}/RW {rw:02d} {office.region.name}",
                          "kind": Unit.Kind.RT, "parent": rw_unit, "region_id": kelurahan_code,
                          "number": rt})
            created += new
    return created


def load_rt_rw_csv(lines) -> int:
    """Bulk-load RW/RT from CSV rows `kelurahan_code,rw,rt` (header required)."""
    import csv

    layout: dict[str, dict[int, list[int]]] = {}
    for row in csv.DictReader(lines):
        code = (row.get("kelurahan_code") or "").strip()
        rw, rt = int(row["rw"]), int(row["rt"])
        layout.setdefault(code, {}).setdefault(rw, []).append(rt)
    created = 0
    with transaction.atomic():
        for code, rws in layout.items():
            created += add_rt_rw(code, rws)
    return created
