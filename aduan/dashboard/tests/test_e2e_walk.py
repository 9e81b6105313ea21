"""A complaint walked from the web form to the citizen's confirmation, in a real browser.

Debian's chromium driven by Playwright, in a phone-sized viewport, against the app served
on a real port by pytest-django's live server.
"""

import re

import pytest

from conftest import browser_login as _login
from conftest import phone_page as _page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]



def _act(page, action, **fields):
    form = page.locator(f"form[action$='/{action}/']")
    details = form.locator("xpath=ancestor::details")
    if details.count() and not details.first.get_attribute("open") == "":
        details.first.locator("summary").click()
    for selector, value in fields.items():
        if selector.startswith("file:"):
            form.locator(selector[5:]).set_input_files(value)
        elif selector.startswith("select:"):
            form.locator(selector[7:]).select_option(value)
        elif selector.startswith("label:"):
            form.locator(selector[6:]).select_option(label=value)
        else:
            form.locator(selector).fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_citizen_to_confirmation_on_a_phone(browser, live_server, demo_city, tmp_path):
    from conftest import make_jpeg

    before, after = tmp_path / "sebelum.jpg", tmp_path / "sesudah.jpg"
    before.write_bytes(make_jpeg((120, 80, 50), text="lubang"))
    after.write_bytes(make_jpeg((40, 140, 70), text="beres"))
    base = live_server.url

    # 1. The citizen writes from a phone.
    citizen = _page(browser)
    citizen.goto(f"{base}/")
    citizen.click("text=Kirim aduan >> nth=-1")
    citizen.fill("#id_text", "Selokan di gang belakang masjid mampet, air meluber ke jalan "
                             "kalau hujan. Mohon dibersihkan.")
    citizen.set_input_files("#id_photos", str(before))
    citizen.select_option("#id_kelurahan", "33.72.02.1007")
    citizen.fill("#id_rw", "5")
    citizen.fill("#id_rt", "3")
    citizen.fill("#id_name", "Sari")
    citizen.fill("#id_contact", "081234567890")
    citizen.click("#complaint-form button[type=submit]")
    citizen.wait_for_url(re.compile(r"/lacak/"))
    ref = citizen.locator("h1.ref").inner_text().strip()
    assert re.fullmatch(r"SKA-\d{4}-\d{4}", ref)
    tracking_url = citizen.url
    body = citizen.content()
    assert "081234567890" not in body and "Sari" not in body
    citizen.screenshot(path=str(tmp_path / "1-tracking.png"))

    # 2. The triage team confirms category and place and gives it to the kelurahan.
    staff = _page(browser)
    _login(staff, base, "tim")
    staff.goto(f"{base}/petugas/aduan/{ref}/")
    _act(staff, "classify", **{"select:select[name=category]": "drainase",
                               "select:select[name=region]": "33.72.02.1007"})
    _act(staff, "assign", **{"label:select[name=unit]": "Kelurahan Kemlayan",
                             "input[name=note]": "Saluran lingkungan, kelurahan"})
    assert "Kelurahan Kemlayan" in staff.content()

    # 3. The lurah acknowledges, posts progress, resolves with the after photo.
    lurah = _page(browser)
    _login(lurah, base, "lurah.kemlayan")
    assert ref in lurah.content()  # in the lurah's queue
    lurah.click(f"text={ref}")
    _act(lurah, "acknowledge", **{"input[name=note]": "Kami cek hari ini"})
    assert "Sedang ditangani" in lurah.content()
    _act(lurah, "progress", **{"textarea[name=note]": "Kerja bakti warga RT 03 dijadwalkan"})
    _act(lurah, "resolve", **{"textarea[name=note]": "Saluran sudah dikeruk, air mengalir",
                              "file:input[name=photos]": str(after)})
    assert "Selesai, menunggu konfirmasi" in lurah.content()
    lurah.screenshot(path=str(tmp_path / "2-resolved.png"), full_page=True)

    # 4. The citizen sees before/after, confirms and rates.
    citizen.goto(tracking_url)
    assert citizen.locator("figure img").count() >= 2
    citizen.click("text=Ya, sudah beres")
    citizen.wait_for_load_state()
    assert "Ditutup" in citizen.content()
    citizen.check("input[name=stars][value='5']")
    citizen.click("#rate button[type=submit]")
    citizen.wait_for_load_state()
    assert "Nilai Anda: 5 dari 5" in citizen.content()

    from aduan.complaints.models import Complaint

    complaint = Complaint.objects.get(ref=ref)
    assert complaint.status == "closed" and complaint.rating == 5
    assert complaint.photos.filter(tag="after").count() == 1
    assert list(complaint.events.values_list("kind", flat=True))[-4:] == [
        "progress", "resolved", "confirmed", "rated"]
