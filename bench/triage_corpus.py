"""A labelled complaint history of a city the seed was not written for (Kota Semarang,
33.74), generated from phrase lists written for this bench: the city's own agency labels
(as a real export would have them), addresses, and street/kampung/estate names invented per
kelurahan (so place learning can be measured: some rows name only the street).

    python bench/triage_corpus.py OUT.csv [N]   (default 6000 rows, deterministic)

Used by bench/triage_bench.py for the learning curve and the import numbers. Phrases are
different from the seed set's (checked by the bench: no row is a seed text).
"""

import csv
import random
import sys
from pathlib import Path

WILAYAH = Path(__file__).resolve().parent.parent / "aduan" / "data" / "wilayah_indonesia.csv"
CITY = "33.74"

# (city's own label, our category, problem phrases)
TOPICS = [
    ("DPU - Jalan", "jalan", [
        "aspal {jalan} mengelupas dan berlubang", "ada lubang dalam di tengah {jalan}",
        "jalan cor {jalan} pecah-pecah", "trotoar {jalan} ambles", "jembatan kampung retak",
        "paving blok {jalan} lepas semua", "jalan {jalan} bergelombang bekas galian kabel",
        "tambalan jalan {jalan} tidak rata, motor sering selip"]),
    ("DPU - Drainase", "drainase", [
        "saluran {jalan} mampet", "air got {jalan} meluap kalau hujan",
        "gorong-gorong {jalan} tertutup sedimen", "genangan di {jalan} tidak surut",
        "rob masuk saluran {jalan}, pompa tidak jalan", "tutup saluran {jalan} jebol",
        "selokan {jalan} dangkal penuh lumpur", "air hujan tidak bisa mengalir di {jalan}"]),
    ("Disperkim - PJU", "pju", [
        "lampu jalan {jalan} padam", "PJU {jalan} mati total",
        "lampu penerangan {jalan} kedip-kedip",
        "jalan {jalan} gelap, lampu belum dipasang", "tiang lampu {jalan} lampunya pecah",
        "lampu jalan {jalan} nyala siang hari"]),
    ("DLH - Kebersihan", "sampah", [
        "sampah di TPS dekat {jalan} menggunung", "gerobak sampah tidak lewat {jalan}",
        "ada pembuangan sampah liar di {jalan}", "kontainer sampah {jalan} penuh",
        "sampah rumah tangga di {jalan} belum diambil seminggu", "bau sampah {jalan} menyengat"]),
    ("DLH - Taman", "pohon_taman", [
        "pohon di {jalan} perlu dipangkas", "dahan pohon {jalan} menyentuh genteng",
        "taman di {jalan} tidak terurus", "minta bibit pohon untuk {jalan}",
        "rumput taman {jalan} tinggi sekali", "pohon peneduh {jalan} rantingnya kering"]),
    ("DLH - Pencemaran", "lingkungan", [
        "limbah pabrik dekat {jalan} bau", "asap pabrik di {jalan} hitam pekat",
        "suara genset di {jalan} bising tiap malam", "air sungai dekat {jalan} berbusa",
        "bau kotoran ternak di {jalan}", "debu proyek di {jalan} masuk rumah"]),
    ("PDAM Tirta Moedal", "air", [
        "air Tirta Moedal di {jalan} mati", "air PDAM di {jalan} kecil sekali",
        "air PDAM {jalan} keruh kuning", "pipa PDAM bocor di {jalan}",
        "tagihan PDAM rumah di {jalan} melonjak", "meteran PDAM {jalan} rusak"]),
    ("Disdukcapil", "adminduk", [
        "e-KTP belum tercetak", "pengurusan KK lama sekali", "akta kelahiran anak belum jadi",
        "data NIK tidak padu padan", "surat pindah belum keluar", "KIA anak belum jadi",
        "perubahan status di KTP tidak diproses"]),
    ("Dinsos", "bansos", [
        "bantuan PKH ibu tidak cair", "kartu KKS tidak bisa dipakai di e-warong",
        "BPJS PBI keluarga dinonaktifkan", "minta didaftarkan DTKS",
        "bansos beras tidak sampai ke warga miskin", "data desil DTSEN tidak sesuai",
        "lansia terlantar butuh bantuan dinsos"]),
    ("Dinkes", "kesehatan", [
        "antrean puskesmas panjang", "kasus DBD di sekitar {jalan}", "minta fogging di {jalan}",
        "obat di puskesmas kosong", "pelayanan RSUD lambat", "posyandu tidak ada kader",
        "bidan puskesmas jarang datang"]),
    ("Disdik", "pendidikan", [
        "pungutan di SD negeri", "PIP anak tidak cair", "ijazah ditahan sekolah",
        "SPMB zonasi tidak adil", "guru jarang masuk kelas", "gedung SD dekat {jalan} rusak",
        "beasiswa pemkot belum cair"]),
    ("Satpol PP", "ketertiban", [
        "PKL menutup trotoar {jalan}", "bangunan liar di bantaran dekat {jalan}",
        "orang mabuk di {jalan} tiap malam", "balap liar di {jalan}",
        "warung remang-remang di {jalan} buka sampai pagi", "reklame liar di {jalan}"]),
    ("Dishub", "lalu_lintas", [
        "parkir liar di {jalan}", "jukir di {jalan} minta tarif lebih",
        "traffic light dekat {jalan} mati", "rambu di {jalan} hilang",
        "angkot ngetem di {jalan}", "bus Trans Semarang jarang lewat {jalan}"]),
    ("DPMPTSP", "perizinan", [
        "izin PBG belum terbit", "NIB di OSS gagal", "izin usaha ditolak tanpa alasan",
        "antrian di Mal Pelayanan Publik lama", "sertifikat laik fungsi belum keluar",
        "izin reklame lama diproses"]),
    ("Bapenda", "perizinan", [
        "PBB naik tinggi", "SPPT PBB belum datang", "BPHTB lama divalidasi",
        "pajak restoran memberatkan", "denda PBB padahal sudah bayar"]),
    ("BPBD/Damkar", "bencana", [
        "kebakaran di {jalan}, api besar", "banjir masuk rumah di {jalan}",
        "pohon tumbang menutup {jalan}", "longsor di belakang rumah {jalan}",
        "rumah roboh di {jalan} setelah hujan angin", "tanggul jebol dekat {jalan}"]),
    ("Kecamatan/Kelurahan", "layanan_wilayah", [
        "pelayanan kantor kelurahan lambat", "Pak RT tidak mau tanda tangan surat pengantar",
        "lurah jarang di kantor", "surat keterangan domisili dipungut biaya",
        "kantor kecamatan tutup jam kerja", "iuran RT tidak transparan"]),
    ("Disperkim - Perumahan", "perumahan", [
        "rumah tidak layak huni di {jalan} belum dibantu", "rusunawa bocor",
        "PSU perumahan belum diserahkan developer", "bedah rumah tidak kunjung cair",
        "kawasan kumuh di {jalan} perlu ditata"]),
    ("Disdag/Disnaker", "ekonomi", [
        "los pasar bocor", "harga cabai di pasar melonjak", "upah di bawah UMK",
        "lowongan kerja disnaker", "gas melon langka", "pedagang pasar direlokasi tanpa kios",
        "PHK tanpa pesangon", "bursa kerja kapan dibuka"]),
    ("DPU - Utilitas", "utilitas", [
        "kabel optik di {jalan} menjuntai", "tiang telkom {jalan} miring",
        "kabel di {jalan} melilit pohon", "tiang listrik {jalan} hampir roboh",
        "kabel semrawut di {jalan}"]),
    ("Umum", "lainnya", [
        "terima kasih atas tanggapannya", "tagihan listrik PLN mahal", "mau tanya jadwal CPNS",
        "sinyal HP hilang", "penipuan online", "SIM hilang, urus di mana"]),
]
OPENERS = ["", "", "Lapor, ", "Mohon ditindaklanjuti: ", "Pak/Bu, ", "Min, ", "Assalamualaikum, ",
           "Lapor Hendi: ", "Dengan hormat, ", "tolong ", "Sudah lama "]
