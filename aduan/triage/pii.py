"""Find and mask personal data in complaint text: NIK, KK number, phone, e-mail, address.

Every finding carries its type, its span in the ORIGINAL text and whether it is structurally
valid. Rules, chosen for a low false-positive rate:

- A 16-digit number (spaces, dots or dashes allowed between digits) is an NIK when
  `stdnum.id.nik` accepts it (length, DDMMYY birth date with +40 for women, province and
  regency known to python-stdnum) AND its district (kecamatan) code exists in the shipped
  national region list AND its serial is not 0000.
- It is a KK number when the words before it say so ("KK", "kartu keluarga", "no. KK");
  a KK number has the same region prefix, an issue date (no +40) and a non-zero serial.
- A 16-digit number that fails those checks is reported with ``valid=False`` only when the
  words before it name it as an NIK/KTP/KK; otherwise it is not reported at all (it may be
  an account number, an order id...). Invalid findings are still masked; the JSON output of
  `aduan triage` lists only valid findings.
- Phones: Indonesian mobiles (08xx, +62 8xx, 62 8xx) with any spacing, and landlines with
  an area code (0271 ..., (024) ..., +62 271 ...).
- Addresses: a street ("Jl.", "Jln", "Jalan", "Gg.", "Gang") followed by a house number
  ("No. 12", "nomor 5"). A street name alone is a place, not personal data, and is kept.
"""

import re
from dataclasses import asdict, dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from stdnum.id import nik as stdnum_nik

WILAYAH_CSV = Path(__file__).resolve().parent.parent / "data" / "wilayah_indonesia.csv"

MASKS = {"nik": "[NIK]", "kk": "[KK]", "phone": "[TELEPON]", "email": "[EMAIL]",
         "address": "[ALAMAT]", "name": "[NAMA]"}

_SIXTEEN = re.compile(r"(?<![\d\w])\d(?:[ .\-]?\d){15}(?![\d])")
_CONTEXT_KK = re.compile(r"(?:\bk\.?\s?k\b|kartu\s*keluarga|\bkk\b)", re.I)
_CONTEXT_NIK = re.compile(r"(?:\bnik\b|\bktp|\be-?ktp|nomor\s+induk|\bno\.?\s*ktp)", re.I)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.I)
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\s?62|62|\(?0)"       # +62, 62 or 0 / (0
    r"(?:[ .\-]?\(?\d\)?){7,13}"           # digits, each optionally separated
    r"(?![\d])"
)
_ADDRESS = re.compile(
    r"\b(?:jl|jln|jalan|gg|gang)\b\.?\s*"
    r"(?:[a-z0-9'.\-]+\s+){0,5}?"
    r"(?:no|nomor|nmr|nomer|num)\b\.?\s*:?\s*\d+[a-z]?(?:\s?/\s?\d+[a-z]?)?\b",
    re.I,
)


@dataclass(frozen=True)
class Finding:
    type: str
    start: int
    end: int
    valid: bool

    def to_dict(self) -> dict:
        return asdict(self)


@lru_cache(maxsize=1)
def region_prefixes() -> frozenset[str]:
    """Kabupaten/kota (4-digit) and kecamatan (6-digit) codes from the national list."""
    codes = set()
    with WILAYAH_CSV.open(encoding="utf-8") as handle:
        for line in handle:
            code = line.split(",", 1)[0]
            if 4 <= len(code) <= 8 and code[:2].isdigit():  # "33.72" and "33.72.01"
                codes.add(code.replace(".", ""))
    return frozenset(codes)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def is_valid_nik(number: str) -> bool:
    number = _digits(number)
    if not stdnum_nik.is_valid(number):  # length, birth date (+40 women), province/regency
        return False
    return number[:6] in region_prefixes() and number[12:] != "0000"


def is_valid_kk(number: str) -> bool:
    number = _digits(number)
    if len(number) != 16 or number[:6] not in region_prefixes() or number[12:] == "0000":
        return False
    day, month, year = int(number[6:8]), int(number[8:10]), int(number[10:12])
    try:
        date(2000 + year, month, day)
    except ValueError:
        return False
    return True


def _context_kind(text: str, start: int) -> str | None:
    """'kk' or 'nik' from the nearest label in the 40 characters before a number."""
    before = text[max(0, start - 40):start]
    best: tuple[int, str] | None = None
    for kind, pattern in (("kk", _CONTEXT_KK), ("nik", _CONTEXT_NIK)):
        for match in pattern.finditer(before):
            if best is None or match.end() > best[0]:
                best = (match.end(), kind)
    return best[1] if best else None


def _id_numbers(text: str) -> list[Finding]:
    found = []
    for match in _SIXTEEN.finditer(text):
        number = _digits(match.group())
        kind = _context_kind(text, match.start())
        if kind == "kk":
            found.append(Finding("kk", match.start(), match.end(), is_valid_kk(number)))
        elif is_valid_nik(number):
            found.append(Finding("nik", match.start(), match.end(), True))
        elif kind == "nik":
            found.append(Finding("nik", match.start(), match.end(), False))
    return found


def _phone_ok(digits: str) -> bool:
    if digits.startswith("62"):
        digits = "0" + digits[2:]
    if not digits.startswith("0"):
        return False
    if digits.startswith("08"):
        return 10 <= len(digits) <= 13 and digits[2] != "0"
    return digits[1] in "234567" and 9 <= len(digits) <= 12


def _phones(text: str, taken: list[tuple[int, int]]) -> list[Finding]:
    found = []
    for match in _PHONE.finditer(text):
        start, end = match.start(), match.end()
        raw = match.group()
        # trailing separators are not part of the number
        while raw and not raw[-1].isdigit():
            raw, end = raw[:-1], end - 1
        if any(s < end and start < e for s, e in taken):
            continue
        if _phone_ok(_digits(raw)):
            found.append(Finding("phone", start, end, True))
    return found


def find(text: str) -> list[Finding]:
    """All findings, sorted by position, without overlaps (first kind found wins)."""
    findings = _id_numbers(text)
    findings += [Finding("email", m.start(), m.end(), True) for m in _EMAIL.finditer(text)]
    taken = [(f.start, f.end) for f in findings]
    findings += _phones(text, taken)
    taken = [(f.start, f.end) for f in findings]
    for match in _ADDRESS.finditer(text):
        if not any(s < match.end() and match.start() < e for s, e in taken):
            findings.append(Finding("address", match.start(), match.end(), True))
    return sorted(findings, key=lambda f: f.start)


def mask(text: str, findings: list[Finding] | None = None) -> str:
    """The text with every finding (valid or not) replaced by its label, e.g. "[NIK]"."""
    findings = find(text) if findings is None else findings
    out, last = [], 0
    for finding in sorted(findings, key=lambda f: f.start):
        if finding.start < last:
            continue
        out.append(text[last:finding.start])
        out.append(MASKS[finding.type])
        last = finding.end
    out.append(text[last:])
    return "".join(out)


def _known(text: str, known) -> list[Finding]:
    found = []
    for value in known:
        value = (value or "").strip()
        if len(value) < 3:
            continue
        for match in re.finditer(re.escape(value), text, re.I):
            found.append(Finding("name", match.start(), match.end(), True))
    return found


def mask_public(text: str, known=(), sure_only: bool = False) -> str:
    """Text bound for the public: every finding masked, plus the known values (the
    reporter's own name, phone, e-mail)."""
    findings = find(text) + _known(text, known)
    return mask(text, findings)
