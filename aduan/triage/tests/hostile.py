"""Hostile spellings of personal data inside Indonesian sentences, as hypothesis strategies.

Each strategy draws a `Secret`: the text to embed and the `needles` that must never be
found in a public output (digit runs are compared on digits only, so "0812 3456" and
"08123456" are the same leak). Used by the masker's property test and the public-exit test.
"""

import re
from dataclasses import dataclass

from hypothesis import strategies as st

SEPARATORS = ["", " ", ".", "-", "/", "_", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014",
              "\u2212", "\u00a0", "\u202f", "\u2009", "\u200b", " - ", ". "]
FIRST = ["Budi", "Siti", "Agus", "Sri", "Dewi", "Joko", "Bambang", "Wahyuni", "Rina", "Eko",
         "Ahmad", "Nur", "Yanti", "Hendra", "Puji", "Lestari", "Wulan", "Darmo", "Sukarti",
         "Tukiyem", "Paijo", "Ratna", "Fajar", "Indah"]
LAST = ["Santoso", "Rahayu", "Susanto", "Wibowo", "Prasetyo", "Hidayat", "Kurniawan",
        "Purnomo", "Suharti", "Wijaya", "Sutrisno", "Handayani", "Setiawan", "Nugroho"]
HONORIFICS = ["Pak", "Bu", "Bapak", "Ibu", "Mas", "Mbak", "Sdr.", "Sdri.", "Bpk.", "H.", "Hj.",
              "dr.", "Ir.", "Kang", "Dik", "Mbah", "Om", "Tante", "pak", "bu", "PAK", "Bu.",
              "Pak Haji", "Bu Hj."]
STREETS = ["Melati", "Kenanga", "Mawar Merah", "Cempaka Putih", "Anggrek", "Flamboyan",
           "Dahlia", "Teratai", "Nusa Indah", "Srikaya"]
STREET_WORDS = ["Jl", "Jl.", "Jln", "Jln.", "Jalan", "Gg", "Gg.", "Gang", "jl.", "jln", "JL.",
                "jalan", "gg"]
ESTATES = ["Perum", "Perumahan", "Komplek", "Kompleks", "Griya", "perum"]
DOMAINS = ["gmail.com", "yahoo.co.id", "mail.id", "surakarta.go.id", "outlook.com"]
SENTENCES = [
    "Tolong dibantu, {x}, lampu jalan mati sudah seminggu.",
    "Sampah menumpuk di depan rumah {x} dan baunya sampai ke masjid.",
    "{x} bilang saluran air mampet sejak hujan kemarin.",
    "Mohon segera diperbaiki ya, hubungi {x} kalau perlu.",
    "Jalan berlubang dekat {x}, motor sering jatuh.",
    "Saya warga Kemlayan, {x}. Parkir liar bikin macet.",
    "{x}",
    "Laporan: pohon tumbang menutup jalan ({x}).",
    "Air PDAM tidak mengalir; {x}; mohon dicek petugas.",
    "Kata {x} pengurusan KTP-el belum selesai.",
]


@dataclass(frozen=True)
class Secret:
    kind: str
    text: str
    needles: tuple[str, ...]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def leaked(output: str, secret: Secret) -> list[str]:
    """The needles of `secret` still readable in `output`."""
    found = []
    digits = _digits(output)
    lowered = output.lower()
    for needle in secret.needles:
        if needle.isdigit() and len(needle) < 6:  # a house number: as a number of its own
            if re.search(r"(?<!\d)" + needle + r"(?!\d)", output):
                found.append(needle)
        elif needle.isdigit():
            if needle in digits:
                found.append(needle)
        elif re.search(r"(?<!\w)" + re.escape(needle.lower()) + r"(?!\w)", lowered):
            found.append(needle)
    return found


def _group(digits: str, sizes, sep: str) -> str:
    parts, i = [], 0
    for size in sizes:
        if i >= len(digits):
            break
        parts.append(digits[i:i + size])
        i += size
    if i < len(digits):
        parts.append(digits[i:])
    return sep.join(parts)


GROUPINGS = [(4, 4, 4, 4), (6, 6, 4), (2, 2, 2, 6, 4), (16,), (3, 4, 4, 5), (1,) * 16]


@st.composite
def nik(draw):
    prefix = draw(st.sampled_from(["337201", "337202", "337203", "337204", "337205",
                                   "331101", "340101", "317101"]))
    day = draw(st.integers(1, 28)) + draw(st.sampled_from([0, 40]))
    digits = (f"{prefix}{day:02d}{draw(st.integers(1, 12)):02d}{draw(st.integers(0, 99)):02d}"
              f"{draw(st.integers(1, 9999)):04d}")
    sep = draw(st.sampled_from(SEPARATORS))
    number = _group(digits, draw(st.sampled_from(GROUPINGS)), sep)
    label = draw(st.sampled_from(["NIK", "NIK ", "NIK:", "NIK: ", "nik ", "No. NIK ", "KTP ",
                                  "e-KTP: ", "NIK.", "no ktp ", "Nomor Induk Kependudukan ",
                                  "N.I.K ", ""]))
    return Secret("nik", label + number, (digits, digits[:10], digits[6:]))


