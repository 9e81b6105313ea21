"""Issue 13 item 5: a web complaint joins the citizen's chat, proven by a one-time code on
its tracking page (complaints/citizen_link.py). The chat side, on real provider payloads:
channels/whatsapp/tests/test_citizen_link.py and channels/telegram/tests/test_citizen_link.py.
"""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from aduan.complaints import citizen_link, identity
from aduan.complaints.intake import IncomingMessage, open_complaint
from aduan.complaints.models import CitizenLinkCode, Reporter, Status

pytestmark = pytest.mark.django_db

SENDER = "whatsapp:6281234567890"
WA = "6281234567890"


@pytest.fixture(autouse=True)
def no_counters():
    cache.clear()  # wrong-code counters
    yield
    cache.clear()


def web_complaint(**extra):
    given = {"channel": "web", "text": "Lampu jalan mati di gang RT 3 RW 5 Kemlayan",
             "name": "Sari", "phone": "081234567890", "region_code": "33.72.02.1007"}
    given.update(extra)
    return open_complaint(IncomingMessage(**given))


def chat_accounts(**settings):
    from aduan.channels.models import ChannelAccount

    wa = ChannelAccount.objects.create(
        kind="whatsapp", account_id="106540352242922",
        settings={"display_phone_number": settings.get("number", "")} if "number" in settings
        else {})
    tg = ChannelAccount.objects.create(
        kind="telegram", account_id="123456",
        settings={"username": settings["bot"]} if "bot" in settings else {})
    return wa, tg


def test_a_code_is_ten_characters_without_look_alikes_and_stored_only_as_a_hash(city):
    complaint = web_complaint()
    code, expires_at = citizen_link.current_code(complaint)
    assert len(code) == citizen_link.LENGTH == 10
    assert set(code) <= set(citizen_link.ALPHABET) and not set(code) & set("IO01")
    row = CitizenLinkCode.objects.get(complaint=complaint)
    assert code not in (row.code_hash, row.salt) and len(row.code_hash) == 64
    assert expires_at == row.expires_at
    assert timedelta(hours=23, minutes=59) < expires_at - timezone.now() <= timedelta(hours=24)


def test_a_reload_shows_the_same_code_and_a_new_code_replaces_the_old(city):
    complaint = web_complaint()
    first, _ = citizen_link.current_code(complaint)
    assert citizen_link.current_code(complaint)[0] == first  # the tab reloaded
    second, _ = citizen_link.new_code(complaint)
    assert second != first and CitizenLinkCode.objects.filter(complaint=complaint).count() == 1
    assert citizen_link.redeem(first, SENDER) == (None, "wrong")
    assert citizen_link.redeem(second, SENDER)[0] == complaint


def test_a_code_nearly_expired_is_replaced_when_shown_again(city):
    complaint = web_complaint()
    first, _ = citizen_link.current_code(complaint)
    CitizenLinkCode.objects.update(expires_at=timezone.now() + timedelta(minutes=30))
    again, expires_at = citizen_link.current_code(complaint)
    assert again != first and expires_at - timezone.now() > timedelta(hours=23)


def test_a_code_works_once_in_any_case_and_spacing(city):
    complaint = web_complaint()
    code, _ = citizen_link.current_code(complaint)
    typed = f" {code[:5].lower()} {code[5:]} "
    assert citizen_link.redeem(typed, SENDER) == (complaint, "")
    assert CitizenLinkCode.objects.get().used_at is not None
    assert citizen_link.redeem(code, "telegram:1111111") == (None, "wrong")


def test_an_expired_code_is_refused(city):
    complaint = web_complaint()
    code, _ = citizen_link.current_code(complaint)
    CitizenLinkCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert citizen_link.redeem(code, SENDER) == (None, "expired")


def test_five_wrong_codes_block_the_sender_for_an_hour_and_no_one_else(city):
    complaint = web_complaint()
    code, _ = citizen_link.current_code(complaint)
    for _ in range(citizen_link.MAX_FAILURES):
        assert citizen_link.redeem("ABCDEFGHJK", SENDER) == (None, "wrong")
    assert citizen_link.redeem(code, SENDER) == (None, "blocked")  # even the right one
    assert CitizenLinkCode.objects.get().used_at is None
    assert citizen_link.redeem(code, "telegram:1111111") == (complaint, "")


