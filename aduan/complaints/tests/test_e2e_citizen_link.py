"""On a phone, in Debian's chromium: the tracking page of a web complaint offers the code
that joins it to the citizen's WhatsApp or Telegram, with buttons that open the chat with
the code prefilled (issue 13 item 5)."""

import pytest

from conftest import PHONE, phone_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_chat_link_box_on_a_phone(browser, live_server, demo_city):
    from aduan.channels.models import ChannelAccount
    from aduan.complaints.models import Complaint
    from aduan.worker import run_until_empty

    ChannelAccount.objects.create(kind="whatsapp", account_id="106540352242922",
                                  settings={"display_phone_number": "+62 811-2600-1234"})
    ChannelAccount.objects.create(kind="telegram", account_id="123456",
                                  settings={"username": "AduanSoloBot"})
    page = phone_page(browser)
    page.goto(f"{live_server.url}/aduan/baru/")
    page.fill("#id_text", "Selokan di depan rumah kami mampet dan airnya meluap ke jalan.")
    page.select_option("#id_kelurahan", "33.72.02.1007")
    page.fill("#id_name", "Rina")
    page.fill("#id_contact", "081355566688")
    page.click("#complaint-form button[type=submit]")
    page.wait_for_load_state()
    assert "/lacak/" in page.url
    # Words only: accepted at once, opened by the worker; the page refreshes itself.
    assert page.locator("#accepted").is_visible()
    assert "081355566688" not in page.content() and "Rina" not in page.content()
    run_until_empty()
    page.wait_for_selector("#chat-link", timeout=10_000)
    complaint = Complaint.objects.get(reporter__phone="081355566688")

    box = page.locator("#chat-link")
    assert box.is_visible()
    assert "Terima kabar aduan ini di WhatsApp / Telegram" in box.inner_text()
    code = page.inner_text("#chat-link-code").strip()
    assert len(code) == 10
    whatsapp = page.locator("#chat-link-whatsapp")
    assert whatsapp.get_attribute("href") == \
        f"https://wa.me/6281126001234?text=HUBUNGKAN%20{code}"
    assert page.locator("#chat-link-telegram").get_attribute("href") == \
        f"https://t.me/AduanSoloBot?start={code}"
    button = whatsapp.bounding_box()
    assert button["height"] >= 40 and button["x"] + button["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1

    page.reload()  # the tab reloaded while the citizen was in the chat app: same code
    assert page.inner_text("#chat-link-code").strip() == code
    assert complaint.ref in page.inner_text("h1")
