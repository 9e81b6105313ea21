"""Issue 13 item 2 on Telegram: the inline keyboard and its callback queries confirm and rate; a
photo joins the open complaint."""

import copy

import pytest

from aduan.channels.telegram.tests.helpers import post_telegram
from aduan.channels.tests.helpers import drain, fixture, resolve
from aduan.complaints.models import Complaint, Status

# The worker closes connections between jobs: run every test on committed data.
pytestmark = pytest.mark.django_db(transaction=True)


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
