"""Issue 13 item 5: one citizen, one conversation. A phone number the channel proves makes
reporters on different chats one citizen: a follow-up on any of them joins their open
complaint, and replies go out on the chat they last wrote on. A number typed in the web
form, or a number the sender merely gave, proves nothing and links nothing.

Driven through the test-only channels "plain" and "plain2" (tests/plain/); what each
provider proves is tested with its parser (whatsapp/tests/test_one_citizen.py,
telegram/tests/test_one_citizen.py)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from aduan.channels.tests.helpers import drain, process_at_once, resolve
from aduan.complaints import actions, identity
from aduan.complaints.intake import open_for
from aduan.complaints.models import Complaint, Reporter, Status

from .plain.deliver import message, plain_account_for, receive
from .plain.fake_api import FakePlain

# The worker closes connections between jobs: run every test on committed data.
pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "6281234567890"


def staff():
    return get_user_model().objects.filter(is_superuser=True).first() or \
        get_user_model().objects.create_superuser("root", "r@example.org", "pw")


@pytest.fixture
def second_api():
    fake = FakePlain().start()
    yield fake
    fake.stop()


@pytest.mark.parametrize("spelling", ["6281234567890", "+62 812-3456-7890", "0812 3456 7890",
                                      "081234567890", "812-3456-7890", "0062 812 3456 7890"])
def test_indonesian_spellings_normalise_to_e164(spelling):
    assert identity.e164(spelling) == PHONE


@pytest.mark.parametrize("junk", ["", "abc", "12345", "+1 (555) 0100 2000 3000 4000", "0"])
def test_what_is_not_a_number_verifies_nothing(junk):
    assert identity.e164(junk) == ""


def test_same_number_on_two_accounts_is_one_conversation(plain_account, plain_api, second_api):
    second = plain_account_for(second_api, account_id="plain-2")
    receive(plain_account, message("Jalan di depan pasar Kemlayan berlubang besar",
                                   sender=PHONE, verified_phone=PHONE))
    drain()
    complaint = Complaint.objects.get()
    assert complaint.reporter.verified_phone == PHONE
    receive(second, message("Tambahan: lubangnya makin lebar setelah hujan",
                            sender=PHONE, verified_phone=PHONE))
    drain()
    assert Complaint.objects.count() == 1
    complaint.refresh_from_db()
    assert complaint.events.filter(kind="citizen_message", note__contains="makin lebar").exists()
    assert complaint.channel_account_id == second.pk  # the account the citizen last wrote to
    moved = complaint.events.get(kind="reporter_moved")
    assert not moved.public and PHONE not in moved.note
    actions.reply(complaint, staff(), "Petugas menuju lokasi hari ini.")
    drain()
    assert "Petugas menuju lokasi" in second_api.texts(PHONE)[-1]
    assert not any("Petugas menuju" in text for text in plain_api.texts())


def test_two_channels_with_a_proven_number_are_one_conversation(plain_account, plain_api,
                                                                second_api):
    chat = plain_account_for(second_api, kind="plain2", account_id="chat-1")
    receive(chat, message("Lampu jalan di depan pasar Kemlayan mati", sender="chat-77"))
    drain()
    complaint = Complaint.objects.get()
    assert complaint.channel == "plain2" and complaint.reporter.verified_phone == ""
    receive(chat, message(sender="chat-77", verified_phone=PHONE))  # "share my number"
    drain()
    assert Complaint.objects.count() == 1
    assert Reporter.objects.get(channel="plain2", handle="chat-77").verified_phone == PHONE
    chat_before = len(second_api.texts())

    receive(plain_account, message("Sudah seminggu lampunya belum diganti", sender=PHONE,
                                   verified_phone=PHONE))  # a first message on the other
    drain()
    assert Complaint.objects.count() == 1  # joined, not a second complaint
    complaint.refresh_from_db()
    note = complaint.events.get(kind="citizen_message", note__contains="seminggu")
    assert note.data["channel"] == "plain"
    assert complaint.channel == "plain2"  # where it arrived, for the figures
    assert complaint.reporter.channel == "plain"
    assert complaint.channel_account_id == plain_account.pk  # replies go where they last wrote

    actions.reply(complaint, staff(), "Lampu diganti besok pagi.")
    drain()
    assert "Lampu diganti besok" in plain_api.texts(PHONE)[-1]
    assert len(second_api.texts()) == chat_before

    # The loop buttons arrive on the last chat and work for the complaint opened on the other.
    complaint = resolve(complaint)
    buttons = plain_api.sent("/send")[-1].json()["buttons"]
    assert buttons[0][0] == f"aduan:confirm:{complaint.ref}"
    receive(plain_account, message(sender=PHONE, verified_phone=PHONE,
                                   action=f"aduan:confirm:{complaint.ref}"))
    drain()
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    assert complaint.events.get(kind="confirmed").data == {"via": "plain"}

    # A new problem written on the first chat later is a new complaint, answered there.
    receive(chat, message("Lampu di Jl. Slamet Riyadi mati lagi sejak kemarin",
                          sender="chat-77"))
    drain()
    newest = Complaint.objects.order_by("-pk").first()
    assert newest.pk != complaint.pk and newest.channel_account_id == chat.pk


def test_a_number_the_sender_only_gave_links_nothing(plain_account, plain_api, second_api):
    chat = plain_account_for(second_api, kind="plain2", account_id="chat-1")
    receive(plain_account, message("Jalan di depan pasar Kemlayan berlubang besar",
                                   sender=PHONE, verified_phone=PHONE))
    drain()
    mine = Complaint.objects.get()
    receive(chat, message(sender="chat-33", phone=PHONE))  # someone else's card
    receive(chat, message("Tambahan untuk aduan jalan berlubang itu", sender="chat-33"))
    drain()
    stranger = Reporter.objects.get(channel="plain2", handle="chat-33")
    assert stranger.verified_phone == ""
    mine.refresh_from_db()
    assert mine.reporter.channel == "plain" and mine.channel_account_id == plain_account.pk
    assert not mine.events.filter(kind__in=["citizen_message", "reporter_moved"]).exists()
    assert open_for(stranger, "plain2") != mine


def test_a_number_typed_in_the_web_form_links_nothing(client, plain_account, plain_api):
    response = client.post(reverse("citizen:new"), {
        "text": "Sampah menumpuk di depan pasar Kemlayan sudah tiga hari",
        "kelurahan": "33.72.02.1007", "rt": "3", "rw": "5", "name": "Orang Lain",
        "contact": "0812-3456-7890"})  # the chat citizen's number, typed by anyone
    assert response.status_code == 302
    drain()  # the worker opens a web complaint of words only (complaints/accepted.py)
    web = Complaint.objects.get()
    assert identity.e164(web.reporter.phone) == PHONE and web.reporter.verified_phone == ""
    receive(plain_account, message("Jalan di depan SD Kemlayan berlubang besar", sender=PHONE,
                                   verified_phone=PHONE))
    drain()
    assert Complaint.objects.count() == 2
    chat = Complaint.objects.exclude(pk=web.pk).get()
    assert chat.reporter.channel == "plain" and chat.reporter.verified_phone == PHONE
    web.refresh_from_db()
    assert web.reporter.channel == "web" and not web.events.filter(
        kind__in=["citizen_message", "reporter_moved"]).exists()
    # Nor does the web complaint join the chat conversation.
    assert open_for(chat.reporter, "plain") == chat


def test_first_messages_on_two_chats_at_once_open_one_complaint(plain_account, plain_api,
                                                                second_api):
    from django.db import connection

    from aduan.channels.models import InboundEvent
    from aduan.jobs.models import Job

    if connection.vendor == "sqlite":  # as in test_jobs_exactly_once
        pytest.skip("the in-memory test database fails concurrent writers at once")
    chat = plain_account_for(second_api, kind="plain2", account_id="chat-1")
    # The other chat proved its number earlier (that complaint is long closed).
    Reporter.objects.create(channel="plain2", handle="chat-77", verified_phone=PHONE)
    receive(plain_account, message("Jalan di depan pasar Kemlayan berlubang besar",
                                   sender=PHONE, verified_phone=PHONE))
    receive(chat, message("Lubangnya di depan pasar makin besar", sender="chat-77"))
    Job.objects.all().delete()
    assert not process_at_once(list(InboundEvent.objects.values_list("pk", flat=True)))
    complaint = Complaint.objects.get()
    assert set(InboundEvent.objects.values_list("complaint_id", flat=True)) == {complaint.pk}
    assert complaint.events.filter(kind="citizen_message").count() == 1
