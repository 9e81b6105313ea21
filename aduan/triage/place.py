"""Find where a complaint is: kelurahan or kecamatan of a loaded city, and RT/RW.

`PlaceIndex` is built from Region rows of every loaded city (`PlaceIndex.from_db()`), so it
works for any kabupaten/kota loaded with `aduan seed-city`. Names are compared on a
spelling key (lowercase, spaces removed, old spellings "oe"/"dj"/"tj" modernised, "dh"/"th"
simplified, double letters collapsed), so "Pasar Kliwon", "pasarkliwon" and "Ps Kliwon"
(alias) meet; one-letter misspellings of names of 7+ letters are forgiven.

Rules:
- "kel."/"kelurahan"/"desa" before a name asks for the kelurahan, "kec."/"kecamatan" for the
  kecamatan.
- A name that is both a kecamatan and a kelurahan ("Laweyan", "Pasar Kliwon"): without a
  cue it means the same-named kelurahan (which lies inside that kecamatan, so the kecamatan
  is right either way), unless another kelurahan of that kecamatan is named too.
- A kelurahan name shared by several kelurahan is settled by a kecamatan named in the text;
  otherwise their common kecamatan is returned, or nothing.
- A one-word name that is also an everyday word (data/common_place_words.txt, the stopword
  list, the normaliser's vocabulary) only counts with a cue next to it.
- Landmarks (data/landmarks.json, per city) name a kelurahan.
- The first place named wins among equals; cued names beat uncued ones.
"""

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import gazetteer
from .normalize import stopwords, word_map

DATA = Path(__file__).resolve().parent / "data"

KELURAHAN = "desa_kelurahan"
KECAMATAN = "kecamatan"

_WORD = re.compile(r"[a-z0-9]+")
_KEL_CUES = {"kel", "kelurahan", "kalurahan", "desa", "ds", "lurah", "kelurhan", "kelurahn"}
_KEC_CUES = {"kec", "kecamatan", "kecamatn", "kcmtn", "camat"}
_SOFT_CUES = {"di", "ke", "dari", "daerah", "wilayah", "kawasan", "kampung", "kp", "warga",
              "sekitar", "area", "seputar", "dekat", "wil", "dusun", "dukuh", "perumahan",
              "lokasi", "lokasinya", "alamat", "alamatnya", "depan", "belakang", "samping",
              "sebelah", "seberang", "dkt", "dpn", "blkg", "neng", "ing", "perum", "tkp"}
# A name right after these is a street or alley named after the place, not the place.
_STREET_CUES = {"jl", "jln", "jalan", "gg", "gang", "lorong", "lr"}
_RT_RW = re.compile(
    r"\brt\s*\.?\s*:?\s*0*(\d{1,3})\s*(?:[/,.\-]|\s)\s*(?:rw\s*\.?\s*:?\s*)?0*(\d{1,3})\b"
)
_RT_RW_PAIR = re.compile(r"\brt\s*/\s*rw\s*\.?\s*:?\s*0*(\d{1,3})\s*/\s*0*(\d{1,3})\b")
_RT = re.compile(r"\brt\s*\.?\s*:?\s*0*(\d{1,3})\b")
_RW = re.compile(r"\brw\s*\.?\s*:?\s*0*(\d{1,3})\b")
_CUE_WORDS = _KEL_CUES | _KEC_CUES | _SOFT_CUES | _STREET_CUES | {"rt", "rw", "no"}
_MAX_WINDOW = 4
_FUZZY_MIN = 7


@lru_cache(maxsize=100_000)
def spelling_key(text: str) -> str:
    s = re.sub(r"[^a-z0-9]", "", text.lower())
    for old, new in (("oe", "u"), ("dj", "j"), ("tj", "c"), ("sj", "sy"), ("dh", "d"),
                     ("th", "t"), ("nj", "ny")):
        s = s.replace(old, new)
    return re.sub(r"(.)\1+", r"\1", s)


