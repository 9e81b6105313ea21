from aduan.triage.normalize import normalize, squeeze, tokens


def test_lowercases_and_squeezes_repeated_letters():
    assert normalize("PARAH BANGEETTT") == "parah banget"
    assert squeeze("tolonggg") == "tolong"
    assert squeeze("maaf") == "maaf"  # a real double vowel stays


def test_expands_slang_and_abbreviations():
    assert normalize("yg gk tdk jln sdh blm krn pdhl") == (
        "yang tidak tidak jalan sudah belum karena padahal"
    )


def test_maps_javanese_to_indonesian():
    assert normalize("dalan bolong") == "jalan berlubang"
    assert normalize("banyu ora mili") == "air tidak mengalir"
    assert normalize("got mampet, peteng, sampah numpuk") == (
        "selokan tersumbat gelap sampah menumpuk"
    )
    assert normalize("mboten wonten toya") == "tidak ada air"
    assert normalize("dalane bolong") == "jalan berlubang"  # Javanese -e suffix


def test_kali_is_a_river_except_after_a_count():
    assert normalize("sampah di kali") == "sampah di sungai"
    assert normalize("sudah 3 kali lapor") == "sudah 3 kali"


def test_drops_greetings_signoffs_and_emoji():
    text = "Assalamualaikum min, selamat pagi pak wali 🙏 lampu mati. Mohon ditindaklanjuti, " \
           "terima kasih 😭"
    assert normalize(text) == "lampu mati"


def test_meaningful_emoji_become_words():
    assert "api" in tokens("rumah tetangga 🔥🔥")


def test_stopwords_dropped_but_negations_kept():
    assert normalize("air belum mengalir dan tidak ada kabar", drop_stopwords=True) == (
        "air belum mengalir tidak kabar"
    )


def test_reduplication_with_2():
    assert normalize("jalan2 rusak") == "jalan jalan rusak"
