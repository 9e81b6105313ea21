"""Issue 13 item 5: one citizen, one conversation. A phone number the channel proves (a
WhatsApp wa_id, a Telegram contact the user shared of themselves) makes reporters on
different chats one citizen: a follow-up on any of them joins their open complaint, and
replies go out on the chat they last wrote on. A number typed in the web form, or someone
else's contact card, proves nothing and links nothing."""

import copy

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from aduan.channels.models import ChannelAccount
from aduan.channels.telegram.parse import parse as tg_parse
from aduan.channels.whatsapp.parse import parse as wa_parse
from aduan.complaints import actions, identity
from aduan.complaints.intake import open_for
from aduan.complaints.models import Complaint, Reporter, Status

from .conftest import drain, fixture, post_meta, post_telegram, process_at_once

pytestmark = pytest.mark.django_db(transaction=True)

WA = "6281234567890"  # the wa_id of messages__text.json
WA_ACCOUNT = "106540352242922"
SECOND_WA_ACCOUNT = "106540352299999"
TG_CHAT = "1111111"


def wa_text(text: str, n: int, *, account_id: str = WA_ACCOUNT) -> dict:
    payload = copy.deepcopy(fixture("whatsapp/messages__text.json"))
    value = payload["entry"][0]["changes"][0]["value"]
    value["metadata"]["phone_number_id"] = account_id
    value["messages"][0].update(id=f"wamid.CITIZEN{n}", text={"body": text})
    return payload


def tg(name: str, n: int, text: str = "") -> dict:
    update = copy.deepcopy(fixture(f"telegram/{name}.json"))
    update["update_id"] = update["message"]["message_id"] = n
    if text:
        update["message"]["text"] = text
    return update


def staff():
    return get_user_model().objects.filter(is_superuser=True).first() or \
        get_user_model().objects.create_superuser("root", "r@example.org", "pw")


def wa_sent(graph, account_id: str) -> list[dict]:
    return [s.json() for s in graph.sent(f"/{account_id}/messages")]


def test_parsers_say_only_what_the_provider_proves():
    wa = wa_parse(fixture("whatsapp/messages__text.json")).messages[0]
    assert wa.verified_phone == WA
    own = tg_parse(fixture("telegram/message__contact_own.json"), "123456").messages[0]
    assert identity.e164(own.verified_phone) == WA
    other = tg_parse(fixture("telegram/message__contact_other.json"), "123456").messages[0]
    assert other.phone and other.verified_phone == ""  # someone else's card
    text = tg_parse(fixture("telegram/message__text.json"), "123456").messages[0]
    assert text.verified_phone == ""


@pytest.mark.parametrize("spelling", ["6281234567890", "+62 812-3456-7890", "0812 3456 7890",
                                      "081234567890", "812-3456-7890", "0062 812 3456 7890"])
def test_indonesian_spellings_normalise_to_e164(spelling):
    assert identity.e164(spelling) == WA


@pytest.mark.parametrize("junk", ["", "abc", "12345", "+1 (555) 0100 2000 3000 4000", "0"])
def test_what_is_not_a_number_verifies_nothing(junk):
    assert identity.e164(junk) == ""


def test_same_number_on_two_whatsapp_accounts_is_one_conversation(client, wa_account, graph):
    second = ChannelAccount.objects.create(kind="whatsapp", account_id=SECOND_WA_ACCOUNT,
                                           token=graph.token)
    post_meta(client, wa_text("Jalan di depan pasar Kemlayan berlubang besar", 1))
    drain()
    complaint = Complaint.objects.get()
    assert complaint.reporter.verified_phone == WA
    post_meta(client, wa_text("Tambahan: lubangnya makin lebar setelah hujan", 2,
                              account_id=SECOND_WA_ACCOUNT))
    drain()
    assert Complaint.objects.count() == 1
    complaint.refresh_from_db()
    assert complaint.events.filter(kind="citizen_message", note__contains="makin lebar").exists()
    assert complaint.channel_account_id == second.pk  # the account the citizen last wrote to
    moved = complaint.events.get(kind="reporter_moved")
    assert not moved.public and WA not in moved.note
    actions.reply(complaint, staff(), "Petugas menuju lokasi hari ini.")
    drain()
    body = wa_sent(graph, SECOND_WA_ACCOUNT)[-1]
    assert body["to"] == WA and "Petugas menuju lokasi" in body["text"]["body"]
    assert not any("Petugas menuju" in str(b) for b in wa_sent(graph, WA_ACCOUNT))


