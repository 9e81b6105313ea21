"""Find and mask personal data in complaint text: NIK, KK, phone, e-mail, address, names,
shared contact cards and locations.

Every finding carries its type, its span in the ORIGINAL text, whether it is structurally
valid, and a confidence. A finding below `SURE` means "the masker is not sure": it is
masked all the same, and the caller (complaints.public_face) lets a person approve the
public wording before anything is shown.

The text is first normalised one character for one (spans stay valid): every Unicode dash
becomes "-", every Unicode space " ", full-width and other decimal digits ASCII digits;
zero-width characters and soft hyphens are dropped (an index map keeps the spans right).

- Numbers: a run of digits with any of `space . - / _ ( ) +` between them. 16 digits is an
  NIK when `stdnum.id.nik` accepts it and its kecamatan exists; a KK when labelled so
  ("KK", "kartu keluarga"; glued labels such as `NIK3372…`, `No.KK3372…` count). Phones
  are `0`, `62`, `+62`, `(+62)` or bare `8xx` mobiles and landlines with an area code. Any
  other run of 10 or more digits is an unsure "number". Rupiah amounts are ignored.
- E-mail: `a@b.c`, and `a at b dot com`, `a[at]b.id`, `a (at) b (dot) id`.
- Addresses: a street (`Jl`, `Jln`, `Jalan`, `Gg`, `Gang`, `Lorong`) with its house number,
  a housing estate (`Perum`, `Perumahan`, `Komplek`, `Griya`...) with its block or number,
  `Blok C-12`, `RT 03 RW 05 No. 12`, `rumah no. 12`, `alamat: ...`. A street name alone is a
  place and is kept, and so are kelurahan/kecamatan names.
- Names: a person named with an honorific or title (Pak, Bu, Mas, Mbak, Sdr, H., Hj.,
  dr., Ir., ...) — "Pak RT" or "Bu Lurah" alone is an office, not a name; "nama saya X",
  "atas nama X", "a.n. X"; WhatsApp/Telegram contact cards (`Kontak: ...`, vCard FN/N/TEL)
  and shared locations (`Lokasi: ...`); two or three capitalised words that are not a place
  (unsure); the reporter's own name, phone and e-mail when the caller passes them (`known`).
"""

import re
import unicodedata
from dataclasses import asdict, dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from stdnum.id import nik as stdnum_nik

WILAYAH_CSV = Path(__file__).resolve().parent.parent / "data" / "wilayah_indonesia.csv"

MASKS = {"nik": "[NIK]", "kk": "[KK]", "phone": "[TELEPON]", "email": "[EMAIL]",
         "address": "[ALAMAT]", "name": "[NAMA]", "number": "[ANGKA]", "contact": "[KONTAK]",
         "place": "[LOKASI]"}
SURE = 0.8  # findings below this ask a person to approve the public wording


@dataclass(frozen=True)
class Finding:
    type: str
    start: int
    end: int
    valid: bool
    confidence: float = 1.0

    @property
    def sure(self) -> bool:
        return self.confidence >= SURE

    def to_dict(self) -> dict:
        return asdict(self)


# --- normalisation ---------------------------------------------------------------------------

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d\u2e3a\u2e3b"
_DROPPED = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e"}
_SAME = {"\uff20": "@", "\uff0e": ".", "\uff0f": "/", "\uff3f": "_", "\uff08": "(",
         "\uff09": ")", "\uff0b": "+", "\u2024": ".", "\u2215": "/", "\u2044": "/"}


def normalise(text: str) -> tuple[str, list[int]]:
    """(normalised text, index map): out[i] came from text[index[i]]."""
    out, index = [], []
    for i, char in enumerate(text):
        if char in _DROPPED:
            continue
        if char in _DASHES:
            char = "-"
        elif char in _SAME:
            char = _SAME[char]
        elif char.isspace() and char not in "\n\r":
            char = " "
        elif char.isdigit() and not char.isascii():
            value = unicodedata.decimal(char, None)
            char = str(value) if value is not None else char
        out.append(char)
        index.append(i)
    return "".join(out), index


