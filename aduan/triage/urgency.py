"""Emergency or normal: fire, a fallen tree blocking a road, flooding inside homes, a live
cable, victims, collapse, "darurat". A signal preceded (within three words) by a negation
or a hypothetical ("bukan darurat", "tidak ada korban", "takut tumbang", "rawan kebakaran",
"sebelum ada korban") does not count.
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


def signals(text: str, normalised: str | None = None) -> list[str]:
    """Names of the emergency signals present and not negated. Pass `normalised` (the
    normaliser's output) when the caller already has it."""
    if normalised is None:
        normalised = " ".join(tokens(text))
    found = []
    for name, pattern in _PATTERNS.items():
        for match in pattern.finditer(normalised):
            before = normalised[:match.start()].split()[-3:]
            if not NEGATORS.intersection(before):
                found.append(name)
                break
    return found


def urgency(text: str, normalised: str | None = None) -> str:
    found = set(signals(text, normalised))
    strong = found - WEAK
    return EMERGENCY if strong or len(found) > 1 else NORMAL
