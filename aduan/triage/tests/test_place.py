import pytest

from aduan.regions.loader import seed_city
from aduan.triage.place import PlaceIndex, rt_rw


@pytest.fixture
def solo(db):
    seed_city("33.72")
    return PlaceIndex.from_db()


@pytest.fixture
def semarang(db):
    seed_city("33.74")
    return PlaceIndex.from_db()


@pytest.mark.parametrize("text,code", [
    ("jalan rusak di Pasar Kliwon", "33.72.03.1003"),          # kelurahan Pasarkliwon
    ("kel. pasarkliwon", "33.72.03.1003"),
    ("sampah di Kampung Baru", "33.72.03.1006"),               # Kampungbaru
    ("mojosong banjir", "33.72.04.1011"),                      # misspelt Mojosongo
    ("kel.sondakan kec laweyan", "33.72.01.1008"),
    ("warga Kepatihan Kulon", "33.72.04.1001"),
    ("dekat Pasar Gede", "33.72.04.1003"),                     # landmark -> Sudiroprajan
    ("antri di Stasiun Solo Balapan", "33.72.05.1005"),        # landmark -> Kestalan
    ("Keraton Kasunanan bocor", "33.72.03.1005"),              # landmark -> Baluwarti
    ("di djebres", "33.72.04.1010"),                           # old spelling
])
def test_surakarta_spellings(solo, text, code):
    assert solo.locate(text).region_code == code


def test_kecamatan_and_kelurahan_with_one_name(solo):
    # explicit "kec." asks for the kecamatan
    assert solo.locate("kec. Laweyan jalan berlubang").region_code == "33.72.01"
    # without a cue: the same-named kelurahan, which lies inside that kecamatan
    assert solo.locate("di Laweyan").region_code == "33.72.01.1002"
    # another kelurahan of that kecamatan named too: that one
    assert solo.locate("Laweyan dekat Penumping").region_code == "33.72.01.1005"
    assert solo.locate("kecamatan banjarsari").region_code == "33.72.05"


def test_everyday_words_need_a_cue(solo):
    assert solo.locate("anak saya kena tipes").region_code is None
    assert solo.locate("sumber air tidak mengalir").region_code is None
    assert solo.locate("warga Tipes rt 2").region_code == "33.72.02.1004"
    assert solo.locate("kelurahan sumber").region_code == "33.72.05.1012"


def test_nothing_named(solo):
    place = solo.locate("lampu jalan mati sudah seminggu")
    assert (place.region_code, place.rt, place.rw) == (None, None, None)


@pytest.mark.parametrize("text,code", [
    ("kel. sendangmulyo jalan rusak", "33.74.10.1011"),
    ("Tlogosari Kulon banjir", "33.74.06.1004"),
    ("kec. semarang tengah", "33.74.01"),
    ("warga bendan ngisor", "33.74.09.1003"),
    ("pedurungan kidul rt 5 rw 2", "33.74.06.1008"),
])
def test_another_city(semarang, text, code):
    assert semarang.locate(text).region_code == code


@pytest.mark.parametrize("text,expected", [
    ("RT 3 RW 5", (3, 5)),
    ("rt03/rw05", (3, 5)),
    ("RT.003 RW.005", (3, 5)),
    ("RT/RW 02/07", (2, 7)),
    ("rt 4", (4, None)),
    ("rw. 12", (None, 12)),
    ("tidak ada", (None, None)),
])
def test_rt_rw(text, expected):
    assert rt_rw(text) == expected
