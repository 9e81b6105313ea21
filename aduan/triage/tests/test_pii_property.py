"""Property test: thousands of hostile spellings of NIK, KK, phone, e-mail, address,
honorific names and shared contact cards inside Indonesian sentences; none survives the
masker. (The same spellings are walked through `public_view` in
aduan/complaints/tests/test_public_face_property.py.)"""

from hypothesis import HealthCheck, given, settings

from aduan.triage import pii
from aduan.triage.tests import hostile

MANY = settings(max_examples=500, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])


def _assert_masked(pair):
    text, secret = pair
    masked = pii.mask(text)
    assert not hostile.leaked(masked, secret), (text, masked)
    assert pii.mask(masked) == masked  # masking twice changes nothing


@MANY
@given(hostile.sentence(hostile.nik()))
def test_nik_never_survives(pair):
    _assert_masked(pair)


@MANY
@given(hostile.sentence(hostile.kk()))
def test_kk_never_survives(pair):
    _assert_masked(pair)


@MANY
@given(hostile.sentence(hostile.phone()))
def test_phone_never_survives(pair):
    _assert_masked(pair)


@MANY
@given(hostile.sentence(hostile.email()))
def test_email_never_survives(pair):
    _assert_masked(pair)


@MANY
@given(hostile.sentence(hostile.address()))
def test_address_never_survives(pair):
    _assert_masked(pair)


@MANY
@given(hostile.sentence(hostile.honorific_name()))
def test_honorific_name_never_survives(pair):
    _assert_masked(pair)


@MANY
@given(hostile.sentence(hostile.contact_card()))
def test_contact_card_and_location_never_survive(pair):
    _assert_masked(pair)