@st.composite
def kk(draw):
    prefix = draw(st.sampled_from(["337201", "337202", "337205"]))
    digits = (f"{prefix}{draw(st.integers(1, 28)):02d}{draw(st.integers(1, 12)):02d}"
              f"{draw(st.integers(0, 24)):02d}{draw(st.integers(1, 9999)):04d}")
    sep = draw(st.sampled_from(SEPARATORS))
    number = _group(digits, draw(st.sampled_from(GROUPINGS)), sep)
    label = draw(st.sampled_from(["KK", "KK ", "KK:", "No.KK", "No. KK ", "no kk ", "kk:",
                                  "Kartu Keluarga ", "nomor KK: ", "K.K. "]))
    return Secret("kk", label + number, (digits, digits[:10], digits[6:]))


@st.composite
def phone(draw):
    body = "8" + str(draw(st.integers(1, 9))) + "".join(
        str(draw(st.integers(0, 9))) for _ in range(draw(st.integers(7, 9))))
    prefix = draw(st.sampled_from(["0", "+62", "62", "(+62)", "+62 ", "(+62) ", "0", "+62-",
                                   "(0)", "+ 62 "]))
    sep = draw(st.sampled_from(SEPARATORS))
    sizes = draw(st.sampled_from([(3, 4, 4), (4, 4, 4), (2, 3, 3, 3), (11,), (3, 3, 3, 3)]))
    label = draw(st.sampled_from(["", "HP ", "hp: ", "WA ", "wa.", "Telp. ", "no hp ",
                                  "WhatsApp: ", "kontak ", "hub. "]))
    return Secret("phone", label + prefix + _group(body, sizes, sep), (body[-8:],))


@st.composite
def email(draw):
    local = draw(st.sampled_from(FIRST)).lower() + draw(st.sampled_from(["", ".", "_"])) + \
        draw(st.sampled_from(LAST)).lower() + str(draw(st.integers(0, 99)))
    domain = draw(st.sampled_from(DOMAINS))
    at = draw(st.sampled_from(["@", " at ", "[at]", "(at)", " [at] ", " @ ", "\uff20"]))
    if at == "@":
        shown = domain
    else:
        dot = draw(st.sampled_from([".", " dot ", "[dot]", "(dot)"]))
        shown = domain.replace(".", dot)
    return Secret("email", local + at + shown, (local,))


@st.composite
def address(draw):
    number = str(draw(st.integers(2, 299)))
    suffix = draw(st.sampled_from(["", "A", "B", "/3", "-5"]))
    if draw(st.booleans()):
        street = draw(st.sampled_from(STREET_WORDS)) + draw(st.sampled_from([" ", ""])) \
            + draw(st.sampled_from(STREETS))
        house = draw(st.sampled_from(["No. ", "No.", "no ", "nomor ", "Nomor ", "NO ", "",
                                      "No: ", "#"])) + number + suffix
        text = f"{street} {house}"
    elif draw(st.booleans()):
        estate = draw(st.sampled_from(ESTATES)) + " " + draw(st.sampled_from(STREETS))
        letter = draw(st.sampled_from(["A", "B", "C", "D", "AA", "C2"]))
        block = draw(st.sampled_from([f"Blok {letter}-{number}", f"Blok {letter} No. {number}",
                                      f"blok {letter}{number}", f"Blok {letter}/{number}",
                                      f"No. {number}"]))
        text = f"{estate} {block}"
    else:
        rt, rw = draw(st.integers(1, 20)), draw(st.integers(1, 15))
        text = draw(st.sampled_from([f"RT {rt:02d} RW {rw:02d} No. {number}",
                                     f"RT {rt}/RW {rw} no {number}",
                                     f"rumah saya no. {number}",
                                     f"Rt.{rt:02d}/Rw.{rw:02d} Nomor {number}"]))
    return Secret("address", text, (number + "".join(c for c in suffix if c.isdigit()),))


@st.composite
def honorific_name(draw):
    honorific = draw(st.sampled_from(HONORIFICS))
    first, last = draw(st.sampled_from(FIRST)), draw(st.sampled_from(LAST))
    style = draw(st.sampled_from(["title", "title", "upper", "first"]))
    name = {"title": f"{first} {last}", "upper": f"{first} {last}".upper(),
            "first": first}[style]
    needles = (first, last) if style != "first" else (first,)
    return Secret("name", f"{honorific} {name}", needles)


@st.composite
def contact_card(draw):
    first, last = draw(st.sampled_from(FIRST)), draw(st.sampled_from(LAST))
    number = "8" + "".join(str(draw(st.integers(0, 9))) for _ in range(10))
    card = draw(st.sampled_from([
        f"Kontak: {first} {last} +62 {number[:3]}-{number[3:7]}-{number[7:]}",
        f"BEGIN:VCARD\nVERSION:3.0\nFN:{first} {last}\nN:{last};{first};;;\n"
        f"TEL;type=CELL:+62{number}\nEND:VCARD",
        f"Lokasi: Warung {first} {last}, Jl. {draw(st.sampled_from(STREETS))} 12",
    ]))
    return Secret("contact", card, (first, last, number[-8:]))


SECRETS = st.one_of(nik(), kk(), phone(), email(), address(), honorific_name(), contact_card())


@st.composite
def sentence(draw, secret_strategy=SECRETS):
    """(text, secret): one hostile spelling inside an Indonesian sentence."""
    secret = draw(secret_strategy)
    return draw(st.sampled_from(SENTENCES)).format(x=secret.text), secret
