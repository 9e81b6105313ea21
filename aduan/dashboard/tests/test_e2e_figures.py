"""The command centre, a report card, /statistik/ and /peta/ in a real browser, on a phone
and on a desktop, as the mayor, a camat, a lurah, an RT head and an anonymous citizen.

With ADUAN_SCREENSHOTS=1 the desktop and phone pictures are written to docs/screenshots/.
"""

import os
from pathlib import Path

import pytest

from conftest import browser_login, phone_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PERIOD = "?periode=2026-Q4"


@pytest.fixture
def history(demo_city):
    from django.core.cache import cache

    from conftest import make_jpeg

    from .history import generate

    cache.clear()  # the cache table outlives the flushes between live-server tests
    generate(30, jpeg=make_jpeg)


def _desktop(browser):
    import re

    context = browser.new_context(viewport=DESKTOP, locale="id-ID")
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost).*"),
                  lambda route: route.abort())
    return context.new_page()


def _shot(page, name):
    if os.environ.get("ADUAN_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _no_overflow(page):
    """Nothing wider than the phone: the page does not scroll sideways."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("who,heading", [("walikota", "Seluruh kota"),
                                         ("camat.serengan", "Serengan"),
                                         ("lurah.kemlayan", "Kemlayan"),
                                         ("rt03.kemlayan", "RT")])
def test_command_centre_on_a_phone(browser, live_server, history, who, heading):
    page = phone_page(browser)
    browser_login(page, live_server.url, who)
    page.goto(f"{live_server.url}/petugas/dasbor/{PERIOD}")
    assert heading in page.locator("h1").inner_text()
    assert page.locator("svg.choropleth path").count() == 54
    assert page.locator("svg.trend rect").count() >= 12
    _no_overflow(page)
    total = page.locator("a.tile-value").first
    n = int(total.inner_text())
    total.click()
    page.wait_for_load_state()
    assert page.locator("#queue-filters").is_visible()
    assert page.locator("span.ref").count() == min(n, 50)
    if who == "walikota":
        page.goto(f"{live_server.url}/petugas/dasbor/{PERIOD}")
        _shot(page, "command-centre-phone")


def test_mayor_on_a_desktop_sees_red_flags_and_downloads(browser, live_server, history):
    page = _desktop(browser)
    browser_login(page, live_server.url, "walikota")
    page.goto(f"{live_server.url}/petugas/dasbor/{PERIOD}")
    assert page.locator("#unstaffed").is_visible()  # Dispendukcapil has nobody who answers
    assert "Dispendukcapil" in page.locator("#unstaffed").inner_text()
    assert page.locator("table.units").count() == 3
    _shot(page, "command-centre")
    with page.expect_download() as download:
        page.click("#download-xlsx")
    assert download.value.suggested_filename.endswith(".xlsx")
    page.locator("table.units a").filter(has_text="Kemlayan").first.click()
    page.wait_for_load_state()
    assert "Kemlayan" in page.locator("h1").inner_text()
    assert page.locator("#rank").is_visible() and page.locator("#open-by-deadline").is_visible()
    _shot(page, "report-card")


def test_lurah_card_on_a_phone(browser, live_server, history):
    from aduan.org.models import Unit

    kemlayan = Unit.objects.get(code="kel-33-72-02-1007")
    page = phone_page(browser)
    browser_login(page, live_server.url, "lurah.kemlayan")
    page.goto(f"{live_server.url}/petugas/unit/{kemlayan.pk}/{PERIOD}")
    assert page.locator("#positions").is_visible()
    _no_overflow(page)
    _shot(page, "report-card-phone")
    manahan = Unit.objects.get(code="kel-33-72-05-1011")
    response = page.goto(f"{live_server.url}/petugas/unit/{manahan.pk}/")
    assert response.status == 403


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_public_statistics_and_map_anonymous(browser, live_server, history, size):
    page = phone_page(browser) if size == "phone" else _desktop(browser)
    page.goto(f"{live_server.url}/statistik/{PERIOD}")
    assert page.locator("#counters").is_visible()
    assert page.locator("svg.choropleth path").count() == 54
    if size == "phone":
        _no_overflow(page)
    _shot(page, "statistik" if size == "desktop" else "statistik-phone")
    page.locator("svg.choropleth a").first.click()  # a kelurahan's public card
    page.wait_for_load_state()
    assert "/statistik/unit/" in page.url and page.locator("#rank").is_visible()
    assert "Warga Uji" not in page.content()
    page.goto(f"{live_server.url}/peta/")
    page.wait_for_selector("#public-map[data-loaded]")
    # offline: tiles are refused, the shipped boundaries still draw the city
    page.wait_for_selector("#public-map path.leaflet-interactive")
    points = int(page.get_attribute("#public-map", "data-loaded"))
    assert points > 0
    page.select_option("#map-category", "jalan")
    assert 0 < _loaded(page, lambda n: n != points) < points
    page.select_option("#map-category", "")
    assert _loaded(page, lambda n: n == points) == points
    _shot(page, "peta" if size == "desktop" else "peta-phone")


def _loaded(page, done, tries=50):
    """Points on the map once `done(n)` holds (the page's CSP forbids eval'd waits)."""
    for _ in range(tries):
        n = int(page.get_attribute("#public-map", "data-loaded"))
        if done(n):
            return n
        page.wait_for_timeout(100)
    return n
