from aduan.triage.pii import find, is_valid_nik, mask

MAN = "3372011205900001"     # Laweyan, Surakarta; born 12-05-1990
WOMAN = "3372015205900002"   # same place; day 52 = 12 + 40: a woman born 12-05-1990


def kinds(text):
    return [(f.type, text[f.start:f.end], f.valid) for f in find(text)]


def test_valid_nik_for_a_man_and_a_woman():
    assert is_valid_nik(MAN)
    assert is_valid_nik(WOMAN)
    assert kinds(f"NIK saya {MAN} mohon dibantu") == [("nik", MAN, True)]
    assert kinds(f"ktp istri {WOMAN}") == [("nik", WOMAN, True)]


def test_nik_written_with_separators_keeps_the_original_span():
    text = "nik: 3372 0152 0590 0002."
    [finding] = find(text)
    assert (finding.type, text[finding.start:finding.end]) == ("nik", "3372 0152 0590 0002")


def test_invalid_niks():
    assert not is_valid_nik("9972011205900001")  # no province 99
    assert not is_valid_nik("3372991205900001")  # no kecamatan 33.72.99
    assert not is_valid_nik("3372011213900001")  # month 13
    assert not is_valid_nik("3372017505900001")  # day 75 - 40 = 35
    assert not is_valid_nik("3372011205900000")  # serial 0000
    assert not is_valid_nik("337201120590001")   # 15 digits


def test_invalid_number_labelled_nik_is_reported_invalid_and_masked():
    text = "NIK 9972011205900001"
    assert kinds(text) == [("nik", "9972011205900001", False)]
    assert mask(text) == "NIK [NIK]"


def test_unlabelled_sixteen_digits_that_are_not_an_nik_are_masked_but_unsure():
    [finding] = find("nomor pesanan 1234567890123456 belum dikirim")
    assert (finding.type, finding.valid, finding.sure) == ("number", False, False)


def test_kk_number_by_context():
    assert kinds("no. KK 3372010101150003 hilang") == [("kk", "3372010101150003", True)]
    assert kinds("kartu keluarga: 3372013201150003") == [("kk", "3372013201150003", False)]


def test_phone_formats():
    text = "hub 0812-3456-7890, +62 812 3456 7890, 62813.1234.5678 atau (0271) 646555"
    assert kinds(text) == [
        ("phone", "0812-3456-7890", True),
        ("phone", "+62 812 3456 7890", True),
        ("phone", "62813.1234.5678", True),
        ("phone", "(0271) 646555", True),
    ]


def test_numbers_that_are_not_phones():
    assert find("jam 08.00-17.00 tanggal 12-05-2024 sudah 3 kali") == []


def test_email():
    assert kinds("email saya budi.santoso@gmail.com ya") == [
        ("email", "budi.santoso@gmail.com", True)
    ]


def test_address_with_house_number_but_not_a_street_alone():
    assert kinds("rumah di Jl. Slamet Riyadi No. 12 Solo") == [
        ("address", "Jl. Slamet Riyadi No. 12", True)
    ]
    assert kinds("jalan kenanga nomor 5a rt 3") == [("address", "jalan kenanga nomor 5a", True)]
    assert find("jalan slamet riyadi berlubang 3 titik") == []


def test_mask_replaces_every_kind():
    text = f"NIK {MAN}, wa 081234567890, a@b.id, Jl. Melati No 3"
    assert mask(text) == "NIK [NIK], wa [TELEPON], [EMAIL], [ALAMAT]"
