"""The place fixes of issue 12, on invented names in the same shapes as real ones."""

from aduan.triage import gazetteer
from aduan.triage.place import KECAMATAN, KELURAHAN, Area, PlaceIndex

AREAS = [
    Area("99.01.01", "Sukamaju", KECAMATAN, "99.01"),
    Area("99.01.01.1001", "Sukamaju", KELURAHAN, "99.01.01"),
    Area("99.01.01.1002", "Kebon Jati", KELURAHAN, "99.01.01"),         # "n j" -> "ny" trap
    Area("99.01.01.1003", "Bendan Ngisor", KELURAHAN, "99.01.01"),      # "n n" collapses
    Area("99.01.01.1004", "Mekarsari", KELURAHAN, "99.01.01"),
    Area("99.01.02", "Baron", KECAMATAN, "99.01"),
    Area("99.01.02.1001", "Kebaron", KELURAHAN, "99.01.02"),            # "kec baron" trap
    Area("99.01.02.1002", "Cempaka Putih", KELURAHAN, "99.01.02"),
    Area("99.01.02.1003", "Tanjungrejo", KELURAHAN, "99.01.02"),
]


def index(learned=None):
    return PlaceIndex(AREAS, {}, {}, learned)


def test_each_word_gets_its_own_spelling_key():
    places = index()
    assert places.locate("banjir di Kebon Jati").region_code == "99.01.01.1002"
    assert places.locate("warga bendan ngisor").region_code == "99.01.01.1003"
    assert places.locate("kel. Tanjung Rejo").region_code == "99.01.02.1003"


def test_location_cues():
    places = index()
    for cue in ("Lokasi:", "alamat", "depan", "dekat", "belakang"):
        text = f"lampu mati, {cue} Mekarsari"
        assert places.locate(text).region_code == "99.01.01.1004", text


def test_a_kelurahan_named_anywhere_beats_a_street_named_after_another():
    places = index()
    text = "jalan rusak di Jl. Cempaka Putih No. 3, Mekarsari"
    assert places.locate(text).region_code == "99.01.01.1004"
    # the street alone still says something
    assert places.locate("Jl. Cempaka Putih berlubang").region_code == "99.01.02.1002"


def test_kecamatan_and_kelurahan_sharing_a_name():
    places = index()
    assert places.locate("got mampet, Kel. Sukamaju, Kec. Sukamaju").region_code \
        == "99.01.01.1001"
    assert places.locate("pasar Sukamaju becek, kel. Sukamaju").region_code == "99.01.01.1001"
    assert places.locate("di Sukamaju").region_code == "99.01.01.1001"
    assert places.locate("Mekarsari, Sukamaju").region_code == "99.01.01.1004"
    assert places.locate("kec. Sukamaju").region_code == "99.01.01"


def test_a_cue_word_is_not_read_as_part_of_a_misspelt_name():
    assert index().locate("akta belum jadi kec. Baron").region_code == "99.01.02"


def test_learned_streets_name_their_kelurahan_but_lose_to_a_named_one():
    places = index({"anggrek ungu": "99.01.02.1003", "perum griya lestari": "99.01.01.1004"})
    assert places.locate("jalan Anggrek Ungu berlubang").region_code == "99.01.02.1003"
    assert places.locate("sampah di perum griya lestari blok C").region_code == "99.01.01.1004"
    assert places.locate("Jl. Anggrek Ungu, kel. Kebaron").region_code == "99.01.02.1001"


def test_gazetteer_learns_names_that_agree_on_one_kelurahan():
    rows = [
        ("jalan rusak di Jl. Anggrek Ungu No. 4", "99.01.02.1003"),
        ("lampu mati Jl. Anggrek Ungu", "99.01.02.1003"),
        ("sampah di Gg. Melati Raya", "99.01.01.1004"),
        ("got mampet Gg. Melati Raya", "99.01.02.1001"),       # disagrees: not learned
        ("Perum Griya Lestari banjir", "99.01.01.1004"),
        ("perum griya lestari blok C gelap", "99.01.01.1004"),
        ("Jalan Raya macet", "99.01.01.1001"),
        ("Jalan Raya macet lagi", "99.01.01.1001"),             # generic: not learned
        ("Jl. Sukamaju", "99.01.01.1001"),
        ("Jl. Sukamaju", "99.01.01.1001"),                      # a region's own name
    ]
    learned = gazetteer.learn(rows, known_names={"sukamaju"})
    assert learned == {"anggrek ungu": "99.01.02.1003",
                       "perum griya lestari": "99.01.01.1004"}


def test_a_name_written_as_a_name_is_learned_from_one_sighting():
    rows = [("Lampu mati di Jl. Kenari Emas Blok B sejak kemarin", "99.01.01.1004"),
            ("sampah di gg. nangka lima tolong", "99.01.02.1001")]   # lowercase: not sure
    assert gazetteer.learn(rows) == {"kenari emas": "99.01.01.1004"}


def test_the_gazetteer_version_changes_when_a_city_learns(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    assert gazetteer.version() == ()
    gazetteer.save("99.01", {"anggrek ungu": "99.01.02.1003"})
    first = gazetteer.version()
    assert [city for city, _ in first] == ["99.01"]
    assert gazetteer.load("99.01") == {"anggrek ungu": "99.01.02.1003"}
