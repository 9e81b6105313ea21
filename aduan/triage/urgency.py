"""Emergency or normal: fire, a fallen tree blocking a road, flooding inside homes, a live
cable, victims, collapse, "darurat". A signal preceded (within three words) by a negation
or a hypothetical ("bukan darurat", "tidak ada korban", "takut tumbang", "rawan kebakaran",
"sebelum ada korban") does not count.

Two more things do not make an emergency:
- a death in a complaint about aid, inheritance or paperwork ("ayah meninggal, akta
  kematian belum jadi", "PKH almarhumah ibu dialihkan"): the death is the reason for the
  paperwork, not an event to respond to;
- a past event ("kebakaran bulan lalu, belum ada bantuan", "bekas banjir tahun lalu"): a
  signal with a past-time phrase within six words around it, and nothing that says it is
  still going on ("masih", "sekarang", "belum padam/surut", "tolong segera").
"""

import re

from .normalize import tokens

EMERGENCY = "emergency"
NORMAL = "normal"

# Each signal is a regular expression over normalised text (words separated by one space).
SIGNALS: dict[str, str] = {
    "fire": r"\b(?:kebakaran|terbakar|berkobar|kobaran api|api (?:membesar|menjalar|besar)"
            r"|ada api|dilalap api|hangus)\b",
    "explosion": r"\b(?:ledakan|meledak|gas (?:bocor|menyengat)|kebocoran gas)\b",
    "fallen_tree": r"\bpohon (?:\w+ )?(?:tumbang|roboh|ambruk|jatuh)\b"
                   r"|\b(?:tumbang|roboh) (?:menutup|menimpa|melintang)",
    "flood_home": r"\bbanjir (?:\w+ ){0,3}(?:masuk|merendam|setinggi|sedada|sepinggang)\b"
                  r"|\b(?:terendam|mengungsi|pengungsian|banjir bandang|tanggul jebol"
                  r"|air bah|kelelep|kebanjiran)\b|\bbanjir (?:besar|bandang)\b",
    "live_cable": r"\bkabel (?:listrik )?(?:\w+ ){0,3}(?:bertegangan|percikan|menyetrum|"
                  r"kesetrum|tersetrum|berasap|terbakar|konslet|korsleting)\b"
                  r"|\b(?:kesetrum|tersetrum)\b",
    "victim": r"\b(?:korban|terluka|luka parah|luka bakar|meninggal|tewas|pingsan|terjebak"
              r"|hanyut|tertimpa|tertimbun|ketiban|kritis)\b",
    "structure_collapse": r"\b(?:rumah|atap|bangunan|tembok|dinding|gedung|plafon|jembatan) "
                          r"(?:\w+ ){0,2}(?:roboh|ambruk|runtuh|putus)\b",
    "landslide": r"\b(?:longsor|tanah longsor|puting beliung|angin puting|gempa)\b",
    "collapse": r"\b(?:ambruk|roboh|runtuh|jebol|amblas)\b",
    "explicit": r"\b(?:darurat|emergency|sos|gawat|evakuasi|tolong cepat|segera kirim)\b",
}
_PATTERNS = {name: re.compile(p) for name, p in SIGNALS.items()}
# "collapse" alone is weak (a wall of a drain can "jebol" without danger to people): it
# needs a second signal.
WEAK = {"collapse"}
NEGATORS = {"tidak", "bukan", "belum", "tanpa", "rawan", "khawatir", "takut", "potensi",
            "berpotensi", "bisa", "cegah", "mencegah", "pencegahan", "risiko", "berisiko",
            "kalau", "jika", "sebelum", "seperti", "bekas", "simulasi", "sosialisasi",
            "pelatihan", "antisipasi", "mengantisipasi", "hampir", "nyaris"}


_DEATH = re.compile(r"\b(?:meninggal|tewas|wafat|mati)\b")
_PAPERWORK = re.compile(
    r"\b(?:akta|akte|kematian|warisan|waris|ahli waris|almarhum|almarhumah|alm|santunan"
    r"|pkh|bpnt|bansos|bantuan|blt|bpjs|pbi|kis|kip|dtks|dtsen|ktp|kk|kartu keluarga|nik"
    r"|surat|dokumen|klaim|pensiun|taspen|asuransi|administrasi|dukcapil|disdukcapil"
    r"|dispendukcapil|sertifikat|balik nama|pajak|pbb|tabungan|rekening|data|didata"
    r"|terdaftar|penerima|dicoret|dialihkan|ganti nama|pengurusan|mengurus|urus)\b")
_PAST = re.compile(
    r"\b(?:(?:\d+|se|beberapa|dua|tiga|empat|lima) )?(?:hari|minggu|pekan|bulan|tahun) "
    r"(?:lalu|kemarin|yang lalu)\b|\b(?:dulu|dahulu|pernah|bekas|pasca|sisa|waktu itu"
    r"|tempo hari|tahun \d{4}|sudah padam|sudah surut|sudah dievakuasi|sudah selesai)\b")
_ONGOING = re.compile(
    r"\b(?:masih (?:membesar|menyala|berkobar|terjebak|tergenang|naik|berlangsung|terjadi"
    r"|mengalir|ada api)|(?<!sampai )(?<!hingga )sekarang|saat ini|sedang|belum padam"
    r"|belum surut|terus membesar|segera|tolong cepat|darurat|barusan|baru saja|tadi)\b")


def _is_past(normalised: str, start: int, end: int) -> bool:
    window = " ".join(normalised[:start].split()[-6:] + normalised[end:].split()[:6])
    return bool(_PAST.search(window)) and not _ONGOING.search(window)


def signals(text: str, normalised: str | None = None) -> list[str]:
    """Names of the emergency signals present and not negated, not past and not a death
    behind a paperwork complaint. Pass `normalised` (the normaliser's output) when the
    caller already has it."""
    if normalised is None:
        normalised = " ".join(tokens(text))
    paperwork = bool(_PAPERWORK.search(normalised))
    found = []
    for name, pattern in _PATTERNS.items():
        for match in pattern.finditer(normalised):
            before = normalised[:match.start()].split()[-3:]
            if NEGATORS.intersection(before):
                continue
            if paperwork and name == "victim" and _DEATH.fullmatch(match.group()):
                continue
            if _is_past(normalised, match.start(), match.end()):
                continue
            found.append(name)
            break
    return found


def urgency(text: str, normalised: str | None = None) -> str:
    found = set(signals(text, normalised))
    strong = found - WEAK
    return EMERGENCY if strong or len(found) > 1 else NORMAL
