import pytest

from aduan.triage.urgency import EMERGENCY, NORMAL, urgency


@pytest.mark.parametrize("text", [
    "Kebakaran di rumah warga RT 02, api sudah membesar",
    "pohon tumbang menutup jalan, motor tidak bisa lewat",
    "banjir masuk rumah warga setinggi pinggang",
    "omahku kebanjiran, banyune nganti dhengkul",
    "kabel listrik putus menjuntai ada percikan api",
    "ada korban tertimpa baliho",
    "DARURAT tolong kirim bantuan",
    "tanah longsor di belakang rumah",
])
def test_emergencies(text):
    assert urgency(text) == EMERGENCY


@pytest.mark.parametrize("text", [
    "lampu jalan mati sudah seminggu",
    "bukan darurat, cuma mau tanya jadwal posyandu",
    "pohon miring, takut tumbang kalau hujan, mohon dipangkas",
    "kabel semrawut rawan kebakaran",
    "jalan berlubang, tolong diperbaiki sebelum ada korban",
    "tidak ada korban",
    "tutup got jebol",
])
def test_not_emergencies(text):
    assert urgency(text) == NORMAL


@pytest.mark.parametrize("text", [
    "Ayah saya meninggal bulan lalu, akta kematian belum jadi",
    "ibu sudah meninggal, PKH-nya tolong dialihkan ke saya",
    "suami tewas kecelakaan tahun lalu, santunan belum cair",
    "pengurusan surat ahli waris almarhum kakek dipersulit kelurahan",
    "nama bapak yang sudah meninggal masih di KK, bagaimana menghapusnya",
    "BPJS almarhumah ibu masih ditagih padahal sudah meninggal",
])
def test_a_death_behind_paperwork_is_not_an_emergency(text):
    assert urgency(text) == NORMAL


@pytest.mark.parametrize("text", [
    "kebakaran bulan lalu, sampai sekarang korban belum dapat bantuan",
    "rumah kami bekas banjir tahun lalu belum diperbaiki",
    "dulu pernah ada pohon tumbang di sini, tolong dipangkas yang lain",
    "pasca longsor dua minggu lalu jalan masih tertutup tanah",
])
def test_past_events_are_not_emergencies(text):
    assert urgency(text) == NORMAL


@pytest.mark.parametrize("text", [
    "ada orang meninggal tertimpa pohon tumbang di jalan",
    "kebakaran sejak tadi, api masih membesar",
    "banjir masuk rumah sejak kemarin, belum surut",
    "warga tersetrum kabel putus, tolong cepat",
])
def test_present_dangers_stay_emergencies(text):
    assert urgency(text) == EMERGENCY
