"""Issue 13 item 2: the loop on the chat itself. On resolution the citizen gets "Sudah
beres" / "Belum beres" reply buttons (WhatsApp interactive, Telegram inline keyboard), then
a 1-5 rating; typed fallbacks (1/2, SUDAH/BELUM, 1-5, STATUS) work everywhere. Each button
calls the same named action as the web tracking page, with the reporter's chat identity."""

import copy

import pytest
from django.contrib.auth import get_user_model

from aduan.complaints import actions
from aduan.complaints.models import Complaint, Status
from aduan.evidence.store import save_photo
from aduan.org.models import Unit

from .conftest import drain, fixture, post_meta, post_telegram
from .fakes import jpeg

pytestmark = pytest.mark.django_db(transaction=True)


def resolve(complaint: Complaint) -> Complaint:
    admin = get_user_model().objects.filter(is_superuser=True).first() or \
        get_user_model().objects.create_superuser("root", "r@example.org", "pw")
    if complaint.status == Status.NEW:
        actions.assign(complaint, Unit.objects.exclude(kind="external").first(), admin)
    complaint.refresh_from_db()
    save_photo(jpeg(), complaint=complaint, tag="after", user=admin)
    actions.resolve(complaint, admin, "Lubang sudah ditambal")
    drain()
    complaint.refresh_from_db()
    return complaint


def wa_say(client, text: str, n: int):
    payload = copy.deepcopy(fixture("whatsapp/messages__text.json"))
    message = payload["entry"][0]["changes"][0]["value"]["messages"][0]
    message.update(id=f"wamid.LOOP{n}", text={"body": text})
    post_meta(client, payload)
    drain()


def wa_press(client, name: str, button_id: str):
    payload = copy.deepcopy(fixture(f"whatsapp/messages__{name}.json"))
    interactive = payload["entry"][0]["changes"][0]["value"]["messages"][0]["interactive"]
    interactive[interactive["type"]]["id"] = button_id
    post_meta(client, payload)
    drain()


def last_wa(graph) -> dict:
    return graph.sent("/messages")[-1].json()


def test_whatsapp_buttons_confirm_then_rate(client, wa_account, graph):
    wa_say(client, "Jalan berlubang besar di depan SD Kemlayan, bahaya untuk motor", 1)
    complaint = resolve(Complaint.objects.get())
    body = last_wa(graph)
    assert body["type"] == "interactive" and body["interactive"]["type"] == "button"
    assert "SUDAH" in body["interactive"]["body"]["text"]
    buttons = body["interactive"]["action"]["buttons"]
    assert [(b["reply"]["id"], b["reply"]["title"]) for b in buttons] == [
        (f"aduan:confirm:{complaint.ref}", "Sudah beres"),
        (f"aduan:reopen:{complaint.ref}", "Belum beres")]
    wa_press(client, "interactive_button_reply", f"aduan:confirm:{complaint.ref}")
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    confirmed = complaint.events.get(kind="confirmed")
    assert confirmed.data == {"via": "whatsapp"} and confirmed.actor_label == "Pelapor"
    body = last_wa(graph)
    assert body["type"] == "interactive" and body["interactive"]["type"] == "list"
    rows = body["interactive"]["action"]["sections"][0]["rows"]
    assert [r["id"] for r in rows] == [f"aduan:rate:{n}:{complaint.ref}" for n in range(1, 6)]
    assert all(len(r["title"]) <= 24 for r in rows)
    wa_press(client, "interactive_list_reply", f"aduan:rate:5:{complaint.ref}")
    complaint.refresh_from_db()
    assert complaint.rating == 5
    assert complaint.events.get(kind="rated").data == {"stars": 5, "via": "whatsapp"}
    assert "5 dari 5" in last_wa(graph)["text"]["body"]


