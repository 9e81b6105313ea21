"""Replace place mentions with neutral tokens before the category model sees a text.

The category of a complaint does not depend on where it is, but a model trained on one
city's complaints learns its place words ("kelurahan", "RT", "jalan" of an address...).
So, at training AND prediction time, place mentions become placeholder tokens:

- "kel./kelurahan/desa/kec./kecamatan/dusun/dukuh/kampung/perumahan <Name>" -> `qtempat`,
  where Name is a capitalised word run (up to three words, not an everyday word) or any
  kecamatan/kelurahan/kota name of the national list (`aduan/data/wilayah_indonesia.csv`);
- "Jl./Jln/Jalan/Gg./Gang <Name>" with a capitalised name -> `qjalan` ("jalan rusak" stays);
- a capitalised region name of the national list elsewhere ("banjir di Tlogosari Kulon"),
  or a lowercase one of two or more words after "di/ke/dari/daerah/warga/sekitar..."
  ("di tlogosari kulon")
  -> `qtempat`, unless it is an everyday or complaint word ("Pasar", "Baru", "Taman": the
  lists in normalize and `data/topic_words.txt`);
- "RT 3 RW 5", "rt03/rw05", "RT/RW 03/05" -> `qrtrw`; "No. 12", "nomor 5" -> `qnomor`;
  long numbers (NIK, phone, account) -> `qangka`.

So "kelurahan" and "RT" still count where they are the topic ("pelayanan kelurahan lambat",
"pak RT minta uang"). The rules are generic: no city's list is needed at run time, which
keeps training and prediction identical for every city.
"""

import csv
import re
from functools import lru_cache
from pathlib import Path

from .normalize import DATA, stopwords, word_map

WILAYAH_CSV = Path(__file__).resolve().parent.parent / "data" / "wilayah_indonesia.csv"

PLACE, STREET, RTRW, NUMBER, DIGITS = " qtempat ", " qjalan ", " qrtrw ", " qnomor ", " qangka "

_ADMIN_CUES = frozenset({
    "kel", "kelurahan", "kalurahan", "kelurhan", "desa", "ds", "kec", "kecamatan",
    "kecamatn", "kcmtn", "dusun", "dukuh", "kampung", "kp", "perum", "perumahan", "komplek",
    "kompleks", "kab", "kabupaten", "kota", "kelurahannya", "desanya",
})
_STREET_CUES = frozenset({"jl", "jln", "jalan", "gg", "gang", "jalannya"})
# Words after which a lowercase national region name of 2+ words is taken as a place.
_SOFT_CUES = frozenset({"di", "ke", "dari", "daerah", "wilayah", "kawasan", "warga",
                        "sekitar", "seputar", "dekat", "area", "nang", "neng", "ning"})
_MAX_NAME = 4
# Words that end a name ("Tlogosari Kulon", "Pedurungan Tengah") although they are everyday
# words.
_NAME_TAILS = frozenset({
    "kulon", "wetan", "lor", "kidul", "utara", "selatan", "barat", "timur", "tengah", "baru",
    "lama", "raya", "indah", "jaya", "asri", "permai", "satu", "dua", "tiga", "empat", "i",
    "ii", "iii", "iv", "hilir", "hulu", "ilir", "ulu", "dalam", "luar", "atas", "bawah",
})
# Complaint words: a capitalised one after a cue is not a name ("Jalan Rusak").
_COMPLAINT_WORDS = frozenset("""
rusak berlubang bolong retak amblas mati padam mampet tersumbat banjir bau macet liar
tumbang roboh bocor kotor menumpuk numpuk gelap licin longsor terbakar kebakaran sepi
ramai lambat tutup dibuka buka lama sudah belum tidak mohon tolong segera minta parah
""".split())

_FIXED = re.compile(
    r"(?P<rtrw>\b(?:rt\s*/\s*rw|rt|rw)\.?\s*:?\s*\d{1,3}"
    r"(?:\s*(?:[/,.\-]|\s)\s*(?:rw\.?\s*:?\s*)?\d{1,3}\b)?)"
    r"|(?P<no>\b(?:no|nomor|nmr|nomer)\b\.?\s*:?\s*\d+[a-z]?(?:\s*/\s*\d+[a-z]?)?\b)"
    r"|(?P<digits>(?<!\w)\d(?:[ .\-]?\d){4,}(?!\w))",
    re.I,
)
_WORD = re.compile(r"[A-Za-z]+")
_DIGIT = re.compile(r"\d")
_SENTENCE_END = frozenset(".!?\n")


