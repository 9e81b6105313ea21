"""Is a new complaint the same problem as an open one? Score place, time and meaning.

The caller (intake) passes the open complaints it considers; this module never queries
complaints. Score = 0.55 x text similarity (TF-IDF cosine of character n-grams of the
normalised texts) + 0.30 x place closeness + 0.15 x time closeness, times 0.6 when the
categories differ.

Each text's n-grams are counted once (`signature`: hashed "char_wb" 3-5-grams with their
counts, a few hundred bytes stored with the complaint); comparing then weighs them by
inverse document frequency over the texts compared plus the shipped complaint corpus (so
common words weigh little however few candidates there are), without normalising or
vectorising any candidate again.

Candidates at or above OFFER_THRESHOLD are offered to the team for merging; at or above
LINK_THRESHOLD, with text and place both close, they are near-certain and may be linked
automatically.
"""

import csv
import math
import zlib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import numpy as np

from .normalize import normalize

OFFER_THRESHOLD = 0.45
LINK_THRESHOLD = 0.75
# Linking needs the same words, not the same topic: with the corpus IDF a reworded report
# of one pothole scores 0.81-0.92, two rubbish reports of one market 0.78 (offered only).
LINK_MIN_TEXT = 0.8
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
    signature: bytes = b""  # from `signature(text)`; computed here when empty


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


SEED_CSV = Path(__file__).resolve().parent / "data" / "seed_complaints.csv"
NGRAMS = (3, 5)
MAX_COUNT = 255


def signature(text: str) -> bytes:
    """The text's character 3-5-grams inside words (as scikit-learn's "char_wb"), hashed
    (CRC-32) and counted: n uint32 hashes, sorted, then n uint8 counts."""
    counts: Counter[int] = Counter()
    low, high = NGRAMS
    for word in normalize(text).split():
        padded = f" {word} "
        for n in range(low, high + 1):
            if n > len(padded):
                break
            for i in range(len(padded) - n + 1):
                counts[zlib.crc32(padded[i:i + n].encode())] += 1
    keys = sorted(counts)
    return (np.array(keys, dtype="<u4").tobytes()
            + bytes(min(MAX_COUNT, counts[k]) for k in keys))


def _unpack(sig: bytes) -> tuple[np.ndarray, np.ndarray]:
    n = len(sig) // 5
    return (np.frombuffer(sig, dtype="<u4", count=n),
            np.frombuffer(sig, dtype=np.uint8, offset=4 * n))


@lru_cache(maxsize=1)
def _background() -> tuple[np.ndarray, np.ndarray, int]:
    """Document frequencies of n-grams over the shipped complaint corpus, so that words every
    complaint uses ("jalan", "mohon", "di depan") weigh little even when only a few
    candidates are compared (sorted keys, their counts, the number of texts)."""
    with SEED_CSV.open(encoding="utf-8") as handle:
        sigs = [signature(row["text"]) for row in csv.DictReader(handle)]
    keys, df = np.unique(np.concatenate([_unpack(s)[0] for s in sigs]), return_counts=True)
    return keys, df, len(sigs)


def _similarities(query: bytes, others: list[bytes]) -> list[float]:
    """Cosine of sublinear-TF x smooth-IDF vectors, document frequencies counted over the
    compared texts and the background corpus."""
    parts = [_unpack(query)] + [_unpack(s) for s in others]
    sizes = np.array([len(k) for k, _ in parts])
    if not sizes[0] or not sizes.sum():
        return [0.0] * len(others)
    keys = np.concatenate([k for k, _ in parts])
    counts = np.concatenate([c for _, c in parts]).astype(np.float64)
    unique, inverse, df = np.unique(keys, return_inverse=True, return_counts=True)
    bg_keys, bg_df, bg_n = _background()
    at = np.minimum(np.searchsorted(bg_keys, unique), len(bg_keys) - 1)
    df = df + np.where(bg_keys[at] == unique, bg_df[at], 0)
    idf = np.log((1 + len(parts) + bg_n) / (1 + df)) + 1
    weights = (1 + np.log(counts)) * idf[inverse]
    owner = np.repeat(np.arange(len(parts)), sizes)
    norms = np.sqrt(np.bincount(owner, weights * weights, minlength=len(parts)))
    weights /= np.where(norms == 0, 1.0, norms)[owner]
    query_vector = np.zeros(len(unique))
    query_vector[inverse[: sizes[0]]] = weights[: sizes[0]]
    sims = np.bincount(owner, weights * query_vector[inverse], minlength=len(parts))
    return [float(x) for x in sims[1:]]


def similarity(a: str, b: str) -> float:
    """Text similarity of two complaints (what find_duplicates weighs at 0.55)."""
    return _similarities(signature(a), [signature(b)])[0]


def find_duplicates(text: str, created_at: datetime, candidates: list[Candidate],
                    lat: float | None = None, lng: float | None = None,
                    region_code: str | None = None, category: str | None = None,
                    text_signature: bytes = b"") -> list[Match]:
    """Candidates scoring at least OFFER_THRESHOLD, best first."""
    if not candidates:
        return []
    sims = _similarities(text_signature or signature(text),
                         [c.signature or signature(c.text) for c in candidates])
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
