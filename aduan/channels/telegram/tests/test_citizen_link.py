"""Issue 13 item 5 on Telegram: the tracking page's t.me button sends `/start <code>`.
A Telegram chat proves no number until the user shares their own contact, so the chat
becomes the web complaint's conversation without a verified phone. The code rules:
complaints/tests/test_citizen_link.py."""

import copy

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from aduan.channels.telegram.tests.helpers import post_telegram
from aduan.channels.tests.helpers import drain, fixture
from aduan.complaints import actions, citizen_link
from aduan.complaints.intake import IncomingMessage, open_complaint
from aduan.complaints.models import Complaint

TG_CHAT = "1111111"  # the chat of message__text.json


@pytest.fixture(autouse=True)
def no_counters():
    cache.clear()
    yield
    cache.clear()


def tg_text(text: str, n: int) -> dict:
    update = copy.deepcopy(fixture("telegram/message__text.json"))
    update["update_id"] = update["message"]["message_id"] = n
    update["message"]["text"] = text
    return update


def sent(telegram_api) -> list[dict]:
    return [s.json() for s in telegram_api.sent("sendMessage")]


def test_start_with_the_code_makes_this_chat_the_conversation(client, tg_account,
                                                              telegram_api):
    complaint = open_complaint(IncomingMessage(
        channel="web", text="Pohon tumbang menutup jalan di RW 5 Kemlayan", name="Budi",
        region_code="33.72.02.1007"))
    web_reporter = complaint.reporter
    code, _ = citizen_link.current_code(complaint)
    post_telegram(client, tg_account, tg_text(f"/start {code}", 30001))
    drain()
    assert Complaint.objects.filter(channel="telegram").count() == 0
    complaint.refresh_from_db()
    web_reporter.refresh_from_db()
    assert complaint.reporter.channel == "telegram" and complaint.reporter.handle == TG_CHAT
    assert complaint.channel_account_id == tg_account.pk
    assert web_reporter.verified_phone == "" and complaint.reporter.verified_phone == ""
    reply = sent(telegram_api)[-1]
    assert str(reply["chat_id"]) == TG_CHAT
    assert reply["text"].startswith(f"Aduan {complaint.ref} sekarang terhubung")

    staff = get_user_model().objects.create_superuser("root", "r@example.org", "pw")
    actions.reply(complaint, staff, "Tim DLH memotong pohon siang ini.")
    drain()
    assert "Tim DLH memotong pohon" in sent(telegram_api)[-1]["text"]


def test_a_used_code_is_refused_kindly(client, tg_account, telegram_api):
    complaint = open_complaint(IncomingMessage(
        channel="web", text="Lampu taman mati di Kemlayan", name="Budi",
        region_code="33.72.02.1007"))
    code, _ = citizen_link.current_code(complaint)
    post_telegram(client, tg_account, tg_text(f"/start {code}", 30010))
    post_telegram(client, tg_account, tg_text(f"/start {code}", 30011))
    drain()
    assert "kode tidak dikenal atau sudah dipakai" in sent(telegram_api)[-1]["text"]
    assert Complaint.objects.filter(channel="telegram").count() == 0
