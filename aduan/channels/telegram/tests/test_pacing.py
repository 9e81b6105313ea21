"""A burst to many Telegram chats drains within the bot's rate and one chat's pace without
one 429. See tests/burst.py."""

import pytest

from aduan.channels.models import ChannelAccount
from aduan.channels.telegram.tests.fake_bot_api import FakeTelegram
from aduan.channels.tests.burst import (
    BURST,
    FOLLOWED,
    PACE,
    check_delivered,
    drain,
    queue_burst,
)
from aduan.channels.tests.fake_server import Limits

pytestmark = pytest.mark.django_db(transaction=True)


def test_telegram_burst_drains_without_429(surakarta, settings):
    # Scaled down: Telegram's documented ~30 messages/s per bot and 1 per second per chat
    # would take a minute for this many; the same shape at 100/s and PACE per chat.
    fake = FakeTelegram(token="123456:ABC-DEF",
                        limits=Limits(per_second=100, pair_interval=PACE)).start()
    settings.TELEGRAM_API_URL = fake.url
    settings.ADUAN_OUTBOX_PACE_SECONDS = PACE
    try:
        account = ChannelAccount.objects.create(
            kind="telegram", account_id="123456", token=fake.token, secret="s3cr3t-Token_1",
            settings={"max_per_second": 100})
        recipients = [str(700000 + n) for n in range(max(BURST // 3, FOLLOWED))]
        expected = queue_burst(account, recipients)
        drain(timeout=60)
        received = [(str(r.json()["chat_id"]), r.json()["text"])
                    for r in fake.sent("/sendMessage")]
        check_delivered(expected, received, fake)
    finally:
        fake.stop()
