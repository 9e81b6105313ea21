"""A city's own place names learned from its history: streets, kampung and housing estates
seen in complaints whose kelurahan is known (`aduan triage-import`).

Stored per city as DATA_DIR/triage/<city>/gazetteer.json ({"names": {name: kelurahan code}}),
read by `PlaceIndex.from_db`. A name is kept when most of its sightings (MIN_SHARE) agree on
one kelurahan; names that are everyday words ("jalan raya", "gang buntu") are not learned.
"""

import json
import re
from collections import Counter, defaultdict
from pathlib import Path

from django.conf import settings

FILE = "gazetteer.json"
MIN_SHARE = 0.6
# "Jl. Kedungmundu Raya", "Gg. Mawar III", "Kampung Sawah", "Perum Graha Estetika",
# "Komplek Pondok Indah", "Dusun Krajan": a cue, then up to four name words.
_NAMED = re.compile(
    r"\b(?P<cue>jl|jln|jalan|gg|gang|kampung|kp|perum|perumahan|komplek|kompleks|dusun"
    r"|dukuh|griya|taman|villa|bukit|puri|graha|pondok)\b\.?\s*"
    r"(?P<name>[A-Za-z0-9][\w'-]*(?:\s+(?!no\b|nomor\b|rt\b|rw\b|blok\b|kel\b|kec\b)"
    r"[A-Za-z0-9][\w'-]*){0,3})",
    re.I,
)
_STOP_AFTER = re.compile(r"\s+(?:di|dan|yang|sudah|sejak|tidak|belum|depan|dekat|no|rt|rw)\b.*",
                         re.I)
_ESTATE_CUES = {"perum", "perumahan", "komplek", "kompleks", "griya", "villa", "bukit", "puri",
                "graha", "pondok", "taman"}
_GENERIC = {"raya", "utama", "besar", "kecil", "buntu", "baru", "lama", "rusak", "berlubang",
            "depan", "belakang", "ini", "itu", "tersebut", "kampung", "jalan", "gang",
            "umum", "lingkungan", "rumah", "sini", "sana", "kami", "saya", "kota", "desa"}


def path(city: str) -> Path:
    return Path(settings.DATA_DIR) / "triage" / city / FILE


def load(city: str) -> dict[str, str]:
    try:
        data = json.loads(path(city).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.get("names", {}).items()}


def save(city: str, names: dict[str, str]) -> Path:
    target = path(city)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps({"names": dict(sorted(names.items()))}, ensure_ascii=False,
                              indent=1), encoding="utf-8")
    tmp.replace(target)
    return target


def candidates(text: str) -> list[str]:
    """Street, kampung and housing-estate names in a text, lowercase ("jalan mawar",
    "perumahan graha estetika"); the cue stays part of the name for estates."""
    found = []
    for match in _NAMED.finditer(text):
        cue = match.group("cue").lower()
        name = _STOP_AFTER.sub("", match.group("name")).strip(" .,-").lower()
        words = name.split()
        if not words or all(w in _GENERIC or w.isdigit() for w in words):
            continue
        if len(words) == 1 and len(words[0]) < 4:
            continue
        found.append(f"{cue} {name}" if cue in _ESTATE_CUES else name)
    return found


def learn(rows: list[tuple[str, str]], known_names: set[str] | None = None) -> dict[str, str]:
    """{name: kelurahan code} from (text with address, kelurahan code) pairs: names whose
    sightings agree on one kelurahan (MIN_SHARE), minus names of regions themselves."""
    seen: dict[str, Counter] = defaultdict(Counter)
    for text, code in rows:
        for name in set(candidates(text)):
            seen[name][code] += 1
    learned = {}
    for name, codes in seen.items():
        code, count = codes.most_common(1)[0]
        if count / sum(codes.values()) >= MIN_SHARE and name not in (known_names or set()):
            learned[name] = code
    return learned
