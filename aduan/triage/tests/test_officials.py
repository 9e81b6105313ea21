"""Recognising a complaint about an official: a named official plus a grievance."""

import pytest

from aduan.triage.officials import detect
from aduan.triage.pipeline import analyse


@pytest.mark.parametrize("text, level", [
    ("Pak RT-nya susah dihubungi, gk mau melayani", "rt"),
    ("Bu RT galak bgt kalau ditanya soal bansos", "rt"),
    ("Ketua RT sulit ditemui, surat pengantar tidak jadi-jadi", "rt"),
    ("ketua rw kami minta uang rokok untuk tanda tangan", "rw"),
    ("Lurahnya minta duit buat surat keterangan", "kelurahan"),
    ("oknum petugas kelurahan minta uang 50rb", "kelurahan"),
    ("pak camat ga pernah bales pesan warga", "kecamatan"),
    ("petugas DLH kasar sama warga yang nanya jadwal sampah", "dinas"),
    ("Satpol PP minta uang pungli ke PKL tiap sore", "dinas"),
    ("ada oknum yang minta uang pelicin waktu urus izin", ""),
    ("Petugas di kantor kecamatan tidak ramah dan menyuruh kembali besok", "kecamatan"),
    ("Dana hibah untuk kampung dipotong oleh oknum di kelurahan", "kelurahan"),
    ("pak rt ne ora tau ana, ngurus surat wae angel", "rt"),
    ("Camat tidak menanggapi surat permohonan warga", "kecamatan"),
])
def test_an_official_with_a_grievance(text, level):
    found = detect(text)
    assert found is not None and found.level == level, found
    assert len(found.phrases) == 2 and found.phrases[0] == found.mention


@pytest.mark.parametrize("text", [
    "Jalan di RT 3 RW 5 berlubang besar",
    "Minta surat pengantar dari Pak RT untuk KTP, syaratnya apa?",
    "Sampah tidak diangkut petugas sudah seminggu",
    "Jalan kasar berlubang di depan kantor kelurahan",
    "Surat pengantar RT untuk SKCK belum ditandatangani, mohon dibantu",
    "",
])
def test_not_about_an_official(text):
    assert detect(text) is None


@pytest.mark.parametrize("text, level", [
    ("pungli sekolah", ""),
    ("Ada pungutan liar di kelurahan untuk surat jual beli tanah", "kelurahan"),
    ("dugaan korupsi pengadaan barang di salah satu dinas", ""),
])
def test_a_bribe_needs_no_name(text, level):
    found = detect(text)
    assert found is not None and found.level == level and found.mention == ""


def test_the_pipeline_reports_it():
    assert analyse("Pak RT susah dihubungi").official.level == "rt"
    assert analyse("Lampu jalan mati").official is None
