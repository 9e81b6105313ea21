"""Issue 12 item 5: an NIK called NIK/KTP stays an NIK when the sentence also talks about a
KK; invalid NIK-labelled numbers stay masked and listed as invalid; plain numbers are not
NIKs."""

import pytest

from aduan.triage.pii import find, mask

VALID_NIK = "3372024107850003"        # woman born 01-07-1985 (day + 40), Surakarta
VALID_NIK_MAN = "3372020107850003"
VALID_KK = "3372021505200001"


@pytest.mark.parametrize("text", [
    f"NIK saya di KK {VALID_NIK_MAN} salah ketik",
    f"NIK sesuai KK: {VALID_NIK_MAN}",
    f"NIK anggota KK {VALID_NIK_MAN}",
    f"no KTP (tertulis di KK) {VALID_NIK_MAN}",
    f"KK {VALID_NIK}",                 # a woman's birth day: no KK has an issue day of 41
])
def test_an_nik_next_to_a_kk_label_is_an_nik(text):
    assert [(f.type, f.valid) for f in find(text)] == [("nik", True)]


def test_a_kk_number_stays_a_kk_number():
    text = f"No. KK {VALID_KK} dan NIK {VALID_NIK}"
    assert [f.type for f in find(text)] == ["kk", "nik"]
    assert [f.type for f in find(f"NIK dan no. KK {VALID_KK}")] == ["kk"]


def test_an_invalid_nik_is_masked_and_listed_as_invalid():
    text = "NIK saya 9972011205900001 tolong dicek"
    [finding] = find(text)
    assert (finding.type, finding.valid) == ("nik", False)
    assert "9972011205900001" not in mask(text)


@pytest.mark.parametrize("text", ["tagihan Rp 1.500.000", "tahun 2024 RT 03 RW 05",
                                  "id pelanggan PLN 532101234567", "order 9972011205900001"])
def test_plain_numbers_are_not_niks(text):
    assert not [f for f in find(text) if f.type == "nik"]
