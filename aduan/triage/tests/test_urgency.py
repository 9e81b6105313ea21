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
