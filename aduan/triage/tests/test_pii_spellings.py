"""The masker's rules for the spellings that used to leak (issue 9), and the plain text it
must leave alone."""

import pytest

from aduan.triage.pii import SURE, find, is_sure, mask, mask_public

NIK = "3372011205900001"
KK = "3372010101150003"


def kinds(text):
    return [(f.type, text[f.start:f.end]) for f in find(text)]


@pytest.mark.parametrize("text", [f"NIK{NIK}", f"NIK:{NIK}", f"nik.{NIK}", f"KTP{NIK}",
                                  f"e-KTP: {NIK}", f"N.I.K {NIK}"])
def test_nik_glued_to_its_label(text):
    assert [f.type for f in find(text)] == ["nik"]
    assert NIK not in mask(text)


@pytest.mark.parametrize("text", [f"KK:{KK}", f"No.KK{KK}", f"no kk {KK}", f"KK{KK}",
                                  f"Kartu Keluarga {KK}"])
def test_kk_glued_to_its_label(text):
    assert [f.type for f in find(text)] == ["kk"]


@pytest.mark.parametrize("sep", ["\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212",
                                 "\u00a0", "\u202f", "\u2009", "\u200b", "/", "_", ".", " "])
def test_nik_and_phone_with_every_separator(sep):
    nik = sep.join([NIK[:4], NIK[4:8], NIK[8:12], NIK[12:]])
    phone = sep.join(["0812", "3456", "7890"])
    text = f"nik {nik} hp {phone} ya"
    assert [f.type for f in find(text)] == ["nik", "phone"]
    assert mask(text) == "nik [NIK] hp [TELEPON] ya"


@pytest.mark.parametrize("phone", ["(+62) 812-3456-7890", "+62 812 3456 7890", "+6281234567890",
                                   "62 812 3456 7890", "081234567890", "812-3456-7890",
                                   "(0271) 646555", "+62 (271) 646555"])
def test_phone_prefixes(phone):
    assert kinds(f"hubungi {phone} segera") == [("phone", phone)]


@pytest.mark.parametrize("text", ["budi.santoso@gmail.com", "budi.santoso at gmail dot com",
                                  "budi[at]gmail.com", "budi (at) yahoo (dot) co (dot) id",
                                  "budi \uff20 gmail.com"])
def test_email_spellings(text):
    assert [f.type for f in find(f"email {text} ya")] == ["email"]


@pytest.mark.parametrize("text,address", [
    ("rumah di Jl Slamet Riyadi 12 rusak", "Jl Slamet Riyadi 12"),
    ("di Jln. Melati no 7 banjir", "Jln. Melati no 7"),
    ("Perum Griya Indah Blok C-12 banjir", "Perum Griya Indah Blok C-12"),
    ("Komplek Mawar Blok B No. 4 gelap", "Komplek Mawar Blok B No. 4"),
    ("alamat RT 03 RW 05 No. 12 ya", "RT 03 RW 05 No. 12"),
    ("rumah saya no. 8 kebanjiran", "rumah saya no. 8"),
])
def test_street_and_estate_addresses(text, address):
    assert ("address", address) in kinds(text)


@pytest.mark.parametrize("text,name", [
    ("Pak Bambang Wibowo tidak datang", "Bambang Wibowo"), ("kata Bu Sri tadi", "Sri"),
    ("Bapak Sukamto bilang", "Sukamto"), ("Mbak Rina Lestari", "Rina Lestari"),
    ("Sdr. Andi Wijaya", "Andi Wijaya"), ("H. Ahmad Dahlan", "Ahmad Dahlan"),
    ("Hj. Siti Aminah", "Siti Aminah"), ("dr. Wulan", "Wulan"), ("Ir. Hendra Setiawan",
                                                                 "Hendra Setiawan"),
    ("Mbah Darmo", "Darmo"), ("Om Paijo", "Paijo"), ("Tante Ratna", "Ratna"),
    ("Pak RT Budi Santoso", "Budi Santoso"), ("nama saya Gunawan Hartono", "Gunawan Hartono"),
])
def test_people_named_with_honorifics_or_titles(text, name):
    assert ("name", name) in kinds(text)


@pytest.mark.parametrize("text", ["Pak RT tidak datang", "Bu Lurah sudah tahu",
                                  "pak rt 03 belum lapor", "Ibu Kota", "Pak Camat Serengan"])
def test_offices_are_not_names(text):
    assert [f for f in find(text) if f.type == "name" and f.sure] == []


def test_contact_cards_and_shared_locations():
    card = "BEGIN:VCARD\nVERSION:3.0\nFN:Lastri Pramesti\nTEL:+6285711112222\nEND:VCARD"
    assert mask(card) == "[KONTAK]"
    assert mask("Kontak: Lastri Pramesti +62 857-1111-2222") == "Kontak:[KONTAK]"
    assert mask("Lokasi: Rumah Darsono, Jl. Melati 7") == "Lokasi:[LOKASI]"


def test_the_reporters_own_details():
    known = ["Gunawan Hartono", "0812-3456-7890", "gunawan.h@gmail.com"]
    text = "gunawan minta tolong, nomornya 62 812 3456 7890, surel gunawan.h@gmail.com"
    assert mask_public(text, known) == "[NAMA] minta tolong, nomornya [TELEPON], surel [EMAIL]"


@pytest.mark.parametrize("text", [
    "Lampu PJU di RT 03 RW 05 mati sejak 2024, sudah 3 kali lapor.",
    "Iuran Rp 50.000 per bulan, Rp. 1.500.000 untuk 12 rumah.",
    "Ada 25 lubang sepanjang 300 meter di Jalan Slamet Riyadi depan Pasar Gede.",
    "Jam 08.00-17.00 tanggal 12-05-2024, nomor antrean 45.",
    "Sampah menumpuk di Kelurahan Kemlayan Kecamatan Serengan sejak 2 minggu.",
    "Jalan berlubang 20 titik, gang 3 sudah diperbaiki.",
])
def test_no_false_positives_on_plain_numbers_and_places(text):
    assert find(text) == []
    assert mask(text) == text


def test_unsure_findings_carry_a_low_confidence():
    [number] = find("nomor pesanan 123456789012 belum sampai")
    assert number.type == "number" and number.confidence < SURE and not is_sure([number])
    [name] = find("kemarin ketemu Darsono Kartiko di pasar")
    assert name.type == "name" and not name.sure
    assert is_sure(find(f"NIK {NIK}, hp 0812-3456-7890"))
