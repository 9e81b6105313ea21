"""Issue 13 item 5 on WhatsApp and Telegram: the parsers say only what the provider proves (a
wa_id, a Telegram contact of the sender); the same number on two WhatsApp numbers, and on
WhatsApp and Telegram, is one conversation whose loop buttons work across chats; someone
else's Telegram card links nothing. The generic rules: tests/test_one_citizen.py (plain
channels); the cross-chat tests here are their real-provider versions."""

import copy

import pytest
from django.contrib.auth import get_user_model

from aduan.channels.meta.tests.helpers import post_meta
from aduan.channels.models import ChannelAccount
from aduan.channels.telegram.tests.helpers import post_telegram
from aduan.channels.tests.helpers import drain, fixture
from aduan.channels.whatsapp.parse import parse as wa_parse
from aduan.complaints import actions
from aduan.complaints.intake import open_for
from aduan.complaints.models import Complaint, Reporter, Status

# The worker closes connections between jobs: run every test on committed data.
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


def test_the_parser_proves_the_wa_id():
    wa = wa_parse(fixture("whatsapp/messages__text.json")).messages[0]
    assert wa.verified_phone == WA


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
    from aduan.channels.tests.helpers import resolve
    from aduan.channels.whatsapp.tests.helpers import wa_press

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
