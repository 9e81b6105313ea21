"""Issue 13 items 1-2, the rest of the loop on the chat: a Telegram button press is
answered (answerCallbackQuery, once per press); Telegram reactions are recorded, not
answered; the resolution message carries the after photo when the public may see it; an
acknowledgement asks for the place when it is unknown, and the location that comes back
places the complaint."""

import copy

import pytest

from aduan.channels.models import InboundEvent, OutboxMessage
from aduan.complaints.models import Category, Complaint, Status
from aduan.evidence.models import Photo

from .conftest import drain, fixture, post_meta, post_telegram
from .test_chat_loop import resolve, wa_say

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


def test_whatsapp_resolution_carries_the_public_after_photo(client, settings, wa_account,
                                                             graph):
    settings.PUBLIC_URL = SITE
    wa_say(client, "Jalan berlubang besar di depan SD Kemlayan, bahaya untuk motor", 1)
    complaint = resolve(Complaint.objects.get())
    after = Photo.objects.get(complaint=complaint, tag="after")
    body = graph.sent("/messages")[-1].json()
    assert body["type"] == "interactive" and body["interactive"]["type"] == "button"
    link = body["interactive"]["header"]["image"]["link"]
    assert body["interactive"]["header"]["type"] == "image"
    assert link == f"{SITE}/foto/{after.pk}/public.jpg"
    assert [b["reply"]["id"] for b in body["interactive"]["action"]["buttons"]] == [
        f"aduan:confirm:{complaint.ref}", f"aduan:reopen:{complaint.ref}"]
    client.logout()
    image = client.get(link.removeprefix(SITE))  # what WhatsApp fetches, as anyone
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"


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


def test_no_photo_for_an_identity_category_or_an_unreachable_site(client, settings,
                                                                  wa_account, graph):
    settings.PUBLIC_URL = SITE
    wa_say(client, "Jalan berlubang besar di depan SD Kemlayan, bahaya untuk motor", 1)
    category = Category.objects.filter(may_hold_identity=True).first()
    assert category is not None  # the seeded city has one (KTP, KK)
    Complaint.objects.update(category=category)
    complaint = resolve(Complaint.objects.get())
    body = graph.sent("/messages")[-1].json()
    assert body["type"] == "interactive" and "header" not in body["interactive"]
    assert complaint.tracking_url() in body["interactive"]["body"]["text"]

    settings.PUBLIC_URL = "http://127.0.0.1:8000"  # the provider could not fetch it
    wa_say(client, "BELUM, masih berlubang", 2)
    Category.objects.filter(pk=category.pk).update(may_hold_identity=False)
    resolve(Complaint.objects.get())
    body = graph.sent("/messages")[-1].json()
    assert body["type"] == "interactive" and "header" not in body["interactive"]


def test_whatsapp_acknowledgement_asks_for_the_place_and_the_location_places_it(
        client, wa_account, graph):
    wa_say(client, "Lampu penerangan jalan mati sudah seminggu, gelap sekali", 1)
    complaint = Complaint.objects.get()
    assert complaint.region_id is None and complaint.lat is None
    body = graph.sent("/messages")[-1].json()
    assert body["type"] == "interactive"
    assert body["interactive"]["type"] == "location_request_message"
    assert body["interactive"]["action"] == {"name": "send_location"}
    assert complaint.ref in body["interactive"]["body"]["text"]
    assert "Kirim lokasi" in body["interactive"]["body"]["text"]
    sent_before = len(graph.sent("/messages"))
    post_meta(client, fixture("whatsapp/messages__location.json"))
    drain()
    complaint.refresh_from_db()
    assert (complaint.lat, complaint.lng) == (-7.5717, 110.8233)
    assert complaint.region_id == "33.72.02.1007"  # Kemlayan, by its boundary
    assert Complaint.objects.count() == 1
    assert len(graph.sent("/messages")) == sent_before  # joined, no new reference


def test_a_known_place_gets_the_plain_acknowledgement(client, wa_account, graph):
    wa_say(client, "Jalan berlubang besar di depan SD Kemlayan, bahaya untuk motor", 1)
    assert Complaint.objects.get().region_id is not None
    body = graph.sent("/messages")[-1].json()
    assert body["type"] == "text" and "lokasinya" not in body["text"]["body"]


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


@pytest.mark.parametrize("kind,account_id,sender", [
    ("facebook", PAGE, "6541237896541230"), ("instagram", IG, "1254459154682919")])
def test_messenger_and_instagram_quick_replies_confirm_and_rate(client, surakarta, graph,
                                                                kind, account_id, sender):
    from aduan.channels.models import ChannelAccount

    ChannelAccount.objects.create(kind=kind, account_id=account_id, token=graph.token)
    post_meta(client, fixture(f"{kind}/messages__text.json"))
    drain()
    complaint = resolve(Complaint.objects.get())
    body = graph.sent(f"/{account_id}/messages")[-1].json()
    assert body["recipient"] == {"id": sender} and "SUDAH" in body["message"]["text"]
    assert body["message"]["quick_replies"] == [
        {"content_type": "text", "title": "Sudah beres",
         "payload": f"aduan:confirm:{complaint.ref}"},
        {"content_type": "text", "title": "Belum beres",
         "payload": f"aduan:reopen:{complaint.ref}"}]
    tap = copy.deepcopy(fixture(f"{kind}/messages__quick_reply.json"))
    message = tap["entry"][0]["messaging"][0]["message"]
    message["quick_reply"]["payload"] = f"aduan:confirm:{complaint.ref}"
    post_meta(client, tap)
    drain()
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    assert complaint.events.get(kind="confirmed").data == {"via": kind}
    rates = graph.sent(f"/{account_id}/messages")[-1].json()["message"]["quick_replies"]
    assert [q["payload"] for q in rates] == [f"aduan:rate:{n}:{complaint.ref}"
                                             for n in range(1, 6)]
    message.update(mid=message["mid"] + "2", text=rates[4]["title"],
                   quick_reply={"payload": rates[4]["payload"]})
    post_meta(client, tap)
    drain()
    complaint.refresh_from_db()
    assert complaint.rating == 5
    assert "5 dari 5" in graph.sent(f"/{account_id}/messages")[-1].json()["message"]["text"]


def test_whatsapp_image_link_not_fetched_resends_the_buttons_without_it(client, settings,
                                                                         wa_account, graph):
    settings.PUBLIC_URL = SITE
    wa_say(client, "Jalan berlubang besar di depan SD Kemlayan, bahaya untuk motor", 1)
    complaint = resolve(Complaint.objects.get())
    row = OutboxMessage.objects.filter(complaint=complaint).order_by("-pk").first()
    assert "header" in row.payload["body"]["interactive"]
    failed = copy.deepcopy(fixture("whatsapp/statuses__failed_media.json"))
    failed["entry"][0]["changes"][0]["value"]["statuses"][0]["id"] = row.provider_message_id
    assert post_meta(client, failed).status_code == 200
    drain()
    row.refresh_from_db()
    assert row.status == "sent" and "header" not in row.payload["body"]["interactive"]
    again = graph.sent("/messages")[-1].json()
    assert again["type"] == "interactive" and "header" not in again["interactive"]
    assert [b["reply"]["id"] for b in again["interactive"]["action"]["buttons"]] == [
        f"aduan:confirm:{complaint.ref}", f"aduan:reopen:{complaint.ref}"]


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
