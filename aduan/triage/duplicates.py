"""Is a new complaint the same problem as an open one? Score place, time and meaning.

The caller (intake) passes the open complaints it considers; this module never queries
complaints. Score = 0.55 x text similarity (TF-IDF cosine of character n-grams of the
normalised texts) + 0.30 x place closeness + 0.15 x time closeness, times 0.6 when the
categories differ. Candidates at or above OFFER_THRESHOLD are offered to the team for
merging; at or above LINK_THRESHOLD, with text and place both close, they are near-certain
and may be linked automatically.
"""

import math
from dataclasses import dataclass
from datetime import datetime

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from .normalize import normalize

OFFER_THRESHOLD = 0.45
LINK_THRESHOLD = 0.75
LINK_MIN_TEXT = 0.55
LINK_MIN_PLACE = 0.6
MAX_DISTANCE_M = 400.0
MAX_AGE_HOURS = 14 * 24
WEIGHTS = {"text": 0.55, "place": 0.30, "time": 0.15}
OTHER_CATEGORY_FACTOR = 0.6


@dataclass(frozen=True)
class Candidate:
    id: object
    text: str
    created_at: datetime
    lat: float | None = None
    lng: float | None = None
    region_code: str | None = None
    category: str | None = None


@dataclass(frozen=True)
class Match:
    id: object
    score: float
    text_similarity: float
    place_score: float
    distance_m: float | None
    hours_apart: float
    near_certain: bool


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    r = 6371000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def _place_score(lat, lng, region_code, c: Candidate) -> tuple[float, float | None]:
    if None not in (lat, lng, c.lat, c.lng):
        d = distance_m(lat, lng, c.lat, c.lng)
        return max(0.0, 1.0 - d / MAX_DISTANCE_M), d
    if region_code and c.region_code:
        if region_code == c.region_code:
            return 0.8, None
        if region_code.startswith(c.region_code + ".") or c.region_code.startswith(
            region_code + "."
        ):
            return 0.6, None  # a kelurahan and the kecamatan that holds it
        if region_code.rsplit(".", 1)[0] == c.region_code.rsplit(".", 1)[0]:
            return 0.3, None  # two kelurahan of one kecamatan
        return 0.0, None
    return 0.3, None  # place unknown on one side: neither evidence for nor against


def find_duplicates(text: str, created_at: datetime, candidates: list[Candidate],
                    lat: float | None = None, lng: float | None = None,
                    region_code: str | None = None, category: str | None = None,
                    ) -> list[Match]:
    """Candidates scoring at least OFFER_THRESHOLD, best first."""
    if not candidates:
        return []
    docs = [normalize(text)] + [normalize(c.text) for c in candidates]
    vectoriser = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    try:
        matrix = vectoriser.fit_transform(docs)
        sims = cosine_similarity(matrix[0], matrix[1:])[0]
    except ValueError:  # every text empty after normalisation
        sims = [0.0] * len(candidates)
    matches = []
    for cand, sim in zip(candidates, sims, strict=True):
        hours = abs((created_at - cand.created_at).total_seconds()) / 3600
        time_score = max(0.0, 1.0 - hours / MAX_AGE_HOURS)
        place, dist = _place_score(lat, lng, region_code, cand)
        if place == 0.0:
            continue  # both places known and far apart: another problem, however alike
        score = (WEIGHTS["text"] * float(sim) + WEIGHTS["place"] * place
                 + WEIGHTS["time"] * time_score)
        if category and cand.category and category != cand.category:
            score *= OTHER_CATEGORY_FACTOR
        if score < OFFER_THRESHOLD:
            continue
        near = (score >= LINK_THRESHOLD and sim >= LINK_MIN_TEXT and place >= LINK_MIN_PLACE)
        matches.append(Match(cand.id, round(score, 4), round(float(sim), 4), round(place, 4),
                             None if dist is None else round(dist, 1), round(hours, 2), near))
    return sorted(matches, key=lambda m: m.score, reverse=True)