def test_whatsapp_and_telegram_with_own_contact_are_one_conversation(
        client, wa_account, tg_account, graph, telegram_api):
    post_telegram(client, tg_account, tg("message__text", 20001))
    drain()
    complaint = Complaint.objects.get()
    assert complaint.channel == "telegram" and complaint.reporter.verified_phone == ""
    post_telegram(client, tg_account, tg("message__contact_own", 20002))  # "share my number"
    drain()
    assert Complaint.objects.count() == 1
    assert Reporter.objects.get(channel="telegram", handle=TG_CHAT).verified_phone == WA
    tg_before = len(telegram_api.sent("sendMessage"))

    post_meta(client, wa_text("Sudah seminggu lampunya belum diganti", 1))  # a first WA message
    drain()
    assert Complaint.objects.count() == 1  # joined, not a second complaint
    complaint.refresh_from_db()
    note = complaint.events.get(kind="citizen_message", note__contains="seminggu")
    assert note.data["channel"] == "whatsapp"
    assert complaint.channel == "telegram"  # where it arrived, for the figures
    assert complaint.reporter.channel == "whatsapp"
    assert complaint.channel_account_id == wa_account.pk  # replies go where they last wrote

    actions.reply(complaint, staff(), "Lampu diganti besok pagi.")
    drain()
    assert "Lampu diganti besok" in wa_sent(graph, WA_ACCOUNT)[-1]["text"]["body"]
    assert len(telegram_api.sent("sendMessage")) == tg_before

    # The loop buttons arrive on WhatsApp and work for the complaint opened on Telegram.
    from aduan.channels.tests.test_chat_loop import resolve, wa_press

    complaint = resolve(complaint)
    buttons = wa_sent(graph, WA_ACCOUNT)[-1]["interactive"]["action"]["buttons"]
    assert buttons[0]["reply"]["id"] == f"aduan:confirm:{complaint.ref}"
    wa_press(client, "interactive_button_reply", f"aduan:confirm:{complaint.ref}")
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    assert complaint.events.get(kind="confirmed").data == {"via": "whatsapp"}

    # A new problem written on Telegram later is a new complaint, answered on Telegram.
    post_telegram(client, tg_account, tg("message__text", 20003,
                                         "Lampu di Jl. Slamet Riyadi mati lagi sejak kemarin"))
    drain()
    newest = Complaint.objects.order_by("-pk").first()
    assert newest.pk != complaint.pk and newest.channel_account_id == tg_account.pk


def test_a_telegram_card_of_someone_else_links_nothing(client, wa_account, tg_account, graph,
                                                      telegram_api):
    post_meta(client, wa_text("Jalan di depan pasar Kemlayan berlubang besar", 1))
    drain()
    mine = Complaint.objects.get()
    post_telegram(client, tg_account, tg("message__contact_other", 20010))
    post_telegram(client, tg_account, tg("message__text", 20011,
                                         "Tambahan untuk aduan jalan berlubang itu"))
    drain()
    stranger = Reporter.objects.get(channel="telegram", handle="3333333")
    assert stranger.verified_phone == ""
    mine.refresh_from_db()
    assert mine.reporter.channel == "whatsapp" and mine.channel_account_id == wa_account.pk
    assert not mine.events.filter(kind__in=["citizen_message", "reporter_moved"]).exists()
    assert open_for(stranger, "telegram") != mine


def test_a_number_typed_in_the_web_form_links_nothing(client, wa_account, graph):
    response = client.post(reverse("citizen:new"), {
        "text": "Sampah menumpuk di depan pasar Kemlayan sudah tiga hari",
        "kelurahan": "33.72.02.1007", "rt": "3", "rw": "5", "name": "Orang Lain",
        "contact": "0812-3456-7890"})  # the WhatsApp citizen's number, typed by anyone
    assert response.status_code == 302
    web = Complaint.objects.get()
    assert identity.e164(web.reporter.phone) == WA and web.reporter.verified_phone == ""
    post_meta(client, wa_text("Jalan di depan SD Kemlayan berlubang besar", 1))
    drain()
    assert Complaint.objects.count() == 2
    chat = Complaint.objects.exclude(pk=web.pk).get()
    assert chat.reporter.channel == "whatsapp" and chat.reporter.verified_phone == WA
    web.refresh_from_db()
    assert web.reporter.channel == "web" and not web.events.filter(
        kind__in=["citizen_message", "reporter_moved"]).exists()
    # Nor does the web complaint join the WhatsApp conversation.
    assert open_for(chat.reporter, "whatsapp") == chat


def test_first_messages_on_two_chats_at_once_open_one_complaint(client, wa_account, tg_account,
                                                                graph, telegram_api):

    from django.db import connection

    from aduan.channels.models import InboundEvent
    from aduan.jobs.models import Job

    if connection.vendor == "sqlite":  # as in test_jobs_exactly_once
        pytest.skip("the in-memory test database fails concurrent writers at once")
    # The Telegram chat shared its own number earlier (that complaint is long closed).
    Reporter.objects.create(channel="telegram", handle=TG_CHAT, verified_phone=WA)
    post_meta(client, wa_text("Jalan di depan pasar Kemlayan berlubang besar", 1))
    post_telegram(client, tg_account, tg("message__text", 20020,
                                         "Lubangnya di depan pasar makin besar"))
    Job.objects.all().delete()
    assert not process_at_once(list(InboundEvent.objects.values_list("pk", flat=True)))
    complaint = Complaint.objects.get()
    assert set(InboundEvent.objects.values_list("complaint_id", flat=True)) == {complaint.pk}
    assert complaint.events.filter(kind="citizen_message").count() == 1
