"""Normalise how people really write to a city into plain Indonesian words.

Lowercases, drops URLs, mentions and emoji (a few emoji that mean something become words),
squeezes repeated letters ("bangeettt" -> "banget"), expands slang and chat abbreviations
("yg", "gk", "jln"), maps common Javanese ngoko/krama words to Indonesian ("dalan bolong"
-> "jalan berlubang"), and removes greetings and sign-offs with no content. Word lists are
data files in `data/`, editable without touching code.
"""

import json
import re
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
STOPWORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "stopwords" / \
    "stopwords-iso_id.txt"

_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"[@#](\w+)")
_REPEAT3 = re.compile(r"([a-z])\1{2,}")
_DOUBLE_VOWEL = re.compile(r"([eiu])\1")
_TOKEN = re.compile(r"[a-z0-9]+")
_REDUP = re.compile(r"\b([a-z]{2,})2\b")  # "jalan2" -> "jalan jalan"
# Words after which "kali" means "times", not "river" (Javanese "kali").
_COUNT_WORDS = {"dua", "tiga", "empat", "lima", "beberapa", "berapa", "sekian", "berkali",
                "puluhan", "ratusan", "sekali", "banyak"}


def _read_pairs(name: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, replacement = line.partition(" ")
        pairs[word] = replacement.strip() or word
    return pairs


def _read_lines(path: Path) -> list[str]:
    return [
        line.strip().lower()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


@lru_cache(maxsize=1)
def word_map() -> dict[str, str]:
    """Slang and Javanese words to Indonesian; slang wins where both define a word."""
    merged = _read_pairs("javanese.txt")
    merged.update(_read_pairs("slang.txt"))
    return merged


@lru_cache(maxsize=1)
def emoji_map() -> dict[str, str]:
    data = json.loads((DATA / "emoji.json").read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


@lru_cache(maxsize=1)
def _greeting_pattern() -> re.Pattern:
    phrases = sorted(set(_read_lines(DATA / "greetings.txt")), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """The ISO Indonesian stopword list minus words that carry meaning (negations...)."""
    keep = set(_read_lines(DATA / "keep_words.txt"))
    return frozenset(w for w in _read_lines(STOPWORDS_FILE) if w not in keep)


def _replace_emoji(text: str) -> str:
    meaning = emoji_map()
    out = []
    for char in text:
        if char in meaning:
            out.append(f" {meaning[char]} ")
        elif ord(char) >= 0x2190 and not char.isalnum():
            out.append(" ")  # arrows, symbols, pictographs, variation selectors
        else:
            out.append(char)
    return "".join(out)


def squeeze(word: str) -> str:
    """Collapse letters repeated three or more times, doubled e/i/u and a doubled final
    letter ("bangeettt" -> "banget"); "aa" and "oo" stay ("maaf", "koordinasi")."""
    word = _REPEAT3.sub(r"\1", word)
    word = _DOUBLE_VOWEL.sub(r"\1", word)
    if len(word) > 3 and word[-1] == word[-2] and word[-1].isalpha():
        word = word[:-1]
    return word


_SUFFIXES = ("nipun", "ipun", "ne", "e", "nya")


def _strip_javanese_suffix(word: str, mapping: dict[str, str]) -> str:
    """"dalane" -> "jalan", "toyanipun" -> "air"; unknown words come back unchanged."""
    for suffix in _SUFFIXES:
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and len(stem) >= 3 and stem in mapping:
            replacement = mapping[stem]
            return word if replacement == "-" else replacement
    return word


_KALI = ("kali",)


@lru_cache(maxsize=200_000)
def _word(raw: str) -> tuple[str, ...]:
    """One raw token -> its normalised words (cached: the same words come back all day)."""
    word = raw if raw.isdigit() else squeeze(raw)
    if word == "kali":
        return _KALI
    mapping = word_map()
    replacement = mapping.get(word)
    if replacement is None:
        replacement = _strip_javanese_suffix(word, mapping)
    return () if replacement == "-" else tuple(replacement.split())


def tokens(text: str, drop_greetings: bool = True) -> list[str]:
    """Normalised Indonesian tokens of a complaint."""
    text = text.lower()
    if not text.isascii():
        text = _replace_emoji(text)
    if "/" in text or "www" in text:
        text = _URL.sub(" ", text)
    if "@" in text or "#" in text:
        text = _MENTION.sub(r" \1 ", text)
    if "2" in text:
        text = _REDUP.sub(r"\1 \1", text)
    out: list[str] = []
    for raw in _TOKEN.findall(text):
        words = _word(raw)
        if words == _KALI:
            if out and (out[-1].isdigit() or out[-1] in _COUNT_WORDS):
                out.append("kali")
                continue
            words = tuple(word_map().get("kali", "kali").split())
        out.extend(words)
    if drop_greetings:
        joined = _greeting_pattern().sub(" ", " ".join(out))
        out = joined.split()
    return out


def normalize(text: str, drop_stopwords: bool = False) -> str:
    """Text as one normalised string; optionally without stopwords (negations kept)."""
    words = tokens(text)
    if drop_stopwords:
        stop = stopwords()
        words = [w for w in words if w not in stop]
    return " ".join(words)
