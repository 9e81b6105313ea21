"""Staff logins (issue 11 item 6): the second factor is required for admins, the triage
team and the mayor's office, works with a real TOTP code and with recovery codes, and is
available to everyone else."""

import re
import time

import pyotp
import pytest
from django_otp.plugins.otp_static.models import StaticToken

from aduan.complaints.demo import PASSWORD

pytestmark = pytest.mark.django_db


def password_login(client, username):
    response = client.post("/masuk/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client.get(response["Location"])


def secret_on(page) -> str:
    match = re.search(r'id="otp-secret">([A-Z2-7 ]+)<', page.content.decode())
    assert match, "the enrolment page shows the secret as text"
    return match.group(1).replace(" ", "")


@pytest.mark.parametrize("username", ["tim", "walikota", "admin"])
def test_required_roles_must_enrol_before_any_staff_page(client, city, username):
    page = password_login(client, username)  # /petugas/ -> enrolment
    assert page.status_code == 302 and page["Location"].startswith("/masuk/2fa/")
    for path in ("/petugas/", "/petugas/triase/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302 and "/masuk/2fa/" in response["Location"], path
    assert client.get("/api/v1/me/queue").status_code == 403


def test_enrolment_with_a_real_totp_code_then_login_with_code_and_recovery_code(client, city):
    password_login(client, "tim")
    page = client.get("/masuk/2fa/")
    assert page.status_code == 200 and "<svg" in page.content.decode()  # QR, made offline
    assert "no-store" in page["Cache-Control"]
    secret = secret_on(page)
    totp = pyotp.TOTP(secret)
    wrong = client.post("/masuk/2fa/", {"token": "000000" if totp.now() != "000000"
                                        else "111111"})
    assert wrong.status_code == 200 and "Kode tidak cocok" in wrong.content.decode()
    time.sleep(1.1)  # django-otp throttles a device for 2^(failures-1) s after a failure
    done = client.post("/masuk/2fa/", {"token": totp.now(), "next": "/petugas/"})
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", done.content.decode())
    assert len(codes) == 10 and StaticToken.objects.filter(token__in=codes).count() == 10
    assert client.get("/petugas/").status_code == 200

    # A new session: the password alone no longer opens staff pages.
    client.post("/keluar/")
    page = password_login(client, "tim")
    assert page.status_code == 302 and page["Location"].startswith("/masuk/kode/")
    assert client.get("/petugas/").status_code == 302
    bad = client.post("/masuk/kode/", {"token": "123456" if totp.now() != "123456"
                                       else "654321"})
    assert "Kode salah" in bad.content.decode()
    time.sleep(1.1)
    # the next time step is within django-otp's tolerance and has not been used yet
    ok = client.post("/masuk/kode/", {"token": totp.at(time.time() + 30), "next": "/petugas/"})
    assert ok.status_code == 302 and ok["Location"] == "/petugas/"
    assert client.get("/petugas/").status_code == 200

    # Phone lost: one recovery code works once.
    client.post("/keluar/")
    password_login(client, "tim")
    assert client.post("/masuk/kode/", {"token": codes[0]}).status_code == 302
    assert client.get("/petugas/").status_code == 200
    client.post("/keluar/")
    password_login(client, "tim")
    assert "Kode salah" in client.post("/masuk/kode/", {"token": codes[0]}).content.decode()


def test_other_officials_are_not_forced_but_may_enrol(client, city):
    page = password_login(client, "lurah.kemlayan")
    assert page.status_code == 200  # straight to their queue
    enrol = client.get("/masuk/2fa/")
    assert enrol.status_code == 200
    totp = pyotp.TOTP(secret_on(enrol))
    client.post("/masuk/2fa/", {"token": totp.now()})
    client.post("/keluar/")
    page = password_login(client, "lurah.kemlayan")
    assert page.status_code == 302 and page["Location"].startswith("/masuk/kode/")


def test_demo_mode_exempts_visibly(client, city, settings):
    settings.DEMO, settings.ADUAN_2FA_REQUIRED = True, False
    page = password_login(client, "tim")
    assert page.status_code == 200
    assert "Mode demo: verifikasi dua langkah tidak diwajibkan" in page.content.decode()


def test_bearer_api_keys_are_not_sessions(client, city, persona):
    from aduan.api.models import ApiKey

    _, key = ApiKey.issue("Alat triase", user=persona("tim"))
    response = client.get("/api/v1/me/queue", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
