"""Telegram Bot API errors as documented: 429 waits retry_after, a blocked bot or unknown chat
fails, a bad token parks."""

import pytest

from aduan.channels import outbox
from aduan.channels.models import ChannelAccount, OutboxMessage
from aduan.channels.telegram.tests.fake_bot_api import TG_ERRORS
from aduan.channels.telegram.tests.helpers import post_telegram
from aduan.channels.tests.helpers import drain, fixture

# The worker closes connections between jobs: run every test on committed data.
pytestmark = pytest.mark.django_db(transaction=True)

TG_SEND = "/bot123456:ABC-DEF/sendMessage"


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    monkeypatch.setattr(outbox, "BACKOFF_CAP", 0.05)  # the pacing itself is asserted below


def test_telegram_429_waits_retry_after_and_sends(client, tg_account, telegram_api):
    telegram_api.fail("sendMessage", 429, payload=TG_ERRORS[429])
    post_telegram(client, tg_account, fixture("telegram/message__text.json"))
    drain()
    row = OutboxMessage.objects.get()
    assert row.status == "sent" and row.attempts == 2


@pytest.mark.parametrize("status,outcome", [(403, "failed"), (400, "failed"), (401, "parked")])
def test_telegram_blocked_chat_not_found_and_bad_token(client, tg_account, telegram_api,
                                                       status, outcome):
    telegram_api.fail("sendMessage", status, payload=TG_ERRORS[status])
    post_telegram(client, tg_account, fixture("telegram/message__text.json"))
    drain()
    row = OutboxMessage.objects.get()
    assert row.status == outcome and len(telegram_api.sent(TG_SEND)) == 1
    tg_account.refresh_from_db()
    assert ("unhealthy" in tg_account.settings) == (status == 401)
    assert ChannelAccount.objects.count() == 1
