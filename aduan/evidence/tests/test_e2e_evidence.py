"""Posting an activity and browsing the gallery on a phone, in Debian's chromium."""


import pytest

from conftest import PHONE, browser_login, phone_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


login = browser_login


# An image that is still loading is not a broken one: wait for its load or error event.
LOADED = """img => img.complete ? img.naturalWidth > 0 : new Promise(done => {
    img.addEventListener("load", () => done(img.naturalWidth > 0));
    img.addEventListener("error", () => done(false));
})"""


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1


def test_official_posts_an_activity_from_a_phone(browser, live_server, demo_city, tmp_path):
    from .conftest import phone_photo

    before, after = tmp_path / "sebelum.jpg", tmp_path / "sesudah.jpg"
    before.write_bytes(phone_photo(1))
    after.write_bytes(phone_photo(2))
    page = phone_page(browser)
    login(page, live_server.url, "rt03.kemlayan")
    page.goto(f"{live_server.url}/kegiatan/")
    page.click("text=Tulis kegiatan")
    no_sideways_scroll(page)
    page.fill("#id_text", "Kerja bakti membersihkan selokan RT 03 bersama warga.")
    page.set_input_files("#id_before", str(before))
    page.set_input_files("#id_after", str(after))
    page.click("#post-form button[type=submit]")
    page.wait_for_load_state()
    assert "/kegiatan/petugas/" in page.url
    assert page.locator(".messages").inner_text().strip() == "Kegiatan tersimpan."
    post = page.locator("li.post").first
    assert "Kerja bakti membersihkan selokan" in post.inner_text()
    assert "Ketua RT 03/RW 05 Kemlayan" in post.inner_text()
    image = post.locator("img.wide")
    assert image.evaluate(LOADED)
    no_sideways_scroll(page)
    # The public sees it on the city-wide feed without logging in.
    public = phone_page(browser)
    public.goto(f"{live_server.url}/kegiatan/")
    assert "Kerja bakti membersihkan selokan" in public.inner_text("main")
    assert "Bu Tini" not in public.content()


def test_gallery_on_a_phone(browser, live_server, demo_city):
    from aduan.evidence.beforeafter import build
    from aduan.evidence.models import BeforeAfter

    from .conftest import resolve_with_photos

    road = demo_city["complaints"][0]
    road.photos.all().delete()
    resolve_with_photos(road, demo_city["users"]["dpupr"])
    build(road.pk)
    assert BeforeAfter.objects.count() == 1
    page = phone_page(browser)
    page.goto(f"{live_server.url}/")
    page.click("header >> text=Galeri")
    page.wait_for_load_state()
    item = page.locator("ul.gallery li").first
    assert road.ref in item.inner_text()
    assert item.locator("img").evaluate(LOADED)
    no_sideways_scroll(page)
    # Filter to another kecamatan: the clear empty state.
    page.select_option("#f-kec", label="Banjarsari")
    page.click("#gallery-filter button[type=submit]")
    page.wait_for_load_state()
    assert "Tidak ada aduan selesai untuk pilihan ini" in page.inner_text("main")
    page.click("text=Lihat semua")
    page.wait_for_load_state()
    assert road.ref in page.inner_text("main")
    # And the citizen's tracking page shows the same picture.
    page.goto(f"{live_server.url}{road.tracking_path()}")
    assert page.locator("#before-after img").evaluate(LOADED)