CLOSERS = ["", "", ".", " Terima kasih.", " Mohon segera.", " sudah seminggu.", " tolong dicek.",
           " Matur nuwun.", " 🙏", " kapan ditangani?", " sudah lapor RT tapi belum ada hasil."]
STREET_WORDS = ["Melati", "Kenanga", "Cempaka", "Dahlia", "Flamboyan", "Anggrek", "Mawar", "Nusa",
                "Sri", "Gading", "Kelapa", "Durian", "Pelita", "Merpati", "Cendrawasih", "Rajawali",
                "Kutilang", "Perkutut", "Sadewa", "Nakula", "Arjuna", "Bima", "Srikandi", "Pandu",
                "Wijaya", "Kartini", "Diponegoro", "Sultan", "Teuku", "Pattimura", "Slamet",
                "Sindoro", "Merbabu", "Lawu", "Ungaran", "Muria", "Argo", "Tirto", "Sekar", "Wangi"]
SUFFIXES = ["Raya", "Timur", "Barat", "Selatan", "Utara", "Indah", "Asri", "Baru", "Tengah", "I",
            "II", "III", "IV", "V", "Permai", "Jaya"]


def kelurahan() -> list[tuple[str, str, str]]:
    """(code, name, kecamatan name) of the city's kelurahan."""
    names, out = {}, []
    with WILAYAH.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["code"].startswith(CITY + "."):
                names[row["code"]] = row["name"]
                if row["level"] == "desa_kelurahan":
                    out.append((row["code"], row["name"], row["parent_code"]))
    return [(c, n, names[p]) for c, n, p in out]


