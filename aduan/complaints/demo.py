"""A believable slice of Surakarta for `aduan demo`: people, RW/RT, complaints at every stage."""

import io
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from aduan.org.models import Official, Unit
from aduan.regions.loader import seed_city

from . import actions
from .intake import IncomingMessage, open_complaint
from .seed import add_rt_rw, seed_city_organisation

CITY = "33.72"
PASSWORD = "solo-demo-2026"
RT_RW = {  # kelurahan code -> {RW number: [RT numbers]}
    "33.72.02.1007": {5: [1, 2, 3]},  # Kemlayan, Serengan
    "33.72.05.1011": {2: [1, 4]},  # Manahan, Banjarsari
}


@dataclass
class Persona:
    username: str
    name: str
    unit_code: str
    role: str
    title: str


PERSONAS = [
    Persona("tim", "Rina Tim Khusus", "tim-triase", "triage", "Tim Khusus Pengaduan"),
    Persona("walikota", "Wali Kota Surakarta", "pemkot-33-72", "mayor", "Wali Kota"),
    Persona("sekda", "Sekda Surakarta", "pemkot-33-72", "sekda", "Sekretaris Daerah"),
    Persona("camat.serengan", "Budi Camat", "kec-33-72-02", "camat", "Camat Serengan"),
    Persona("lurah.kemlayan", "Sri Lurah", "kel-33-72-02-1007", "lurah", "Lurah Kemlayan"),
    Persona("rw05.kemlayan", "Pak Joko", "rw-33-72-02-1007-05", "ketua_rw",
            "Ketua RW 05 Kemlayan"),
    Persona("rt03.kemlayan", "Bu Tini", "rt-33-72-02-1007-05-03", "ketua_rt",
            "Ketua RT 03/RW 05 Kemlayan"),
    Persona("rt01.kemlayan", "Pak Slamet", "rt-33-72-02-1007-05-01", "ketua_rt",
            "Ketua RT 01/RW 05 Kemlayan"),
    Persona("lurah.manahan", "Agus Lurah", "kel-33-72-05-1011", "lurah", "Lurah Manahan"),
    Persona("dpupr", "Dewi Staf DPUPR", "dpupr", "staff", "Admin Aduan DPUPR"),
    Persona("kepala.dpupr", "Hadi Kepala DPUPR", "dpupr", "kepala", "Kepala DPUPR"),
    Persona("dlh", "Yanto Staf DLH", "dlh", "staff", "Admin Aduan DLH"),
    Persona("dishub", "Wawan Staf Dishub", "dishub", "staff", "Admin Aduan Dishub"),
]


def _people() -> dict[str, object]:
    User = get_user_model()
    users = {}
    for p in PERSONAS:
        first, _, last = p.name.partition(" ")
        user, created = User.objects.get_or_create(
            username=p.username, defaults={"first_name": first, "last_name": last})
        if created:
            user.set_password(PASSWORD)
            user.save()
        Official.objects.get_or_create(user=user, unit=Unit.objects.get(code=p.unit_code),
                                       role=p.role, defaults={"title": p.title})
        users[p.username] = user
    admin, created = User.objects.get_or_create(
        username="admin", defaults={"is_staff": True, "is_superuser": True})
    if created:
        admin.set_password(PASSWORD)
        admin.save()
    return users


def _photo(colour: tuple[int, int, int], text: str) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (800, 600), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle([100, 200, 700, 400], outline=(255, 255, 255), width=8)
    draw.text((120, 220), text, fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


SAMPLES = [
    ("Jalan di Jl. Gatot Subroto depan toko batik berlubang besar, sudah dua minggu. "
     "Motor sering jatuh kalau malam. Kemlayan RT 3 RW 5.", "33.72.02.1007", 3, 5, "jalan"),
    ("Lampu PJU di gang RT 01 RW 02 Manahan mati sejak Senin, gelap sekali.",
     "33.72.05.1011", 1, 2, "pju"),
    ("Sampah numpuk di pinggir kali dekat jembatan, baunya sampai ke rumah warga.",
     "33.72.02.1007", 1, 5, "sampah"),
    ("Saluran air mampet, kalau hujan air masuk ke rumah warga RT 4.",
     "33.72.05.1011", 4, 2, "drainase"),
    ("Pak, mohon info pengurusan KTP-el yang hilang, apa perlu surat dari kelurahan?",
     None, None, None, None),
    ("Ada parkir liar di trotoar depan stadion, pejalan kaki terpaksa turun ke jalan.",
     "33.72.05.1011", None, None, "lalu_lintas"),
    ("Surat pengantar RT untuk SKCK belum ditandatangani sudah seminggu, mohon dibantu "
     "karena dibutuhkan untuk melamar kerja.", "33.72.02.1007", 3, 5, "layanan_wilayah"),
]


@transaction.atomic
def load_demo() -> dict[str, object]:
    seed_city(CITY)
    seed_city_organisation(CITY)
    for code, layout in RT_RW.items():
        add_rt_rw(code, layout)
    users = _people()
    created = []
    for text, region, rt, rw, category in SAMPLES:
        created.append(open_complaint(IncomingMessage(
            channel="web", text=text, region_code=region, rt=rt, rw=rw, category_code=category,
            name="Warga Demo", phone="081234567890",
            photos=[_photo((120, 90, 60), "SEBELUM")] if category in ("jalan", "sampah") else [],
        )))
    road, light, rubbish = created[0], created[1], created[2]
    actions.acknowledge(road, users["dpupr"], "Tim Bina Marga survei lokasi besok.")
    letter = created[6]
    rt03 = Unit.objects.get(code="rt-33-72-02-1007-05-03")
    actions.assign(letter, rt03, users["lurah.kemlayan"], "Mohon Ketua RT 03 menindaklanjuti.")
    light = actions.acknowledge(light, users["dishub"], "Petugas PJU dijadwalkan besok.")
    from aduan.evidence.store import save_photo

    after = save_photo(_photo((40, 120, 60), "SESUDAH"), complaint=light, tag="after",
                       user=users["dishub"])
    actions.resolve(light, users["dishub"], "Lampu sudah diganti dan menyala.", [after.pk])
    rubbish = actions.acknowledge(rubbish, users["dlh"], "Truk sampah dijadwalkan.")
    return {"users": users, "complaints": created}


def is_loaded() -> bool:
    return Unit.objects.filter(code="tim-triase").exists() and get_user_model().objects.filter(
        username="tim").exists()
