"""Charts drawn on the server as inline SVG: no tiles, no CDN, no script.

- `choropleth(counts, link)`: the city's kelurahan from the shipped GeoJSON
  (`aduan/data/surakarta/`), shaded by a count, each shape a link;
- `trend(weeks, link)`: weekly bars (received) with the share answered within one
  working day as a line.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

DATA = Path(__file__).resolve().parent.parent / "data"
# light to dark: readable on a phone in the sun, distinguishable without colour names
SHADES = ["#f1f5f9", "#fde68a", "#fbbf24", "#f97316", "#dc2626", "#7f1d1d"]
WIDTH = 600


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    path: str  # SVG path data in the drawing's coordinates
    cx: float
    cy: float


def _files() -> list[Path]:
    return sorted(DATA.glob("*/*_kelurahan.geojson"))


@cache
def kelurahan_shapes() -> tuple[tuple[Shape, ...], int]:
    """Every shipped kelurahan as an SVG path, and the drawing's height."""
    features = []
    for file in _files():
        features += json.loads(file.read_text(encoding="utf-8"))["features"]
    if not features:
        return (), 0
    rings = {}
    lons, lats = [], []
    for f in features:
        geom = f["geometry"]
        polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        rings[f["properties"]["code"]] = polys
        for poly in polys:
            for ring in poly:
                lons += [p[0] for p in ring]
                lats += [p[1] for p in ring]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    kx = math.cos(math.radians((north + south) / 2))  # metres per degree, east vs north
    scale = (WIDTH - 8) / ((east - west) * kx)
    height = round((north - south) * scale + 8)

    def xy(p):
        return 4 + (p[0] - west) * kx * scale, 4 + (north - p[1]) * scale

    shapes = []
    for f in features:
        props = f["properties"]
        d = []
        for poly in rings[props["code"]]:
            for ring in poly:
                pts = [xy(p) for p in ring]
                d.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in pts) + "Z")
        cx, cy = xy((props.get("centroid_lng", 0), props.get("centroid_lat", 0)))
        shapes.append(Shape(props["code"], props["name"], "".join(d), cx, cy))
    return tuple(shapes), height


def shade(value: int, top: int) -> str:
    if not value or not top:
        return SHADES[0]
    step = math.ceil(value / top * (len(SHADES) - 1))
    return SHADES[max(1, min(step, len(SHADES) - 1))]


def choropleth(counts: dict[str, int], link=None, title: str = "") -> SafeString:
    """`counts`: kelurahan code -> number; `link(code)` -> URL or None."""
    shapes, height = kelurahan_shapes()
    if not shapes:
        return mark_safe("")
    top = max(counts.values(), default=0)
    parts = [f'<svg class="choropleth" viewBox="0 0 {WIDTH} {height}" role="img" '
             f'aria-label="{escape(title or _("Peta aduan per kelurahan"))}">']
    for s in shapes:
        n = counts.get(s.code, 0)
        label = escape(f"{s.name}: {n}")
        shape = (f'<path d="{s.path}" fill="{shade(n, top)}" stroke="#334155" '
                 f'stroke-width="0.8" data-code="{s.code}" data-n="{n}">'
                 f"<title>{label}</title></path>")
        href = link(s.code) if link else None
        parts.append(f'<a href="{escape(href)}">{shape}</a>' if href else shape)
    parts.append("</svg>")
    legend = "".join(f'<span><i style="background:{c}"></i>{_legend(i, top)}</span>'
                     for i, c in enumerate(SHADES) if i == 0 or top)
    return mark_safe("".join(parts) + f'<p class="legend">{legend}</p>')


def _legend(i: int, top: int) -> str:
    if i == 0:
        return "0"
    hi = math.floor(top * i / (len(SHADES) - 1))
    lo = math.floor(top * (i - 1) / (len(SHADES) - 1)) + 1
    return f"{lo}–{hi}" if hi > lo else f"{hi}"


def trend(weeks: list[dict], link=None) -> SafeString:
    """Bars: complaints received per week; line: share answered within a working day."""
    if not weeks:
        return mark_safe("")
    w, h, pad = 600, 180, 24
    top = max((wk["tally"].n for wk in weeks), default=0) or 1
    step = (w - 2 * pad) / len(weeks)
    parts = [f'<svg class="trend" viewBox="0 0 {w} {h + 30}" role="img" '
             f'aria-label="{escape(_("Tren mingguan"))}">',
             f'<line x1="{pad}" y1="{h}" x2="{w - pad}" y2="{h}" stroke="#94a3b8"/>']
    line = []
    for i, wk in enumerate(weeks):
        t = wk["tally"]
        bar = (h - pad) * t.n / top
        x = pad + i * step
        title = escape(_("%(week)s: %(n)s aduan") % {"week": wk["key"], "n": t.n})
        rect = (f'<rect x="{x + 2:.1f}" y="{h - bar:.1f}" width="{max(step - 4, 1):.1f}" '
                f'height="{bar:.1f}" fill="#2563eb" data-week="{wk["key"]}" data-n="{t.n}">'
                f"<title>{title}</title></rect>")
        href = link(wk["key"]) if link else None
        parts.append(f'<a href="{escape(href)}">{rect}</a>' if href else rect)
        if t.answered_share is not None:
            line.append(f"{x + step / 2:.1f},{h - (h - pad) * t.answered_share:.1f}")
        if i % max(1, len(weeks) // 6) == 0:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{h + 16}" font-size="11" '
                         f'text-anchor="middle" fill="#475569">W{wk["week"] % 100:02d}</text>')
    if len(line) > 1:
        parts.append(f'<polyline points="{" ".join(line)}" fill="none" stroke="#16a34a" '
                     'stroke-width="2.5"/>')
    parts.append(f'<text x="{pad}" y="14" font-size="11" fill="#475569">{top}</text></svg>')
    return mark_safe("".join(parts))
