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
# words that end a name (another cue, a house number, a preposition)
_STOP = (r"(?:jl|jln|jalan|gg|gang|no|nomor|rt|rw|blok|kel|kec|kelurahan|kecamatan|di|dan"
         r"|yang|ke|dari|depan|dekat|sebelah|samping|belakang)\b")
# "Jl. Kedungmundu Raya", "Gg. Mawar III", "Kampung Sawah", "Perum Graha Estetika",
# "Komplek Pondok Indah", "Dusun Krajan": a cue, then up to four name words.
_NAMED = re.compile(
    r"\b(?P<cue>jl|jln|jalan|gg|gang|kampung|kp|perum|perumahan|komplek|kompleks|dusun"
    r"|dukuh|griya|taman|villa|bukit|puri|graha|pondok)\b\.?\s*"
    r"(?P<name>(?!" + _STOP + r")[A-Za-z0-9][\w'-]*(?:\s+(?!" + _STOP + r")"
    r"[A-Za-z0-9][\w'-]*){0,3})",
    re.I,
)
_ESTATE_CUES = {"perum", "perumahan", "komplek", "kompleks", "griya", "villa", "bukit", "puri",
                "graha", "pondok", "taman"}
_GENERIC = {"raya", "utama", "besar", "kecil", "buntu", "baru", "lama", "rusak", "berlubang",
            "depan", "belakang", "ini", "itu", "tersebut", "kampung", "jalan", "gang",
            "umum", "lingkungan", "rumah", "sini", "sana", "kami", "saya", "kota", "desa"}


def path(city: str) -> Path:
    return Path(settings.DATA_DIR) / "triage" / city / FILE


def version() -> tuple:
    """When each city's gazetteer was last written (for a caller's cache key)."""
    root = Path(settings.DATA_DIR) / "triage"
    if not root.is_dir():
        return ()
    return tuple((p.parent.name, p.stat().st_mtime_ns) for p in sorted(root.glob(f"*/{FILE}")))


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
    """Possible street, kampung and housing-estate names in a text, lowercase: every run of
    one to four words after a cue ("Jl. Melati Raya di..." -> "melati", "melati raya",
    "melati raya di"...); learning keeps the runs that recur with one kelurahan. The cue
    stays part of the name for estates ("perum griya asri")."""
    return [name for name, _proper in _runs(text)]


def proper_names(text: str) -> list[str]:
    """The names written as names: the capitalised words right after a cue ("Jl. Melati
    Raya rusak" -> "melati raya"); one sighting is enough to learn these."""
    return [name for name, proper in _runs(text) if proper]


def _runs(text: str) -> list[tuple[str, bool]]:
    found = []
    for match in _NAMED.finditer(text):
        cue = match.group("cue").lower()
        original = match.group("name").strip(" .,-").split()
        words = [w.lower() for w in original]
        if not words or words[0] in _GENERIC:
            continue  # "Jalan Raya macet" names no street
        capitalised = 0
        while capitalised < len(original) and (original[capitalised][:1].isupper()
                                               or original[capitalised].isdigit()):
            capitalised += 1
        lowercase_text = not any(c.isupper() for c in text)
        for size in range(1, len(words) + 1):
            run = words[:size]
            if all(w in _GENERIC or w.isdigit() for w in run):
                continue
            if size == 1 and len(run[0]) < 4:
                continue
            name = " ".join(run).strip(" .,-")
            proper = size == capitalised and not lowercase_text
            found.append((f"{cue} {name}" if cue in _ESTATE_CUES else name, proper))
    return found


def learn(rows: list[tuple[str, str]], known_names: set[str] | None = None,
          everyday: set[str] | None = None, min_seen: int = 2) -> dict[str, str]:
    """{name: kelurahan code} from (text with address, kelurahan code) pairs: names seen at
    least `min_seen` times whose sightings agree on one kelurahan (MIN_SHARE), minus names
    of regions themselves and one-word everyday words ("melati" alone is a flower)."""
    seen: dict[str, Counter] = defaultdict(Counter)
    proper: set[str] = set()
    for text, code in rows:
        for name, is_proper in set(_runs(text)):
            seen[name][code] += 1
            if is_proper:
                proper.add(name)
    learned = {}
    for name, codes in seen.items():
        code, count = codes.most_common(1)[0]
        total = sum(codes.values())
        if ((count < min_seen and name not in proper) or count / total < MIN_SHARE
                or name in (known_names or set())
                or (" " not in name and name in (everyday or set()))):
            continue
        learned[name] = code
    # "anggrek" when every sighting says "anggrek ungu": keep the full name only (a name is
    # dropped when a longer one was seen just as often)
    counts = {name: sum(codes.values()) for name, codes in seen.items()}
    closed = {name: code for name, code in learned.items()
              if name in proper
              or not any(longer.startswith(name + " ") and counts[longer] == counts[name]
                         for longer in learned)}
    # ...and "anggrek ungu rusak" adds nothing to "anggrek ungu"
    return {name: code for name, code in closed.items()
            if not any(closed.get(" ".join(name.split()[:k])) == code
                       for k in range(1, len(name.split())))}
