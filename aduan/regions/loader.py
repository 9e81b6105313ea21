"""Load one kabupaten/kota from the national region list shipped in the package."""

import csv
import json
from pathlib import Path

from django.db import transaction

from .models import Region

DATA = Path(__file__).resolve().parent.parent / "data"
WILAYAH_CSV = DATA / "wilayah_indonesia.csv"
BOUNDARY_FILES = {
    "33.72": [
        DATA / "surakarta" / "surakarta_kota.geojson",
        DATA / "surakarta" / "surakarta_kecamatan.geojson",
        DATA / "surakarta" / "surakarta_kelurahan.geojson",
    ]
}


class UnknownCity(ValueError):
    pass


def _rows_for(code: str) -> list[dict]:
    wanted: list[dict] = []
    ancestors = {code.rsplit(".", 1)[0]} if "." in code else set()
    with WILAYAH_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            row_code = row["code"]
            if row_code == code or row_code.startswith(code + ".") or row_code in ancestors:
                wanted.append(row)
    return wanted


def seed_city(code: str) -> dict[str, int]:
    """Create or update the province, the city, its kecamatan and kelurahan. Idempotent."""
    rows = _rows_for(code)
    city = next((r for r in rows if r["code"] == code), None)
    if city is None or city["level"] != Region.Level.KABUPATEN_KOTA:
        raise UnknownCity(f"{code!r} is not a kabupaten/kota code in the national list")
    rows.sort(key=lambda r: len(r["code"]))
    counts: dict[str, int] = {}
    with transaction.atomic():
        existing = set(Region.objects.filter(code__in=[r["code"] for r in rows]).values_list(
            "code", flat=True
        ))
        for row in rows:
            defaults = {"name": row["name"], "level": row["level"],
                        "parent_id": row["parent_code"] or None}
            if row["code"] in existing:
                Region.objects.filter(code=row["code"]).update(**defaults)
            else:
                Region.objects.create(code=row["code"], **defaults)
            counts[row["level"]] = counts.get(row["level"], 0) + 1
        counts["boundaries"] = load_boundaries(code)
    return counts


def load_boundaries(code: str, files: list[Path] | None = None) -> int:
    loaded = 0
    for path in files if files is not None else BOUNDARY_FILES.get(code, []):
        collection = json.loads(path.read_text(encoding="utf-8"))
        for feature in collection.get("features", []):
            props = feature.get("properties") or {}
            updated = Region.objects.filter(code=props.get("code")).update(
                boundary=feature.get("geometry"),
                centroid_lat=props.get("centroid_lat"),
                centroid_lng=props.get("centroid_lng"),
            )
            loaded += updated
    return loaded


def city_regions(city_code: str):
    return Region.objects.filter(code__startswith=city_code + ".")


def kelurahan_at(lat: float, lng: float, city_code: str | None = None) -> Region | None:
    """The kelurahan whose boundary contains the point, if boundaries are loaded."""
    from .geo import contains

    qs = Region.objects.filter(level=Region.Level.KELURAHAN, boundary__isnull=False)
    if city_code:
        qs = qs.filter(code__startswith=city_code + ".")
    for region in qs:
        if contains(region.boundary, lat, lng):
            return region
    return None