def name_keys(name: str) -> set[str]:
    """Keys a name is found under: the spelling key of its words joined, and the spelling
    keys of each word joined ("Bendan Ngisor" -> "bendangisor" and "bendanngisor")."""
    words = _WORD.findall(name.lower())
    return {k for k in (spelling_key(name), "".join(spelling_key(w) for w in words)) if k}


def _deletes(key: str) -> set[str]:
    return {key[:i] + key[i + 1:] for i in range(len(key))}


@lru_cache(maxsize=1)
def everyday_words() -> frozenset[str]:
    words = set(stopwords())
    mapping = word_map()
    words.update(mapping)
    for value in mapping.values():
        words.update(value.split())
    for line in (DATA / "common_place_words.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            words.add(line.strip().lower())
    return frozenset(spelling_key(w) for w in words)


@lru_cache(maxsize=1)
def landmarks() -> dict[str, dict[str, str]]:
    data = json.loads((DATA / "landmarks.json").read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    level: str
    parent: str | None


@dataclass(frozen=True)
class Place:
    region_code: str | None
    rt: int | None
    rw: int | None
    level: str | None = None


@dataclass
class _Mention:
    position: int
    areas: list[Area]
    cue: str | None  # "kel", "kec", "soft" or None
    landmark: bool = False


class PlaceIndex:
    """Names, aliases and landmarks of the loaded kecamatan and kelurahan."""

    def __init__(self, areas: list[Area], aliases: dict[str, list[str]] | None = None,
                 landmark_codes: dict[str, str] | None = None,
                 learned: dict[str, str] | None = None):
        self.areas = {a.code: a for a in areas}
        self.by_key: dict[str, list[Area]] = defaultdict(list)
        self.landmark_keys: dict[str, Area] = {}
        self.learned_keys: dict[str, Area] = {}
        for area in areas:
            names = [area.name, *(aliases or {}).get(area.code, [])]
            for name in names:
                for key in name_keys(name) | name_keys(_expand(name)):
                    if key and area not in self.by_key[key]:
                        self.by_key[key].append(area)
        for name, code in (landmark_codes or {}).items():
            if code in self.areas:
                for key in name_keys(name):
                    self.landmark_keys[key] = self.areas[code]
        # Streets, kampung and housing estates learned from a city's history
        # (`aduan triage-import`): they name a kelurahan, but lose to a kelurahan named.
        for name, code in (learned or {}).items():
            if code in self.areas:
                for key in name_keys(name):
                    if key not in self.by_key and key not in self.landmark_keys:
                        self.learned_keys[key] = self.areas[code]
        self.fuzzy: dict[str, set[str]] = defaultdict(set)
        for key in list(self.by_key):
            if len(key) >= _FUZZY_MIN:
                for variant in _deletes(key):
                    self.fuzzy[variant].add(key)
        common = everyday_words()
        self.needs_cue = {k for k in self.by_key if k in common or len(k) <= 3}
        self._everyday = common
        self._fuzzy_cache: dict[str, list[Area] | None] = {}
        self.prefixes = {key[:n] for key in [*self.by_key, *self.landmark_keys,
                                             *self.learned_keys]
                         for n in range(1, len(key))}

    @classmethod
    def from_db(cls, city_codes: list[str] | None = None,
                learned: dict[str, str] | None = None) -> "PlaceIndex":
        """Every loaded kecamatan/kelurahan (of `city_codes` only, when given), their aliases,
        landmarks and the learned gazetteer of each city (or `learned` instead)."""
        from aduan.regions.models import Region

        qs = Region.objects.filter(level__in=[KECAMATAN, KELURAHAN])
        if city_codes:
            q = None
            from django.db.models import Q

            for code in city_codes:
                part = Q(code__startswith=code + ".")
                q = part if q is None else q | part
            qs = qs.filter(q)
        areas, aliases = [], {}
        for code, name, level, parent, alias in qs.values_list(
            "code", "name", "level", "parent_id", "aliases"
        ):
            areas.append(Area(code, name, level, parent))
            if alias:
                aliases[code] = list(alias)
        marks: dict[str, str] = {}
        cities = {a.code.rsplit(".", 1)[0] for a in areas if a.level == KECAMATAN}
        for city, names in landmarks().items():
            if city in cities:
                marks.update(names)
        if learned is None:
            learned = {}
            for city in sorted(cities):
                learned.update(gazetteer.load(city))
        index = cls(areas, aliases, marks, learned)
        index.cities = sorted(cities)
        return index

    cities: list[str] = []

    @property
    def city(self) -> str | None:
        """The city code when exactly one city is loaded (its own model is used)."""
        return self.cities[0] if len(self.cities) == 1 else None

    def mentions(self, text: str) -> list[_Mention]:
        words = _WORD.findall(text.lower())
        keys = [spelling_key(w) for w in words]
        found: list[_Mention] = []
        i = 0
        while i < len(words):
            size, hit = self._match_at(words, keys, i)
            if hit is None:
                i += 1
                continue
            areas, fuzzy, landmark = hit
            prev = words[i - 1] if i else ""
            nxt = words[i + size] if i + size < len(words) else ""
            cue = ("kel" if prev in _KEL_CUES else "kec" if prev in _KEC_CUES
                   else "street" if prev in _STREET_CUES
                   else "soft" if prev in _SOFT_CUES or nxt in ("rt", "rw") else None)
            key = "".join(keys[i:i + size])
            if landmark == "learned":
                found.append(_Mention(i, list(areas), "street", True))
            elif landmark:
                found.append(_Mention(i, list(areas), "kel", True))
            elif not (size == 1 and key in self.needs_cue and cue is None):
                found.append(_Mention(i, list(areas), cue))
            else:
                i += 1
                continue
            i += size
        return found

    def _match_at(self, words: list[str], keys: list[str], i: int):
        """The longest name starting at word i: (size, (areas, fuzzy, landmark)) or (0, None).
        Windows grow while they are a prefix of some name; misspellings are tried on
        one- and two-word windows."""
        best = (0, None)
        first = keys[i]
        if (first not in self.prefixes and first not in self.by_key
                and first not in self.landmark_keys and len(first) < _FUZZY_MIN
                and (i + 1 == len(keys) or len(first) + len(keys[i + 1]) < _FUZZY_MIN)):
            return best  # cannot start a name, even misspelt
        key = ""
        for size in range(1, min(_MAX_WINDOW, len(keys) - i) + 1):
            key += keys[i + size - 1]
            # the name's words joined before the spelling key ("bendan ngisor" against
            # "Bendanngisor"), then the per-word keys joined (the index has both)
            joined = spelling_key("".join(words[i:i + size])) if size > 1 else key
            for k in (key, joined):
                if k in self.landmark_keys:
                    best = (size, ([self.landmark_keys[k]], False, True))
                elif k in self.by_key:
                    best = (size, (self.by_key[k], False, False))
                elif k in self.learned_keys:
                    best = (size, ([self.learned_keys[k]], False, "learned"))
                else:
                    continue
                break
            if key not in self.prefixes and joined not in self.prefixes:
                break
        if best[1] is not None:
            return best
        if words[i] in _CUE_WORDS:
            return 0, None  # "kec mijen" is not a misspelt "Kemijen"
        key = ""
        cache = self._fuzzy_cache
        for size in (1, 2):
            if i + size > len(keys):
                break
            key += keys[i + size - 1]
            if len(key) < _FUZZY_MIN:
                continue
            areas = cache[key] if key in cache else self._fuzzy(key)
            if areas is not None:
                return size, (areas, True, False)
        return 0, None

    def _fuzzy(self, key: str) -> list[Area] | None:
        """Areas whose name is one letter away from key (not for everyday words)."""
        if len(key) < _FUZZY_MIN or key in self._everyday:
            if len(self._fuzzy_cache) < 200_000:
                self._fuzzy_cache[key] = None
            return None
        if key in self._fuzzy_cache:
            return self._fuzzy_cache[key]
        hits: set[str] = set(self.fuzzy.get(key, ()))
        for variant in _deletes(key):
            if variant in self.by_key:
                hits.add(variant)
            hits.update(self.fuzzy.get(variant, ()))
        hits = {h for h in hits if h[0] == key[0] and h not in self.needs_cue}
        result = self.by_key[hits.pop()] if len(hits) == 1 else None
        if len(self._fuzzy_cache) < 200_000:
            self._fuzzy_cache[key] = result
        return result

    def locate(self, text: str) -> Place:
        rt, rw = rt_rw(text)
        code, level = self._resolve(self.mentions(text))
        return Place(code, rt, rw, level)

    def _resolve(self, mentions: list[_Mention]) -> tuple[str | None, str | None]:
        if not mentions:
            return None, None
        named_kec = set()
        for m in mentions:
            for a in m.areas:
                if a.level == KECAMATAN and m.cue != "kel":
                    named_kec.add(a.code)
        kel_choices: list[tuple[int, int, list[Area]]] = []
        kec_choices: list[tuple[int, int, Area]] = []
        for m in mentions:
            kels = [a for a in m.areas if a.level == KELURAHAN]
            kecs = [a for a in m.areas if a.level == KECAMATAN]
            # a kelurahan named anywhere beats a street named after a place
            rank = (0 if m.cue in ("kel", "kec") else 1 if m.cue == "soft"
                    else 3 if m.cue == "street" else 2)
            if m.cue == "kec" and kecs:
                kels = []
            if kecs and kels:
                # Same name at both levels: the kelurahan inside that kecamatan, unless
                # another kelurahan of the same kecamatan is named.
                own = [k for k in kels if k.parent in {c.code for c in kecs}]
                others = [o for o in mentions if o is not m for a in o.areas
                          if a.level == KELURAHAN and a.parent in {c.code for c in kecs}
                          and a not in own]
                if own and (m.cue == "kel" or not others):
                    kels = own
                else:
                    kels = []
            if kels:
                if len(kels) > 1 and named_kec:
                    inside = [k for k in kels if k.parent in named_kec]
                    kels = inside or kels
                kel_choices.append((rank, m.position, kels))
            elif kecs and m.cue != "kel":
                for kec in kecs:
                    kec_choices.append((rank, m.position, kec))
        for _rank, _pos, kels in sorted(kel_choices, key=lambda c: (c[0], c[1])):
            if len(kels) == 1:
                return kels[0].code, KELURAHAN
            parents = {k.parent for k in kels}
            if len(parents) == 1 and None not in parents:
                return parents.pop(), KECAMATAN
        if kec_choices:
            best = sorted(kec_choices, key=lambda c: (c[0], c[1]))
            same = [c for c in best if c[:2] == best[0][:2]]
            if len(same) == 1:
                return same[0][2].code, KECAMATAN
        return None, None


def _expand(name: str) -> str:
    """Everyday long forms of abbreviations used in official names ("Kp." -> "Kampung")."""
    return re.sub(r"\bkp\b\.?", "kampung", name.lower())


def rt_rw(text: str) -> tuple[int | None, int | None]:
    """RT and RW numbers: "RT 3 RW 5", "rt03/rw05", "RT.003 RW.005", "RT/RW 03/05"."""
    low = text.lower()
    m = _RT_RW_PAIR.search(low)
    if m:
        return int(m.group(1)), int(m.group(2))
    m = _RT_RW.search(low)
    if m and ("rw" in low[m.start():m.end()] or "/" in low[m.start():m.end()]):
        return int(m.group(1)), int(m.group(2))
    rt = _RT.search(low)
    rw = _RW.search(low)
    return (int(rt.group(1)) if rt else None), (int(rw.group(1)) if rw else None)
