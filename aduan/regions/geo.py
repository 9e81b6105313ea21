"""Point-in-polygon on GeoJSON geometries (lng, lat order), no GIS library needed."""

from collections.abc import Iterable, Sequence

Ring = Sequence[Sequence[float]]


def _in_ring(lng: float, lat: float, ring: Ring) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lng < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def _polygons(geometry: dict) -> Iterable[Sequence[Ring]]:
    if geometry.get("type") == "Polygon":
        yield geometry["coordinates"]
    elif geometry.get("type") == "MultiPolygon":
        yield from geometry["coordinates"]


def contains(geometry: dict | None, lat: float, lng: float) -> bool:
    if not geometry:
        return False
    for rings in _polygons(geometry):
        if rings and _in_ring(lng, lat, rings[0]) and not any(
            _in_ring(lng, lat, hole) for hole in rings[1:]
        ):
            return True
    return False


def bbox(geometry: dict) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []
    for rings in _polygons(geometry):
        for ring in rings:
            for point in ring:
                xs.append(point[0])
                ys.append(point[1])
    return min(ys), min(xs), max(ys), max(xs)


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres."""
    from math import asin, cos, radians, sin, sqrt

    dlat, dlng = radians(lat2 - lat1), radians(lng2 - lng1)
    a = sin(dlat / 2) ** 2 + cos(radians(lat1)) * cos(radians(lat2)) * sin(dlng / 2) ** 2
    return 2 * 6_371_000 * asin(sqrt(a))
