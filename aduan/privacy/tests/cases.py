"""The complaints the privacy tests walk, each with a reporter whose details must not leak.

- ordinary: owned by RT 03/RW 05 Kemlayan (Siti Aminah, 0812 9876 5432);
- about_rt: "Pak RT susah dihubungi, minta uang" in RT 03: routed to RW 05, RT 03 skipped;
- confidential: owned by RW 05, reporter known to the triage team only (Dewi Lestari);
- road: a road in Kemlayan owned by DPUPR (Agus Salim).
"""

from dataclasses import dataclass

from aduan.complaints import actions
from aduan.complaints.intake import IncomingMessage, open_complaint
from aduan.complaints.models import Complaint
from aduan.org.models import Unit

KEMLAYAN = "33.72.02.1007"
RT03 = "rt-33-72-02-1007-05-03"
RW05 = "rw-33-72-02-1007-05"

PERSONAS = ["tim", "walikota", "camat.serengan", "lurah.kemlayan", "rw05.kemlayan",
            "rt03.kemlayan", "dpupr", None]  # None: an anonymous visitor


@dataclass
class Reporter:
    name: str
    phone: str
    email: str

    @property
    def first(self) -> str:
        return self.name.split()[0]

    @property
    def last(self) -> str:
        return self.name.split()[-1]

    def phone_spellings(self) -> list[str]:
        digits = self.phone.replace(" ", "")
        return [self.phone, digits, "62" + digits[1:], digits[-8:]]


SITI = Reporter("Siti Aminah", "0812 9876 5432", "siti.aminah@example.org")
BAMBANG = Reporter("Bambang Sutrisno", "0813 7778 8899", "bambang.s@example.org")
DEWI = Reporter("Dewi Lestari", "0813 5556 6677", "dewi.lestari@example.org")
AGUS = Reporter("Agus Salim", "0812 1112 2233", "agus.salim@example.org")


def _open(text: str, who: Reporter, **extra) -> Complaint:
    return open_complaint(IncomingMessage(
        channel="web", text=text, name=who.name, phone=who.phone, email=who.email,
        region_code=KEMLAYAN, rw=5, rt=3, **extra))


def ordinary() -> Complaint:
    c = _open("Lampu gang mati sejak minggu lalu, gelap sekali kalau malam.", SITI,
              category_code="layanan_wilayah")
    return actions.assign(c, Unit.objects.get(code=RT03), None, "RT setempat")


def about_rt(ticked: bool = False) -> Complaint:
    text = ("Pak RT susah dihubungi, sudah tiga kali ke rumahnya, dan minta uang untuk "
            "surat pengantar.")
    return _open(text, BAMBANG, category_code="layanan_wilayah", about_official=ticked)


def confidential() -> Complaint:
    c = _open("Pos ronda rusak atapnya bocor, mohon diperbaiki.", DEWI,
              category_code="layanan_wilayah", confidential=True)
    return actions.assign(c, Unit.objects.get(code=RW05), None, "RW setempat")


def road() -> Complaint:
    return _open("Jalan di gang depan masjid berlubang besar, motor sering jatuh.", AGUS,
                 category_code="jalan")
