"""On a phone, in Debian's chromium: the privacy notice from the footer, and a confidential
complaint from the form that the RW head then sees without the reporter's identity."""

import pytest

from conftest import PHONE, browser_login, phone_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1


def test_notice_from_the_footer_and_in_english(browser, live_server, demo_city):
    page = phone_page(browser)
    page.goto(f"{live_server.url}/")
    page.click("footer >> text=Privasi")
    page.wait_for_load_state()
    assert page.url.endswith("/privasi/")
    assert page.locator("h1").inner_text() == "Pemberitahuan privasi"
    for heading in ("Data yang kami kumpulkan", "Siapa yang melihat", "Berapa lama disimpan",
                    "Hak Anda dan cara memakainya"):
        assert page.locator("h2", has_text=heading).is_visible()
    no_sideways_scroll(page)
    page.click("#privacy-notice >> text=English")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Privacy notice"
    no_sideways_scroll(page)
    page.goto(f"{live_server.url}/tentang/")
    assert "Yang tidak pernah kami terbitkan" in page.inner_text("main")
    no_sideways_scroll(page)


def test_a_confidential_complaint_from_a_phone(browser, live_server, demo_city, settings):
    from aduan.complaints import actions
    from aduan.complaints.models import Complaint
    from aduan.org.models import Unit
    from aduan.worker import run_until_empty

    settings.ADUAN_2FA_REQUIRED = False
    page = phone_page(browser)
    page.goto(f"{live_server.url}/aduan/baru/")
    no_sideways_scroll(page)
    assert page.locator("a[href='/privasi/']").first.is_visible()
    page.fill("#id_text", "Pos ronda di gang kami rusak, atapnya bocor kalau hujan.")
    page.select_option("#id_kelurahan", "33.72.02.1007")
    page.fill("#id_rw", "5")
    page.fill("#id_rt", "3")
    page.fill("#id_name", "Dewi Lestari")
    page.fill("#id_contact", "081355566677")
    page.check("#id_confidential")
    page.click("#complaint-form button[type=submit]")
    page.wait_for_load_state()
    assert "/lacak/" in page.url
    run_until_empty()  # the worker opens a web complaint of words only
    page.reload()
    complaint = Complaint.objects.get(reporter__phone="081355566677")
    assert complaint.confidential
    if complaint.owner.code != "rw-33-72-02-1007-05":
        actions.assign(complaint, Unit.objects.get(code="rw-33-72-02-1007-05"), None, "RW")
    staff = phone_page(browser)
    browser_login(staff, live_server.url, "rw05.kemlayan")
    staff.goto(f"{live_server.url}/petugas/aduan/{complaint.ref}/")
    reporter = staff.locator("#reporter").inner_text()
    assert "Pelapor dirahasiakan" in reporter
    content = staff.content()
    assert "Dewi" not in content and "081355566677" not in content
    assert complaint.token not in content
    no_sideways_scroll(staff)