# --- region lists ----------------------------------------------------------------------------

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


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Lower-cased names of every kecamatan and kelurahan/desa (kept public)."""
    names = set()
    with WILAYAH_CSV.open(encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            parts = line.rstrip("\n").split(",")
            if len(parts) >= 3 and parts[2] in ("kecamatan", "desa_kelurahan", "kabupaten_kota"):
                name = parts[1].lower()
                names.add(name)
                for prefix in ("kota ", "kabupaten "):
                    if name.startswith(prefix):
                        names.add(name[len(prefix):])
    return frozenset(names)


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


# --- numbers: NIK, KK, phones, long digit runs ----------------------------------------------

_RUN = re.compile(r"(?<!\d)(?:\(\s?)?(?:\+\s?)?\(?\d(?:[ .\-/_()+]{0,4}\d)*")
_LABEL_KK = re.compile(r"(?:\bk\.?\s?k(?![a-z])|kartu\s*keluarga)", re.I)
_LABEL_NIK = re.compile(
    r"(?:\bnik(?![a-z])|\be?-?ktp(?![a-z])|nomor\s+induk|\bn\.?i\.?k\.?(?=\W|\d))", re.I)
_LABEL_PHONE = re.compile(r"(?:\b(?:hp|telp|tlp|telepon|telpon|tel|wa|whatsapp|ponsel|handphone"
                          r"|kontak|hubungi|call|sms|nomer|nomor)(?![a-z]))", re.I)
_RUPIAH = re.compile(r"(?:\brp\.?|\bidr)\s*$", re.I)


def _label_before(text: str, start: int, width: int = 30) -> str | None:
    """'kk', 'nik' or 'phone' from the nearest label just before a number."""
    before = text[max(0, start - width):start]
    best: tuple[int, str] | None = None
    for kind, pattern in (("kk", _LABEL_KK), ("nik", _LABEL_NIK), ("phone", _LABEL_PHONE)):
        for match in pattern.finditer(before):
            if best is None or match.end() > best[0]:
                best = (match.end(), kind)
    return best[1] if best else None


_KK_NUMBER = re.compile(r"(?:\bno|\bnomor|\bnmr|\bnomer)\.?\s*(?:k\.?\s?k|kartu\s*keluarga)"
                        r"\W{0,3}$", re.I)


def _named_nik(text: str, start: int, digits: str) -> bool:
    """A number after a KK label is still an NIK when an NIK/KTP label comes before the KK
    label ("NIK anggota KK", "NIK sesuai KK") unless it is "no. KK" right before the number,
    or when its day field is a woman's (41-71): a KK's issue date never is. (h12)"""
    if len(digits) == 16 and 41 <= int(digits[6:8]) <= 71:
        return True
    before = text[max(0, start - 40):start]
    return bool(_LABEL_NIK.search(before)) and not _KK_NUMBER.search(before)


def _phone_confidence(raw: str, digits: str, label: str | None) -> float:
    """How sure a digit run is a phone number (0 when it is not one)."""
    international = "+" in raw or digits.startswith("62")
    if international and digits.startswith("62"):
        digits = "0" + digits[2:]
    elif digits.startswith("8") and not raw.lstrip("( ").startswith("0"):
        digits = "0" + digits  # "812-3456-7890" without its 0
        if not 10 <= len(digits) <= 13:
            return 0.0
        return 0.9
    if not digits.startswith("0") or len(digits) < 9:
        return 0.0
    if digits.startswith("08"):
        if 10 <= len(digits) <= 13 and digits[2] != "0":
            return 1.0
        return 0.7 if len(digits) > 13 else 0.0
    if digits[1] in "234567" and 9 <= len(digits) <= 12:
        area = re.match(r"\(?\s?0\d{2,3}\s?\)?[ .\-/]", raw)
        return 1.0 if (area or international or label == "phone") else 0.6
    return 0.0


def _numbers(text: str) -> list[Finding]:
    found = []
    for match in _RUN.finditer(text):
        start, end, raw = match.start(), match.end(), match.group()
        while raw and not raw[-1].isdigit():  # a closing ")" or "." belongs to the sentence
            raw, end = raw[:-1], end - 1
        digits = _digits(raw)
        if _RUPIAH.search(text[max(0, start - 5):start]):
            continue
        label = _label_before(text, start)
        n = len(digits)
        if label == "kk" and _named_nik(text, start, digits):
            label = "nik"  # "NIK saya di KK 3372...": the KK only says where the NIK is
        if 15 <= n <= 17 and label == "kk":
            found.append(Finding("kk", start, end, n == 16 and is_valid_kk(digits)))
        elif n == 16 and is_valid_nik(digits):
            found.append(Finding("nik", start, end, True))
        elif 15 <= n <= 17 and label == "nik":
            found.append(Finding("nik", start, end, False))
        elif n >= 8 and label in ("nik", "kk"):
            found.append(Finding(label, start, end, False, 0.9))
        elif (confidence := _phone_confidence(raw, digits, label)) > 0:
            found.append(Finding("phone", start, end, confidence >= 0.9, confidence))
        elif n >= 10 or (n >= 7 and label == "phone"):
            found.append(Finding("number", start, end, False, 0.5))
    return found


# --- e-mail ----------------------------------------------------------------------------------

_TLD = r"(?:com|id|net|org|co|ac|go|sch|info|me|io|biz|xyz|edu|gov|web|my|or)"
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.I)
_AT = r"(?:\s*[\[({<]\s*(?:at|@)\s*[\])}>]\s*|\s+at\s+|\s*@\s*)"
_DOT = r"(?:\s*[\[({<]\s*(?:dot|titik|\.)\s*[\])}>]\s*|\s+(?:dot|titik)\s+|\s*\.\s*)"
_EMAIL_SPELLED = re.compile(
    rf"(?<![\w.+-])[\w.+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}{_TLD}\b", re.I)


def _emails(text: str) -> list[Finding]:
    found = [Finding("email", m.start(), m.end(), True) for m in _EMAIL.finditer(text)]
    found += [Finding("email", m.start(), m.end(), True)
              for m in _EMAIL_SPELLED.finditer(text)]
    return found


# --- addresses -------------------------------------------------------------------------------

_HOUSE_NO = (r"(?:no|nomor|nmr|nomer|nr|num|#)\b\.?\s*:?\s*\d+(?:\s?[a-z]\b)?"
             r"(?:\s?[/\-]\s?\d+(?:[a-z]\b)?)?")
_BARE_NO = r"\d+(?:\s?[a-z]\b)?(?:\s?[/\-]\s?\d+(?:[a-z]\b)?)?\b"
_UNITS = (r"(?!\s*(?:titik|meter|m\b|km|cm|kali|hari|minggu|bulan|tahun|thn|orang|rumah|"
          r"lubang|jam|menit|kk\b|%|unit|buah|lampu|tiang|persen|x\b))")
_WORD = r"(?!(?:rt|rw|RT|RW|Rt|Rw)\b)[A-Za-z'.\-]+"
_CAP = r"(?!(?:RT|RW|Rt|Rw)\b)[A-Z][A-Za-z'.\-]*"
_STREET = r"\b(?:jl|jln|jalan|gg|gang|lorong|lr)(?:\b|(?-i:(?=[A-Z])))\.?\s*"
_ESTATE = (r"\b(?:perum|perumahan|komplek|kompleks|komp|kompl|cluster|klaster|griya|villa|"
           r"residence|residen|asrama|rusun|rusunawa|apartemen|apartment|kav|kavling)\b\.?\s*")
_BLOCK = r"\bblok\b\.?\s*[a-z]{0,2}\s?[\-/.]?\s?\d+[a-z]?(?:\s?[/\-]\s?\d+[a-z]?)?"
_ADDRESS_RULES = [
    # street name and house number: "Jl. Slamet Riyadi No. 12", "Jl Slamet Riyadi 12"
    (re.compile(_STREET + rf"(?:{_WORD}\s+){{0,5}}?(?:{_HOUSE_NO}|{_BLOCK})", re.I), 1.0),
    (re.compile(r"\b(?:jl|jln|gg|lr)(?:\b|(?-i:(?=[A-Z])))\.?\s*"
                + rf"(?:{_WORD}\s+){{1,5}}?{_BARE_NO}" + _UNITS, re.I), 0.9),
    (re.compile(r"\b(?:Jalan|JALAN|Gang|GANG|Lorong)(?:\s+|(?=[A-Z]))"
                + rf"(?:{_CAP}\s+){{1,4}}?{_BARE_NO}" + _UNITS), 0.9),
    (re.compile(r"\b(?:jalan|gang)(?:\s+|(?-i:(?=[A-Z])))"
                + rf"(?:{_WORD}\s+){{1,2}}?{_BARE_NO}" + _UNITS, re.I), 0.6),
    # housing estates with a block or a number
    (re.compile(_ESTATE + rf"(?:{_WORD}\s+){{0,4}}?(?:{_BLOCK}(?:\s*{_HOUSE_NO})?|{_HOUSE_NO})",
                re.I), 1.0),
    (re.compile(_BLOCK + rf"(?:\s*{_HOUSE_NO})?", re.I), 0.9),
    # RT/RW next to a house number
    (re.compile(r"\brt\.?\s*:?\s*\d+\s*[/,.\-]?\s*(?:rw\.?\s*:?\s*\d+\s*,?\s*)?" + _HOUSE_NO,
                re.I), 1.0),
    # "rumah (saya) no. 12", "alamat ... no 5"
    (re.compile(r"\b(?:rumah|rmh|kediaman|kos|kost|kontrakan)(?:\s+\w+){0,2}?\s+" + _HOUSE_NO,
                re.I), 0.9),
    # "alamat: ..." up to the end of the clause
    (re.compile(r"\balamat(?:nya)?(?:\s+(?:saya|rumah|lengkap|kami|rumah\s+saya))?\s*(?::|di)"
                r"\s*[^\n,;.]{2,60}", re.I), 0.9),
    # a bare house number after "no." with a residential word nearby is caught above;
    # a lone "No. 12" elsewhere is left alone (a school, a bus line...).
]


def _addresses(text: str) -> list[Finding]:
    found = []
    for pattern, confidence in _ADDRESS_RULES:
        for match in pattern.finditer(text):
            end = match.end()
            while end > match.start() and text[end - 1] in " .,":
                end -= 1
            found.append(Finding("address", match.start(), end, confidence >= SURE,
                                 confidence))
    return found


# --- names, contact cards, shared locations --------------------------------------------------

_HONORIFIC = (r"(?:pak|bapak|bpk|bp|bu|ibu|mas|mbak|mba|sdr|sdri|saudara|saudari|kang|dik|"
              r"adik|mbah|om|tante|cak|ning|kak|bang|abang|teh|eyang|pakde|pakdhe|bude|budhe|"
              r"nyonya|ny|tuan|tn|haji|hajah|hajjah|ustad|ustadz|ustaz|ustadzah|ust|kyai|"
              r"kiai|romo|pastor|pendeta|mbok|nenek|kakek|engkong|encik|koh|cik|ci|oma|opa|"
              r"almarhum|alm|almh)")
_TITLE = r"(?:h|hj|kh|dr|drg|ir|drs|dra|prof)"
_OFFICE = {"rt", "rw", "lurah", "camat", "kades", "kadus", "ketua", "sekretaris", "bendahara",
           "satpam", "polisi", "guru", "dokter", "bidan", "kepala", "wali", "walikota",
           "wakil", "dinas", "kapolsek", "danramil", "babinsa", "bhabinkamtibmas", "petugas",
           "sopir", "supir", "tukang", "penjaga", "pemilik", "direktur", "manager", "manajer",
           "kapten", "mandor", "juru", "linmas", "hansip", "kader", "kaling", "kasi", "kasie",
           "kabid", "kadis", "sekda", "gubernur", "bupati", "presiden", "menteri", "dewan",
           "anggota", "dprd", "pengurus", "takmir", "pemuda", "warga", "tetangga", "kota",
           "kecamatan", "kelurahan", "desa", "kampung", "pasar", "jalan", "gang", "sekolah",
           "masjid", "dan", "atau", "yang", "itu", "ini", "sudah", "belum", "tolong", "mohon",
           "saya", "kami", "kita", "dia", "mereka", "sebagai", "selaku", "juga", "tidak",
           "bilang", "kata", "sering", "selalu", "masih", "pernah", "akan", "bisa", "mau",
           "harus", "lagi", "sedang", "tadi", "kemarin", "besok", "di", "ke", "dari", "pada",
           "untuk", "dengan", "karena", "agar", "supaya", "tapi", "namun", "lalu", "terus",
           "jadi", "sih", "dong", "ya", "yg", "dgn", "utk", "tdk", "sdh", "blm", "tsb",
           "tersebut", "semua", "para", "ada", "punya", "minta", "diminta", "sendiri",
           "bertugas", "datang", "lewat", "pergi", "pulang", "kerja", "bekerja", "sakit",
           "marah", "terima", "kasih", "halo", "hai", "selamat", "pagi", "siang", "sore",
           "malam", "maaf", "permisi", "sudi", "segera", "cepat", "buang", "sampah",
           "rumah", "rumahnya", "kantor", "puskesmas", "rs", "rsud", "posyandu", "banjir",
           "lampu", "listrik", "air", "pdam", "pln", "bpjs", "dll", "dsb", "pns", "asn",
           "sekalian", "sekeluarga", "bapak-bapak", "ibu-ibu", "kabupaten", "negeri",
           "gubernuran", "balai", "pos", "rt/rw", "setempat", "lingkungan", "pemerintah",
           "kebersihan", "keamanan", "pemkot", "pemda", "dishub", "dpupr", "dlh", "satpol",
           "pp", "tni", "polri", "kapolres", "kapolda", "ojol", "ojek", "pedagang", "penjual",
           "pembeli", "pelapor", "korban", "penghuni", "tamu"}
_NOT_A_NAME = _OFFICE | {"senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu",
                         "januari", "februari", "maret", "april", "mei", "juni", "juli",
                         "agustus", "september", "oktober", "november", "desember", "sd",
                         "smp", "sma", "smk", "sdn", "smpn", "sman", "tk", "paud", "mi",
                         "mts", "ma", "universitas", "stasiun", "terminal", "taman",
                         "lapangan", "alun-alun", "jembatan", "sungai", "kali", "pintu",
                         "gerbang", "indonesia", "solo", "surakarta", "jawa", "tengah",
                         "barat", "timur", "utara", "selatan", "raya", "baru", "lama",
                         "gede", "agung", "besar", "kecil", "wilayah", "daerah", "dekat",
                         "depan", "belakang", "samping", "sebelah", "seberang", "aduan",
                         "laporan", "nik", "kk", "ktp", "no", "nomor", "rp", "hp", "wa",
                         "tel", "telp", "email", "alamat", "lokasi", "kontak", "blok",
                         "perum", "perumahan", "komplek", "gg", "jl", "jln", "rt", "rw",
                         "the", "and", "of", "tim", "bina", "marga", "bidang", "seksi",
                         "unit", "bagian", "satuan", "badan", "upt", "uptd", "regu", "pemadam",
                         "kebakaran", "damkar", "pju", "dinas", "negara", "republik", "h", "hj",
                         "kh", "dr", "drg", "ir", "drs", "dra", "prof", "sdr", "sdri", "bpk",
                         "kartu", "keluarga", "kependudukan", "induk"}
_PLACE_WORDS = {"jalan", "jl", "jln", "gang", "gg", "pasar", "masjid", "gereja", "pura",
                "klenteng", "vihara", "taman", "stasiun", "terminal", "sekolah", "sd", "smp",
                "sma", "smk", "sdn", "smpn", "sman", "universitas", "rumah", "rs", "rsud",
                "puskesmas", "kantor", "kampung", "kelurahan", "kecamatan", "desa", "kota",
                "kabupaten", "perum", "perumahan", "komplek", "lapangan", "jembatan",
                "sungai", "kali", "bank", "hotel", "toko", "warung", "mall", "plaza", "pt",
                "cv", "lorong", "alun-alun", "kawasan", "pondok", "ponpes", "balai", "gedung",
                "museum", "bandara", "pom", "spbu", "pos", "makam", "tpu", "tpa", "tps",
                "dinas", "bengawan", "waduk", "embung", "griya", "villa", "monumen", "benteng",
                "keraton", "kraton", "pendopo", "hutan", "pantai", "gunung", "bukit",
                "stadion", "gor", "rsu", "apotek", "klinik", "candi", "bus", "koridor"}

_NAME_WORD = r"(?:[A-Z][A-Za-z'\-]+|[A-Z]\.)"
_HONORIFIC_NAME = re.compile(
    rf"(?<![\w.])(?:{_HONORIFIC}\.?\s+|{_TITLE}\.\s*)"
    rf"(?:(?:{_TITLE}\.\s*)*)"
    rf"((?:\w+\s+)?)"                                     # an office word ("Pak RT Budi")
    rf"({_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}}|[a-z][a-z'\-]{{2,}}(?:\s+[a-z][a-z'\-]{{2,}})?)",
    re.I)
_CAPS = r"((?:[A-Z][A-Za-z'\-]+|[A-Z]\.)(?:\s+(?:[A-Z][A-Za-z'\-]+|[A-Z]\.)){0,3})"
_NAME_LABEL = re.compile(
    r"(?i:\b(?:nama(?:nya)?(?:\s+(?:saya|lengkap|pelapor|warga|beliau|orangnya|pemilik))?"
    r"\s*(?::|adalah|ialah)?|atas\s+nama|a\.?\s?n\.|a/n|bernama|dengan\s+nama|namaku))"
    r"\s*:?\s*" + _CAPS)
_SELF = re.compile(r"(?i:\b(?:saya|sy|aku|panggil\s+saya))\s+" + _CAPS)
_NAME_LABEL_LOWER = re.compile(
    r"\b(?:nama(?:nya)?(?:\s+saya)?\s*(?::|adalah)|atas\s+nama|a\.n\.|a/n|bernama)\s*"
    r"([a-z][a-z'\-]{2,}(?:\s+[a-z][a-z'\-]{2,}){0,2})", re.I)
_CAPITALISED = re.compile(r"(?<![\w.])([A-Z][a-z'\-]{2,}(?:\s+[A-Z][a-z'\-]{2,}){1,2})\b")
_CARD_LINE = re.compile(r"(?im)^\s*(?:fn|n|tel|item\d*\.tel|email|adr|org|nickname)"
                        r"(?:;[^:\n]*)?:[^\n]*$")
_VCARD = re.compile(r"(?is)begin:vcard.*?(?:end:vcard|\Z)")
_CARD = re.compile(r"(?i)\b(?:kontak|contact|kartu\s+kontak|vcard)\s*:[^\n]*")
_LOCATION = re.compile(r"(?i)\b(?:lokasi(?:\s+dibagikan)?|location|venue|tempat)\s*:[^\n]*")


def _name_words_ok(words: str) -> bool:
    parts = [w.strip(".").lower() for w in words.split()]
    return bool(parts) and parts[0] not in _NOT_A_NAME


def _trim_name(text: str, start: int, end: int) -> int:
    """End of a name: stop before the first word that is not part of one (a common word,
    or a lower-case word after a capitalised name)."""
    pos = start
    capitalised = text[start:start + 1].isupper()
    for word in re.finditer(r"\S+", text[start:end]):
        value = word.group().strip(".,")
        if value.lower() in _NOT_A_NAME or (capitalised and value[:1].islower()):
            break
        pos = start + word.end()
    return pos


def _names(text: str) -> list[Finding]:
    found = []
    for match in _HONORIFIC_NAME.finditer(text):
        office, name = match.group(1).strip(), match.group(2)
        start = match.start(2)
        if office and office.lower() not in _OFFICE:
            # "Pak Budi Santoso": the first word is already the name
            start, name = match.start(1), text[match.start(1):match.end(2)]
        elif office and name.lower() in place_names():
            continue  # "Pak Camat Serengan", "Bu Lurah Kemlayan": an office and its place
        if not _name_words_ok(name):
            continue
        end = _trim_name(text, start, match.end(2))
        if end <= start:
            continue
        capitalised = text[start].isupper()
        confidence = 0.95 if capitalised else 0.6
        found.append(Finding("name", start, end, capitalised, confidence))
    for pattern, confidence in ((_NAME_LABEL, 0.95), (_NAME_LABEL_LOWER, 0.85), (_SELF, 0.7)):
        for match in pattern.finditer(text):
            if not _name_words_ok(match.group(1)):
                continue
            end = _trim_name(text, match.start(1), match.end(1))
            if end > match.start(1):
                found.append(Finding("name", match.start(1), end, True, confidence))
    places = place_names()
    for match in _CAPITALISED.finditer(text):
        words = match.group(1)
        before = text[max(0, match.start() - 20):match.start()].split()
        if before and before[-1].strip(".,:").lower() in _PLACE_WORDS:
            continue
        lowered = [w.lower() for w in words.split()]
        if words.lower() in places or any(w in _NOT_A_NAME or w in _PLACE_WORDS
                                          for w in lowered):
            continue
        if all(w in places for w in lowered):
            continue
        found.append(Finding("name", match.start(), match.end(), False, 0.5))
    return found


def _cards(text: str) -> list[Finding]:
    found = [Finding("contact", m.start(), m.end(), True) for m in _VCARD.finditer(text)]
    found += [Finding("contact", m.start(), m.end(), True) for m in _CARD_LINE.finditer(text)]
    for m in _CARD.finditer(text):
        colon = text.index(":", m.start()) + 1
        found.append(Finding("contact", colon, m.end(), True))
    for m in _LOCATION.finditer(text):
        colon = text.index(":", m.start()) + 1
        found.append(Finding("place", colon, m.end(), True))
    return [f for f in found if text[f.start:f.end].strip()]


# --- the reporter's own name, phone and e-mail -----------------------------------------------

def _known(text: str, known) -> list[Finding]:
    found = []
    for value in known:
        value = (value or "").strip()
        digits = _digits(value)
        if "@" in value:
            for m in re.finditer(re.escape(value), text, re.I):
                found.append(Finding("email", m.start(), m.end(), True))
            local = value.split("@", 1)[0]
            if len(local) >= 4:
                for m in re.finditer(r"(?<![\w.])" + re.escape(local) + r"(?![\w])", text, re.I):
                    found.append(Finding("email", m.start(), m.end(), True))
        elif len(digits) >= 7 and len(digits) >= len(value.replace(" ", "")) - 3:
            core = digits[-9:]
            for m in _RUN.finditer(text):
                if core in _digits(m.group()):
                    found.append(Finding("phone", m.start(), m.end(), True))
        else:
            if len(value) >= 3:
                for m in re.finditer(re.escape(value), text, re.I):
                    found.append(Finding("name", m.start(), m.end(), True))
            for part in value.split():
                part = part.strip(".,")
                if len(part) >= 3 and part.lower() not in _NOT_A_NAME:
                    for m in re.finditer(r"(?<!\w)" + re.escape(part) + r"(?!\w)", text, re.I):
                        found.append(Finding("name", m.start(), m.end(), True))
    return found


# --- putting it together ---------------------------------------------------------------------

_PRIORITY = {"contact": 0, "place": 0, "email": 1, "nik": 2, "kk": 2, "phone": 3,
             "address": 4, "name": 5, "number": 6}


def _merge_same(findings: list[Finding], kind: str) -> list[Finding]:
    """Overlapping findings of one kind become their union (two address rules seeing two
    parts of one address must not leave the house number between them)."""
    same = sorted((f for f in findings if f.type == kind), key=lambda f: f.start)
    merged: list[Finding] = []
    for f in same:
        if merged and f.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = Finding(kind, last.start, max(last.end, f.end), last.valid or f.valid,
                                 max(last.confidence, f.confidence))
        else:
            merged.append(f)
    return [f for f in findings if f.type != kind] + merged


def _select(findings: list[Finding]) -> list[Finding]:
    """Non-overlapping findings: by kind priority, then the longest."""
    findings = _merge_same(findings, "address")
    chosen: list[Finding] = []
    for f in sorted(findings, key=lambda f: (_PRIORITY[f.type], -f.confidence,
                                             -(f.end - f.start), f.start)):
        if f.end > f.start and not any(c.start < f.end and f.start < c.end for c in chosen):
            chosen.append(f)
    return sorted(chosen, key=lambda f: f.start)


def find(text: str, known=()) -> list[Finding]:
    """All findings, sorted by position, without overlaps, spans in the original text."""
    norm, index = normalise(text or "")
    findings = (_cards(norm) + _emails(norm) + _numbers(norm) + _addresses(norm)
                + _names(norm) + _known(norm, known))
    result = []
    for f in _select(findings):
        start = index[f.start]
        end = index[f.end - 1] + 1
        result.append(Finding(f.type, start, end, f.valid, f.confidence))
    return result


def is_sure(findings: list[Finding]) -> bool:
    """True when every finding is one the masker is sure of (no person needs to look)."""
    return all(f.sure for f in findings)


def mask(text: str, findings: list[Finding] | None = None) -> str:
    """The text with every finding (sure or not) replaced by its label, e.g. "[NIK]"."""
    findings = find(text) if findings is None else findings
    out, last = [], 0
    for finding in sorted(findings, key=lambda f: f.start):
        if finding.start < last:
            continue
        out.append(text[last:finding.start])
        out.append(MASKS.get(finding.type, "[DATA]"))
        last = finding.end
    out.append(text[last:])
    return "".join(out)


def mask_public(text: str, known=(), sure_only: bool = False) -> str:
    """Text bound for the public: findings masked, the reporter's own details too.
    `sure_only` keeps what the masker only guessed (a person approved that wording)."""
    findings = find(text, known)
    if sure_only:
        findings = [f for f in findings if f.sure]
    return mask(text, findings)
