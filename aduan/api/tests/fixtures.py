"""Fixtures shared by the API and Open311 tests: a key, and a complaint full of secrets."""

import pytest

SECRET_NAME = "Bambang Sutrisno"
SECRET_PHONE = "081298765432"
SECRET_EMAIL = "bambang.sutrisno@example.com"
SECRET_NIK = "3372021505900003"
SECRET_ADDRESS = "Jl. Kenanga No. 17"
SECRETS = [SECRET_NAME, "Sutrisno", SECRET_PHONE, "0812-9876-5432", SECRET_EMAIL, SECRET_NIK,
           SECRET_ADDRESS, "Kenanga No. 17"]


@pytest.fixture
def api_key(db):
    from aduan.api.models import ApiKey

    _, key = ApiKey.issue("Aplikasi uji")
    return key


@pytest.fixture
def secret_complaint(city):
    """A complaint whose reporter and text carry a name, phone, e-mail, NIK and address."""
    from aduan.complaints.intake import IncomingMessage, open_complaint

    text = (f"Saya {SECRET_NAME}, NIK {SECRET_NIK}, rumah di {SECRET_ADDRESS}. Lampu jalan "
            f"di depan rumah mati. Hubungi 0812-9876-5432 atau {SECRET_EMAIL}.")
    complaint = open_complaint(IncomingMessage(
        channel="web", text=text, name=SECRET_NAME, phone=SECRET_PHONE, email=SECRET_EMAIL,
        region_code="33.72.02.1007", rt=3, rw=5, category_code="pju",
        lat=-7.5712345, lng=110.8265432,
    ))
    return complaint


def assert_no_secrets(body: str, complaint=None) -> None:
    lowered = body.lower()
    for secret in SECRETS:
        assert secret.lower() not in lowered, f"{secret!r} leaked"
    if complaint is not None:
        assert complaint.token not in body, "tracking token leaked"
        assert complaint.text not in body