@lru_cache(maxsize=1)
def region_names() -> frozenset[str]:
    """Every kecamatan, kelurahan/desa and kabupaten/kota name of the national list, as a
    lowercase key without spaces or punctuation ("tlogosarikulon")."""
    keys = set()
    prefix, other = re.compile(r"^(?:kota|kabupaten|kab\.?)\s+"), re.compile(r"[^a-z0-9]")
    with WILAYAH_CSV.open(encoding="utf-8") as handle:
        next(handle)  # header: code,name,level,parent_code
        for line in handle:  # split by hand: csv.DictReader costs half a second here
            if '"' in line:
                [[_code, name, level, _parent]] = csv.reader([line])
            else:
                _code, name, level, _parent = line.split(",", 3)
            if level == "provinsi":
                continue
            key = other.sub("", prefix.sub("", name.lower()))
            if len(key) >= 3:
                keys.add(key)
    return frozenset(keys)


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Words never taken for a place name on their own: stopwords, the normaliser's
    vocabulary, everyday words that are place names somewhere, complaint words."""
    words = set(stopwords())
    mapping = word_map()
    words.update(mapping)
    for value in mapping.values():
        words.update(value.split())
    for name in ("common_place_words.txt", "topic_words.txt"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            line = line.strip().lower()
            if line and not line.startswith("#"):
                words.add(line)
    return frozenset(words)


def _sentence_start(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t\"'(":
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


def _national(lows: list[str], i: int, cued: bool, common: frozenset[str],
              longest: int = _MAX_NAME) -> int:
    """Words of the longest national region name starting at word i (0 if none)."""
    names = region_names()
    for size in range(min(longest, len(lows) - i), 0, -1):
        window = lows[i:i + size]
        if "".join(window) not in names:
            continue
        if all(w in common for w in window) and not (cued and size > 1):
            continue
        return size
    return 0


def _capitalised(words: list[str], lows: list[str], i: int) -> int:
    """Capitalised words after a cue: the name of a street or an area."""
    blocked = blocked_words()
    size = 0
    while (i + size < len(words) and size < 3 and words[i + size][0].isupper()
           and len(words[i + size]) > 1
           and (lows[i + size] not in blocked or (size and lows[i + size] in _NAME_TAILS))):
        size += 1
    return size


@lru_cache(maxsize=1)
def blocked_words() -> frozenset[str]:
    """Words that never start a name after a cue: stopwords, the normaliser's vocabulary
    and complaint words."""
    words = set(stopwords()) | _COMPLAINT_WORDS
    mapping = word_map()
    words.update(mapping)
    for value in mapping.values():
        words.update(value.split())
    return frozenset(words - _NAME_TAILS)


def neutralise(text: str) -> str:
    """The text with place mentions, RT/RW, house numbers and long numbers replaced."""
    if _DIGIT.search(text):
        text = _FIXED.sub(_fixed_token, text)
    matches = list(_WORD.finditer(text))
    if not matches:
        return text
    words = [m.group() for m in matches]
    lows = [w.lower() for w in words]
    common = common_words()
    out: list[str] = []
    last = 0
    i = 0
    while i < len(words):
        low = lows[i]
        size, token = 0, PLACE
        if low in _ADMIN_CUES and i + 1 < len(words):
            size = max(_capitalised(words, lows, i + 1),
                       _national(lows, i + 1, True, common))
            size = size + 1 if size else 0
        elif low in _STREET_CUES and i + 1 < len(words):
            size = _capitalised(words, lows, i + 1)
            size, token = (size + 1 if size else 0), STREET
        elif words[i][0].isupper() and low not in common:
            run = 1  # every word of an uncued name is capitalised ("Tlogosari Kulon")
            while run < _MAX_NAME and i + run < len(words) and words[i + run][0].isupper():
                run += 1
            size = _national(lows, i, False, common, run)
            if size == 1 and _sentence_start(text, matches[i].start()):
                size = 0
        elif i and lows[i - 1] in _SOFT_CUES and low not in common:
            size = _national(lows, i, False, common)
            if size == 1:  # lowercase one-word names are too often everyday words
                size = 0
        if size:
            out.append(text[last:matches[i].start()])
            out.append(token)
            last = matches[i + size - 1].end()
            i += size
        else:
            i += 1
    out.append(text[last:])
    return "".join(out)


def _fixed_token(match: re.Match) -> str:
    kind = match.lastgroup
    return RTRW if kind == "rtrw" else NUMBER if kind == "no" else DIGITS
