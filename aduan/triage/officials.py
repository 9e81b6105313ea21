"""Is this a complaint about an official or a unit? ("Pak RT susah dihubungi", "oknum
petugas kelurahan minta uang").

A complaint is about an official when the text names one (an RT/RW head, the lurah, the
camat, staff of the kelurahan, kecamatan or a dinas, or an "oknum") and, nearby, says
something is wrong with how they serve (hard to reach, asks for money, refuses to serve,
rude...). Naming alone is not enough: "surat pengantar dari Pak RT" is an ordinary
request; a bribe or extortion ("pungli", "suap") is enough on its own. The answer is
the level of the unit named, so routing can skip it and go one level up. Text in, findings
out: this module never imports `complaints`.
"""

import re
from dataclasses import dataclass, field

from .normalize import normalize

# Level of the unit named -> phrases (normalised: lowercase, slang expanded).
MENTIONS: dict[str, tuple[str, ...]] = {
    "rt": ("pak rt", "bu rt", "bapak rt", "ibu rt", "ketua rt", "pengurus rt", "rt nya",
           "rtnya", "pak erte", "bu erte", "pak rete", "bu rete"),
    "rw": ("pak rw", "bu rw", "bapak rw", "ibu rw", "ketua rw", "pengurus rw", "rw nya",
           "rwnya"),
    "kelurahan": ("pak lurah", "bu lurah", "lurahnya", "lurah nya", "ibu lurah",
                  "bapak lurah", "petugas kelurahan", "pegawai kelurahan", "staf kelurahan",
                  "staff kelurahan", "orang kelurahan", "pihak kelurahan", "pelayanan kelurahan",
                  "aparat kelurahan", "perangkat kelurahan",
                  "oknum kelurahan", "sekretaris kelurahan", "kasi kelurahan", "lurah"),
    "kecamatan": ("pak camat", "bu camat", "camatnya", "camat nya", "bapak camat",
                  "ibu camat", "petugas kecamatan", "pegawai kecamatan", "staf kecamatan",
                  "staff kecamatan", "orang kecamatan", "pihak kecamatan", "pelayanan kecamatan",
                  "aparat kecamatan", "oknum kecamatan", "camat"),
    "dinas": ("petugas dinas", "pegawai dinas", "staf dinas", "staff dinas", "oknum dinas",
              "kepala dinas", "kadis", "petugas satpol", "anggota satpol", "oknum satpol",
              "satpol pp", "petugas dishub", "oknum dishub", "petugas dinas perhubungan",
              "petugas capil", "petugas dukcapil", "pegawai dukcapil", "petugas puskesmas",
              "pegawai puskesmas", "petugas pemkot", "pegawai pemkot", "asn", "pns"),
    "": ("oknum", "petugasnya", "pegawainya", "aparat", "oknum petugas", "petugas"),
}

GRIEVANCES = (
    "susah dihubungi", "sulit dihubungi", "tidak bisa dihubungi", "tidak dapat dihubungi",
    "susah ditemui", "sulit ditemui", "tidak bisa ditemui", "tidak pernah ada di tempat",
    "tidak pernah ada", "jarang ada di tempat", "tidak pernah membalas", "tidak pernah balas",
    "tidak pernah bales", "tidak dibalas", "tidak direspon", "tidak merespon",
    "tidak responsif", "cuek", "mengabaikan", "diabaikan",
    "pungli", "pungutan liar", "minta uang", "meminta uang", "minta duit", "minta imbalan",
    "meminta imbalan", "uang rokok", "uang pelicin", "uang administrasi", "uang damai",
    "suap", "disuap", "sogok", "menyogok", "memeras", "pemerasan", "diperas", "korupsi",
    "tidak melayani", "tidak mau melayani", "menolak melayani", "tidak dilayani",
    "dipersulit", "mempersulit", "dipingpong", "dilempar lempar", "pilih kasih",
    "diskriminasi", "tidak adil", "kasar", "membentak", "dibentak", "marah marah",
    "memaki", "dimaki", "tidak ramah", "judes", "galak", "sombong", "mengancam", "diancam",
    "intimidasi", "mengintimidasi", "menyalahgunakan", "penyalahgunaan", "tidak netral",
    "mangkir", "tidak disiplin", "seenaknya", "semena mena", "lambat melayani",
    "tidak sopan", "kurang ajar", "tidak profesional",
    "minta bayaran", "meminta bayaran", "minta biaya", "meminta biaya", "biaya tidak resmi",
    "memungut uang", "memalak", "dipalak", "dipotong oleh", "memotong dana",
    "tidak respon", "tidak menanggapi", "tidak ditanggapi", "tidak didengar",
    "tidak ada tindak lanjut", "tidak ditindaklanjuti", "kepentingan pribadi",
    "tidak mau memberikan", "tidak mau memberi", "tidak ada di tempat", "tidak tau ada",
    "main hp", "tidak pernah turun", "tidak transparan",
)
# Grievances that are about an official by themselves: nobody else takes a bribe.
STRONG = ("pungli", "pungutan liar", "suap", "disuap", "sogok", "menyogok", "pemerasan",
          "memalak", "dipalak", "uang pelicin", "biaya tidak resmi", "korupsi")

# A mention and a grievance count together only within this many words of each other.
WINDOW = 12


def _phrase_pattern(phrases) -> re.Pattern:
    ordered = sorted(set(phrases), key=len, reverse=True)  # longest first
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in ordered) + r")\b")


_MENTION_PATTERNS = {level: _phrase_pattern(p) for level, p in MENTIONS.items()}
_GRIEVANCE = _phrase_pattern(GRIEVANCES)
_STRONG = _phrase_pattern(STRONG)
_OFFICE = re.compile(r"\b(kelurahan|kecamatan)\b")  # "oknum di kelurahan"
# Most specific level first: "oknum petugas kelurahan" is about the kelurahan.
_LEVEL_ORDER = ("rt", "rw", "kelurahan", "kecamatan", "dinas", "")


@dataclass
class OfficialMention:
    """The unit level named ("rt", "rw", "kelurahan", "kecamatan", "dinas", or "" when
    only an unnamed "oknum"/"petugas" is), and the words that showed it."""

    level: str
    mention: str
    grievance: str
    phrases: list[str] = field(default_factory=list)


def _word_index(text: str, offset: int) -> int:
    return text.count(" ", 0, offset)


def _office_near(plain: str, where: int) -> str:
    """An unnamed official ("petugas", "oknum") at the kelurahan or kecamatan office."""
    near = [(abs(_word_index(plain, m.start()) - where), m.group(1))
            for m in _OFFICE.finditer(plain)]
    near = [n for n in near if n[0] <= WINDOW]
    return min(near)[1] if near else ""


def detect(text: str) -> OfficialMention | None:
    """The official a complaint is about, or None when it is not about one."""
    plain = normalize(text or "")
    grievances = [(m.group(0), _word_index(plain, m.start())) for m in _GRIEVANCE.finditer(plain)]
    if not grievances:
        return None
    for level in _LEVEL_ORDER:
        for match in _MENTION_PATTERNS[level].finditer(plain):
            where = _word_index(plain, match.start())
            near = [g for g, at in grievances if abs(at - where) <= WINDOW]
            if near:
                return OfficialMention(level=level or _office_near(plain, where),
                                       mention=match.group(0), grievance=near[0],
                                       phrases=[match.group(0), near[0]])
    strong = _STRONG.search(plain)
    if strong is not None:
        level = _office_near(plain, _word_index(plain, strong.start()))
        return OfficialMention(level=level, mention="", grievance=strong.group(0),
                               phrases=[strong.group(0)])
    return None