def test_typed_fallbacks_reopen_confirm_rate_and_status(client, wa_account, graph):
    wa_say(client, "Lampu jalan mati di Jalan Kemlayan RT 03 sejak seminggu", 1)
    complaint = resolve(Complaint.objects.get())
    wa_say(client, "2", 2)
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS
    assert complaint.events.get(kind="reopened").data == {"via": "whatsapp"}
    wa_say(client, "status", 3)
    text = last_wa(graph)["text"]["body"]
    assert complaint.ref in text and "Sedang ditangani" in text and "Tenggat" in text
    complaint = resolve(complaint)
    wa_say(client, "1", 4)
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    wa_say(client, "4", 5)
    complaint.refresh_from_db()
    assert complaint.rating == 4
    assert Complaint.objects.count() == 1  # no fallback opened a complaint
    wa_say(client, "STATUS", 6)
    assert "Ditutup" in last_wa(graph)["text"]["body"]


def test_status_before_any_complaint_answers_and_opens_nothing(client, wa_account, graph):
    wa_say(client, "Status", 1)
    assert not Complaint.objects.exists()
    assert "belum punya aduan" in last_wa(graph)["text"]["body"]


def test_a_button_for_someone_elses_complaint_changes_nothing(client, wa_account, graph):
    wa_say(client, "Sampah menumpuk di pasar Gede sudah tiga hari", 1)
    complaint = resolve(Complaint.objects.get())
    other = copy.deepcopy(fixture("whatsapp/messages__interactive_button_reply.json"))
    value = other["entry"][0]["changes"][0]["value"]
    value["messages"][0]["from"] = value["contacts"][0]["wa_id"] = "6289999999999"
    value["messages"][0]["interactive"]["button_reply"]["id"] = f"aduan:confirm:{complaint.ref}"
    post_meta(client, other)
    drain()
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED


def test_the_action_refuses_a_chat_identity_that_is_not_the_reporter(client, wa_account,
                                                                    graph):
    wa_say(client, "Saluran air tersumbat di Jalan Gatot Subroto", 1)
    complaint = resolve(Complaint.objects.get())
    with pytest.raises(actions.NotAllowed):
        actions.confirm(complaint, by=actions.Citizen("whatsapp", "6289999999999"))
    with pytest.raises(actions.NotAllowed):
        actions.rate(complaint, 5, by=actions.Citizen("telegram", complaint.reporter.handle))
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED and complaint.rating is None


def test_telegram_inline_keyboard_and_callback_query(client, tg_account, telegram_api):
    post_telegram(client, tg_account, fixture("telegram/message__text.json"))
    drain()
    complaint = resolve(Complaint.objects.get())
    body = telegram_api.sent("/sendMessage")[-1].json()
    keyboard = body["reply_markup"]["inline_keyboard"][0]
    assert [k["callback_data"] for k in keyboard] == [f"aduan:confirm:{complaint.ref}",
                                                      f"aduan:reopen:{complaint.ref}"]
    press = copy.deepcopy(fixture("telegram/callback_query__button.json"))
    press["callback_query"]["data"] = f"aduan:confirm:{complaint.ref}"
    assert post_telegram(client, tg_account, press).status_code == 200
    drain()
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    assert complaint.events.get(kind="confirmed").data == {"via": "telegram"}
    body = telegram_api.sent("/sendMessage")[-1].json()
    rates = [k["callback_data"] for k in body["reply_markup"]["inline_keyboard"][0]]
    assert rates == [f"aduan:rate:{n}:{complaint.ref}" for n in range(1, 6)]
    press["update_id"] += 1
    press["callback_query"]["data"] = f"aduan:rate:3:{complaint.ref}"
    post_telegram(client, tg_account, press)
    drain()
    complaint.refresh_from_db()
    assert complaint.rating == 3


def test_citizen_adds_a_photo_to_the_open_complaint(client, tg_account, telegram_api):
    post_telegram(client, tg_account, fixture("telegram/message__text.json"))
    post_telegram(client, tg_account, fixture("telegram/message__photo.json"))
    drain()
    complaint = Complaint.objects.get()
    assert complaint.photos.filter(tag="before", by_citizen=True).count() == 1