def test_a_closed_complaint_takes_no_code(city):
    complaint = web_complaint()
    code, _ = citizen_link.current_code(complaint)
    complaint.status = Status.CLOSED
    complaint.save(update_fields=["status"])
    assert citizen_link.redeem(code, SENDER) == (None, "closed")


def test_only_an_open_named_web_or_email_complaint_without_a_proven_number_is_offered(city):
    assert citizen_link.offered(web_complaint())
    assert not citizen_link.offered(web_complaint(anonymous=True, name=""))  # no reporter
    closed = web_complaint()
    closed.status = Status.REJECTED
    assert not citizen_link.offered(closed)
    chat = open_complaint(IncomingMessage(channel="whatsapp", handle=WA, verified_phone=WA,
                                          text="Sampah menumpuk di pasar Kemlayan"))
    assert not citizen_link.offered(chat)


def test_joining_a_proven_chat_makes_it_the_conversation_and_the_same_citizen(city):
    complaint = web_complaint()
    web_reporter = complaint.reporter
    chat = Reporter.objects.create(channel="whatsapp", handle=WA, name="Sari W")
    citizen_link.join(complaint, chat, None, WA)
    web_reporter.refresh_from_db()
    complaint.refresh_from_db()
    assert web_reporter.verified_phone == WA  # the number the channel proved, not the typed one
    assert complaint.reporter == chat and chat.verified_phone == WA
    assert chat.phone == "081234567890"  # the typed contact stays visible to staff
    assert set(identity.same_citizen(chat)) == {chat.pk, web_reporter.pk}
    event = complaint.events.get(kind="reporter_moved")
    assert not event.public and WA not in event.note and event.data["verified"]
    assert not citizen_link.offered(complaint)


def test_joining_a_chat_that_proved_no_number_links_the_conversation_only(city):
    complaint = web_complaint()
    web_reporter = complaint.reporter
    chat = Reporter.objects.create(channel="telegram", handle="1111111")
    citizen_link.join(complaint, chat, None, "")
    web_reporter.refresh_from_db()
    complaint.refresh_from_db()
    assert complaint.reporter == chat and web_reporter.verified_phone == ""
    assert chat.verified_phone == "" and not complaint.events.get(
        kind="reporter_moved").data["verified"]


def test_the_tracking_page_shows_the_code_with_buttons_that_prefill_the_chat(city, client):
    chat_accounts(number="+62 811-2600-1234", bot="@AduanSoloBot")
    complaint = web_complaint()
    response = client.get(complaint.tracking_path())
    page = response.content.decode()
    code = citizen_link.current_code(complaint)[0]
    assert "Terima kabar aduan ini di WhatsApp / Telegram" in page and code in page
    assert f'href="https://wa.me/6281126001234?text=HUBUNGKAN%20{code}"' in page
    assert f'href="https://t.me/AduanSoloBot?start={code}"' in page
    assert "no-store" in response["Cache-Control"]
    public = client.get(reverse("citizen:public", args=[complaint.ref])).content.decode()
    assert code not in public and "chat-link" not in public


def test_without_a_known_number_or_bot_name_the_page_says_what_to_send(city, client):
    chat_accounts()
    complaint = web_complaint()
    page = client.get(complaint.tracking_path()).content.decode()
    code = citizen_link.current_code(complaint)[0]
    assert f"<strong>HUBUNGKAN {code}</strong>" in page
    assert "wa.me" not in page and "t.me/" not in page


def test_no_box_without_a_chat_account_or_once_the_complaint_is_closed(city, client):
    complaint = web_complaint()
    assert "chat-link" not in client.get(complaint.tracking_path()).content.decode()
    assert not CitizenLinkCode.objects.exists()  # nothing written for nothing offered
    chat_accounts(number="6281126001234")
    assert "chat-link" in client.get(complaint.tracking_path()).content.decode()
    complaint.status = Status.CLOSED
    complaint.save(update_fields=["status"])
    assert "chat-link" not in client.get(complaint.tracking_path()).content.decode()


def test_the_box_in_english(city, client):
    chat_accounts(number="6281126001234")
    complaint = web_complaint()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(complaint.tracking_path()).content.decode()
    assert "Get updates on this complaint in WhatsApp / Telegram" in page
    assert "Send the code via WhatsApp" in page
