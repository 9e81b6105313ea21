"""Shared test setup: settings for tests, the demo city, and named personas.

Personas (all from `aduan.complaints.demo`): `tim` (triage team), `walikota` (mayor, read
only), `camat.serengan`, `lurah.kemlayan`, `rw05.kemlayan`, `rt03.kemlayan`,
`rt01.kemlayan`, `lurah.manahan`, `dpupr` (DPUPR staff), `kepala.dpupr`, `dlh`, `dishub`.
"""

import os
import tempfile

os.environ.setdefault("ADUAN_TESTING", "1")
os.environ.setdefault("ADUAN_DATA_DIR", tempfile.mkdtemp(prefix="aduan-test-"))

import io  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture
def city(db):
    """Surakarta with its organisation, demo officials and sample complaints."""
    from aduan.complaints.demo import load_demo

    return load_demo()


@pytest.fixture
def persona(city):
    """persona("rt03.kemlayan") -> that demo user."""
    from django.contrib.auth import get_user_model

    def get(username: str):
        return get_user_model().objects.get(username=username)

    return get


@pytest.fixture
def login(client, persona):
    """login("tim") logs the test client in as that persona and returns the user."""

    def as_user(username: str):
        user = persona(username)
        client.force_login(user)
        passed_second_factor(client, user)
        return user

    return as_user


def passed_second_factor(client, user) -> None:
    """For a persona who must use a second factor (admins, triage team, mayor's office):
    give them an authenticator device and mark this session as having entered its code.
    The real code entry is tested in aduan/guard/tests/test_two_factor.py."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from aduan.guard.twofactor import required

    if not required(user):
        return
    device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=True,
                                                 defaults={"name": "test"})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin_client, past the second factor admins must use."""
    client.force_login(admin_user)
    passed_second_factor(client, admin_user)
    return client


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_intake_lookups():
    """Intake keeps categories, places and the triage unit per process; a test's rows are
    rolled back without signals, so the next test starts without them."""
    from django.core.cache import cache

    from aduan.complaints import lookups

    lookups.forget()
    cache.clear()  # cached figures and counts must not outlive the rows they counted
    yield
    lookups.forget()
    cache.clear()


def make_jpeg(colour=(90, 120, 160), size=(640, 480), text: str = "") -> bytes:
    """A real JPEG file, made with Pillow."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    draw.ellipse([size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2], fill=(240, 200, 40))
    if text:
        draw.text((10, 10), text, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


@pytest.fixture
def jpeg():
    return make_jpeg


# --- browser tests: Debian's chromium driven by Playwright, phone-sized ---------------------

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser():
    import shutil

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(chromium):
        pytest.fail("Debian's chromium is required for browser tests (apt-get install chromium)")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs a loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Playwright's sync API runs test code in greenlets, each with its own context, so
    Django may open a database connection there that no test teardown can reach. On
    PostgreSQL such an idle session stops the test database from being dropped: after the
    last test, end every other session on it."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")


@pytest.fixture
def demo_city(transactional_db):
    """The demo city for tests whose browser talks to pytest-django's live server."""
    from aduan.complaints.demo import load_demo

    return load_demo()


def phone_page(browser):
    """A new phone-sized page; requests leaving 127.0.0.1 (map tiles) are refused."""
    import re

    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                  locale="id-ID")
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost).*"),
                  lambda route: route.abort())
    return context.new_page()


_TOTP_SECRETS: dict[tuple[str, str], str] = {}


def browser_login(page, base: str, username: str) -> None:
    """Log in through the real pages; personas who must use a second factor (tim, walikota,
    admin) enrol on first login with a TOTP code computed from the secret the page shows,
    and later enter a fresh code."""
    import time

    import pyotp

    from aduan.complaints.demo import PASSWORD

    page.goto(f"{base}/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    if "/masuk/2fa/" in page.url:
        secret = page.inner_text("#otp-secret").replace(" ", "")
        _TOTP_SECRETS[(base, username)] = secret
        page.fill("#id_token", pyotp.TOTP(secret).now())
        page.click("#otp-enrol button[type=submit]")
        page.wait_for_load_state()
        page.click("#otp-continue")
        page.wait_for_load_state()
    elif "/masuk/kode/" in page.url:
        secret = _TOTP_SECRETS[(base, username)]
        page.fill("#id_token", pyotp.TOTP(secret).at(time.time() + 30))  # not the used one
        page.click("#otp-verify button[type=submit]")
        page.wait_for_load_state()
