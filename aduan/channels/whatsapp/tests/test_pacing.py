"""A burst to many WhatsApp users drains within Meta's documented limits (80 messages/s per
number, the pair rate to one person) without one 130429 / 131056; without the cap the fake
answers 130429 and the outbox reads it as a retry. See tests/burst.py."""

import time

import pytest

from aduan.channels import outbox
from aduan.channels.meta.tests.fake_graph import FakeGraph
from aduan.channels.models import ChannelAccount, OutboxMessage
from aduan.channels.tests.burst import BURST, PACE, check_delivered, drain, queue_burst
from aduan.channels.tests.fake_server import Limits

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def limited_graph(settings):
    # Meta's documented throughput (80 messages/s per number); the pair rate stricter
    # than documented (no burst), at the scaled-down pace.
    fake = FakeGraph(limits=Limits(per_second=80, pair_interval=PACE, pair_burst=1)).start()
    settings.META_GRAPH_URL = fake.url + "/v23.0"
    settings.ADUAN_OUTBOX_PACE_SECONDS = PACE
    settings.ADUAN_OUTBOX_ACCOUNT_RATE = {"whatsapp": 80.0, "telegram": 30.0}
    yield fake
    fake.stop()


def test_whatsapp_burst_drains_without_throttling(surakarta, limited_graph):
    account = ChannelAccount.objects.create(kind="whatsapp", account_id="106540352242922",
                                            token=limited_graph.token)
    recipients = [f"62812{n:07d}" for n in range(BURST)]
    expected = queue_burst(account, recipients)
    total = sum(len(texts) for texts in expected.values())
    started = time.monotonic()
    drain(timeout=60 + total / 40)
    elapsed = time.monotonic() - started
    received = [(r.json()["to"], r.json()["text"]["body"])
                for r in limited_graph.sent("/messages")]
    check_delivered(expected, received, limited_graph)
    # the cap did the pacing: the fake's bucket holds one second's worth, the rest at 80/s
    assert elapsed >= (total - 80) / 80 * 0.95


def test_the_fake_refuses_sends_beyond_the_documented_rate(surakarta, settings):
    """Without the cap the fake answers Meta's throughput error, and the outbox reads it
    as a retry: what the burst test shows never happens."""
    fake = FakeGraph(limits=Limits(per_second=0.5, burst=5)).start()  # 5, then 1 per 2 s
    settings.META_GRAPH_URL = fake.url + "/v23.0"
    settings.ADUAN_OUTBOX_ACCOUNT_RATE = {}
    try:
        account = ChannelAccount.objects.create(kind="whatsapp", account_id="1065",
                                                token=fake.token,
                                                settings={"template_name": "aduan_update"})
        rows = [outbox.queue_text(account, None, f"t:{n}", f"6281{n:08d}", "Halo")
                for n in range(10)]
        states = [outbox.deliver(row.pk) for row in rows]
        assert states.count("sent") == 5 and states.count("queued") == 5
        refused = OutboxMessage.objects.exclude(status="sent")
        assert all("130429" in row.last_error and row.last_error.startswith("retry")
                   for row in refused)
        assert [limit for limit, _ in fake.throttled] == ["account"] * 5
    finally:
        fake.stop()
