"""Telegram end to end: secret-token webhook → complaint → sendMessage on a fake Bot API."""

import pytest
from django.core.management import call_command

from aduan.channels.models import ChannelAccount, InboundEvent, OutboxMessage
from aduan.channels.telegram.tests.helpers import post_telegram
from aduan.channels.tests.helpers import drain, fixture
from aduan.complaints.models import Complaint

# The worker closes connections between jobs: run every test on committed data.
pytestmark = pytest.mark.django_db(transaction=True)

TEXT = fixture("telegram/message__text.json")


def test_text_opens_complaint_and_acknowledges(client, tg_account, telegram_api):
    assert post_telegram(client, tg_account, TEXT).status_code == 200
    drain()
    complaint = Complaint.objects.get()
    assert complaint.channel == "telegram"
    assert complaint.reporter.handle == "1111111"
    assert complaint.reporter.name == "Test Lastname"
    sent = telegram_api.sent("/bot123456:ABC-DEF/sendMessage")
    assert len(sent) == 1
    assert sent[0].json()["chat_id"] == "1111111"
    assert complaint.ref in sent[0].json()["text"]
    assert OutboxMessage.objects.get().provider_message_id


def test_photo_joins_via_getfile_largest_size(client, tg_account, telegram_api):
    post_telegram(client, tg_account, TEXT)
    post_telegram(client, tg_account, fixture("telegram/message__photo.json"))
    drain()
    complaint = Complaint.objects.get()
    assert complaint.photos.filter(tag="before").count() == 1
    get_file = telegram_api.sent("/getFile")[0].json()
    assert get_file["file_id"] == "AgACAgQAAxkBAAIBY2Large"
    downloads = [r for r in telegram_api.requests if r.path.startswith("/file/bot")]
    assert downloads and downloads[0].path.endswith(".jpg")


def test_location_places_complaint(client, tg_account, telegram_api):
    post_telegram(client, tg_account, TEXT)
    post_telegram(client, tg_account, fixture("telegram/message__location.json"))
    drain()
    complaint = Complaint.objects.get()
    assert (complaint.lat, complaint.lng) == (-7.5697, 110.8290)


def test_repeated_update_is_stored_once(client, tg_account, telegram_api):
    for _ in range(3):
        assert post_telegram(client, tg_account, TEXT).status_code == 200
    drain()
    assert InboundEvent.objects.count() == 1
    assert len(telegram_api.sent("/sendMessage")) == 1


def test_start_gets_a_welcome_not_a_complaint(client, tg_account, telegram_api):
    post_telegram(client, tg_account, fixture("telegram/message__start.json"))
    drain()
    assert Complaint.objects.count() == 0
    assert "aduan" in telegram_api.sent("/sendMessage")[0].json()["text"].lower()


@pytest.mark.parametrize("name", ["edited_message__ignored", "message__group_ignored"])
def test_ignored_updates(client, tg_account, name):
    assert post_telegram(client, tg_account, fixture(f"telegram/{name}.json")).status_code == 200
    assert InboundEvent.objects.count() == 0


def test_secret_token_missing_wrong_and_unknown_channel(client, tg_account):
    assert post_telegram(client, tg_account, TEXT, secret=None).status_code == 401
    assert post_telegram(client, tg_account, TEXT, secret="nope").status_code == 403
    other = ChannelAccount(pk=tg_account.pk + 100)
    assert post_telegram(client, other, TEXT).status_code == 404
    assert InboundEvent.objects.count() == 0


def test_malformed_update(client, tg_account):
    assert post_telegram(client, tg_account, b"{not json").status_code == 400
    assert post_telegram(client, tg_account, {"message": {"text": "x"}}).status_code == 400
    assert post_telegram(client, tg_account, [1, 2]).status_code == 400
    assert InboundEvent.objects.count() == 0


def test_channels_add_prints_id_and_path_and_sets_webhook(surakarta, telegram_api, settings,
                                                          capsys):
    settings.PUBLIC_URL = "https://aduan.surakarta.go.id"
    call_command("channels", "add", "telegram", "--account-id", "123456", "--token",
                 telegram_api.token, "--secret", "abc_DEF-123", "--set-webhook")
    out = capsys.readouterr().out.split()
    account = ChannelAccount.objects.get()
    assert out[0] == str(account.pk)
    assert out[1] == f"/webhooks/telegram/{account.pk}"
    body = telegram_api.sent("/setWebhook")[0].json()
    assert body["url"] == f"https://aduan.surakarta.go.id/webhooks/telegram/{account.pk}"
    assert body["secret_token"] == "abc_DEF-123"
    assert body["allowed_updates"] == ["message", "callback_query", "message_reaction"]
    assert telegram_api.token not in capsys.readouterr().out
