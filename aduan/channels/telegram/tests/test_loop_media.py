"""The loop's presses, reactions, photos and location button on Telegram: each press answered
once, the resolution as a photo with caption and keyboard, a location request button."""

import copy

import pytest

from aduan.channels.models import InboundEvent, OutboxMessage
from aduan.channels.telegram.tests.helpers import post_telegram
from aduan.channels.tests.helpers import drain, fixture, resolve
from aduan.complaints.models import Complaint, Status
from aduan.evidence.models import Photo

# The worker closes connections between jobs: run every test on committed data.
pytestmark = pytest.mark.django_db(transaction=True)

SITE = "https://aduan.surakarta.go.id"


def tg_text(client, account, text: str, n: int):
    update = copy.deepcopy(fixture("telegram/message__text.json"))
    update["update_id"] += n
    update["message"]["message_id"] += n
    update["message"]["text"] = text
    post_telegram(client, account, update)
    drain()


def tg_press(client, account, data: str, *, update_id: int, query_id: str):
    press = copy.deepcopy(fixture("telegram/callback_query__button.json"))
    press["update_id"] = update_id
    press["callback_query"].update(id=query_id, data=data)
    assert post_telegram(client, account, press).status_code == 200
    return press


def test_each_telegram_press_is_answered_once(client, tg_account, telegram_api):
    tg_text(client, tg_account, "Lampu jalan di Jl. Slamet Riyadi depan Gladak mati", 0)
    complaint = resolve(Complaint.objects.get())
    first = tg_press(client, tg_account, f"aduan:confirm:{complaint.ref}", update_id=20001,
                     query_id="4382bfdwdsb323b2d9")
    post_telegram(client, tg_account, first)  # the same update delivered again
    drain()
    tg_press(client, tg_account, f"aduan:rate:4:{complaint.ref}", update_id=20002,
             query_id="4382bfdwdsb323b2e0")
    drain()
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED and complaint.rating == 4
    answers = [r.json() for r in telegram_api.sent("/answerCallbackQuery")]
    assert answers == [{"callback_query_id": "4382bfdwdsb323b2d9"},
                       {"callback_query_id": "4382bfdwdsb323b2e0"}]
    rows = OutboxMessage.objects.filter(key__startswith="press:")
    assert sorted(rows.values_list("status", flat=True)) == ["sent", "sent"]
    assert set(rows.values_list("recipient", flat=True)) == {""}  # not a chat message


def test_a_press_answered_too_late_stops_and_changes_nothing_else(client, tg_account,
                                                                   telegram_api):
    telegram_api.answered.add("expired-query")  # Telegram refuses a second or late answer
    tg_text(client, tg_account, "Lampu jalan di Jl. Slamet Riyadi depan Gladak mati", 0)
    complaint = resolve(Complaint.objects.get())
    tg_press(client, tg_account, f"aduan:confirm:{complaint.ref}", update_id=20003,
             query_id="expired-query")
    drain()
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED  # the press still did what it says
    row = OutboxMessage.objects.get(key__startswith="press:")
    assert row.status == "failed" and "query is too old" in row.last_error


def test_telegram_reaction_in_an_open_conversation_is_recorded_not_answered(
        client, tg_account, telegram_api):
    tg_text(client, tg_account, "Lampu jalan di Jl. Slamet Riyadi depan Gladak mati", 0)
    complaint = Complaint.objects.get()
    sent_before = len(telegram_api.sent("/send"))
    due_before = complaint.next_due
    post_telegram(client, tg_account, fixture("telegram/message_reaction__emoji.json"))
    post_telegram(client, tg_account, fixture("telegram/message_reaction__removed.json"))
    drain()
    assert len(telegram_api.sent("/send")) == sent_before
    reaction = complaint.events.get(kind="citizen_reaction")
    assert reaction.note == "\U0001f44d" and reaction.public is False
    complaint.refresh_from_db()
    assert complaint.next_due == due_before
    assert InboundEvent.objects.count() == 2  # the taken-back reaction is ignored at parse


def test_telegram_reaction_without_a_complaint_is_silent(client, tg_account, telegram_api):
    post_telegram(client, tg_account, fixture("telegram/message_reaction__emoji.json"))
    drain()
    assert InboundEvent.objects.get().processed_at is not None
    assert not Complaint.objects.exists() and telegram_api.sent("/send") == []


def test_telegram_resolution_is_a_photo_with_caption_and_keyboard(client, settings, tg_account,
                                                                  telegram_api):
    settings.PUBLIC_URL = SITE
    tg_text(client, tg_account, "Lampu jalan di Jl. Slamet Riyadi depan Gladak mati", 0)
    complaint = resolve(Complaint.objects.get())
    after = Photo.objects.get(complaint=complaint, tag="after")
    body = telegram_api.sent("/sendPhoto")[-1].json()
    assert body["photo"] == f"{SITE}/foto/{after.pk}/public.jpg"
    assert "SUDAH" in body["caption"] and complaint.ref in body["caption"]
    assert [k["callback_data"] for k in body["reply_markup"]["inline_keyboard"][0]] == [
        f"aduan:confirm:{complaint.ref}", f"aduan:reopen:{complaint.ref}"]


def test_telegram_acknowledgement_asks_with_a_location_button(client, tg_account,
                                                              telegram_api):
    tg_text(client, tg_account, "Lampu penerangan jalan mati sudah seminggu, gelap sekali", 0)
    body = telegram_api.sent("/sendMessage")[-1].json()
    assert body["reply_markup"]["keyboard"] == [[{"text": "Kirim lokasi",
                                                  "request_location": True}]]
    assert body["reply_markup"]["one_time_keyboard"] is True
    post_telegram(client, tg_account, fixture("telegram/message__location.json"))
    drain()
    complaint = Complaint.objects.get()
    assert (complaint.lat, complaint.lng) == (-7.5697, 110.8290)


PAGE, IG = "103498765432101", "17841405309211844"


def test_telegram_photo_url_not_fetched_sends_the_caption_with_the_keyboard(
        client, settings, tg_account, telegram_api):
    settings.PUBLIC_URL = SITE
    telegram_api.fail("/sendPhoto", 400, payload={
        "ok": False, "error_code": 400,
        "description": "Bad Request: failed to get HTTP URL content"})
    tg_text(client, tg_account, "Lampu jalan di Jl. Slamet Riyadi depan Gladak mati", 0)
    complaint = resolve(Complaint.objects.get())
    assert len(telegram_api.sent("/sendPhoto")) == 1
    body = telegram_api.sent("/sendMessage")[-1].json()
    assert "SUDAH" in body["text"] and "photo" not in body
    assert [k["callback_data"] for k in body["reply_markup"]["inline_keyboard"][0]] == [
        f"aduan:confirm:{complaint.ref}", f"aduan:reopen:{complaint.ref}"]
    row = OutboxMessage.objects.filter(complaint=complaint).order_by("-pk").first()
    assert row.status == "sent" and row.payload["method"] == "sendMessage"  # sent once