def streets(rng: random.Random, areas) -> dict[str, list[str]]:
    used, out = set(), {}
    for code, _name, _kec in areas:
        out[code] = []
        while len(out[code]) < 3:
            kind = rng.choice(["Jl.", "Jl.", "Jalan", "Gg.", "Perum", "Kampung"])
            word = rng.choice(STREET_WORDS) + " " + rng.choice(SUFFIXES)
            if kind == "Perum":
                word = rng.choice(["Griya", "Graha", "Puri", "Bukit"]) + " " + word
            if kind == "Kampung":
                word = rng.choice(STREET_WORDS)
            if word in used:
                continue
            used.add(word)
            out[code].append(f"{kind} {word}")
    return out


def generate(n: int = 6000, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    areas = kelurahan()
    roads = streets(rng, areas)
    rows = []
    for _ in range(n):
        label, _category, phrases = rng.choice(TOPICS)
        code, name, kec = rng.choice(areas)
        street = rng.choice(roads[code])
        phrase = rng.choice(phrases)
        shape = rng.random()
        # where the place is: named kelurahan in text (35 %), address line with kelurahan
        # (20 %), street only (30 %), kecamatan only (10 %), nothing (5 %)
        address = ""
        if shape < 0.35:
            where = rng.choice([f"di {name}", f"kel. {name}", f"warga {name}", f"daerah {name}",
                                f"{street} {name}"])
        elif shape < 0.55:
            where = f"di {street}"
            address = rng.choice([f"{street} No. {rng.randint(1, 90)}, {name}, {kec}",
                                  f"{street} RT {rng.randint(1, 9)}/{rng.randint(1, 9)} {name}",
                                  f"Kel. {name} Kec. {kec}"])
        elif shape < 0.85:
            where = rng.choice([f"di {street}", f"{street}", f"dekat {street}",
                                f"depan {street}"])
        elif shape < 0.95:
            where = f"kec. {kec}"
        else:
            where = ""
        body = phrase.replace("{jalan}", street) if "{jalan}" in phrase \
            else f"{phrase} {where}".strip()
        if "{jalan}" in phrase and shape < 0.35:
            body = f"{body} {where}"
        text = (rng.choice(OPENERS) + body + rng.choice(CLOSERS)).strip()
        if rng.random() < 0.3:
            text = text.lower()
        rows.append({"text": text, "topik": label, "address": address, "kelurahan": code})
    return rows


def main() -> None:
    out = Path(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 6000
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["text", "topik", "address", "kelurahan"])
        writer.writeheader()
        writer.writerows(generate(n))


if __name__ == "__main__":
    main()
