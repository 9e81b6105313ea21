"""Ordered, paced delivery against fake providers that enforce the documented limits.

A burst of acknowledgements to distinct people (1,000 by default; ADUAN_BURST_MESSAGES
changes it) plus follow-ups to some of them drains through the real job worker and
`outbox.deliver` without a single throttling answer: the account's throughput cap (one
slot per send, shared by all workers through the database) keeps the number under its
80 messages/s, and the per-person order and pacing keeps each recipient's messages in
order and apart. PostgreSQL drains with several worker threads at once; the in-memory
SQLite test database cannot take writers from several threads, so there one worker does.
"""

import os
import threading
import time
from collections import Counter, defaultdict

import pytest
from django.db import connection, transaction
from django.utils import timezone

from aduan.channels import outbox
from aduan.channels.models import ChannelAccount, InboundEvent, OutboxMessage
from aduan.jobs.models import Job
from aduan.jobs.runner import Runner

from .fakes import FakeGraph, FakeTelegram, Limits

pytestmark = pytest.mark.django_db(transaction=True)

BURST = int(os.environ.get("ADUAN_BURST_MESSAGES", "1000"))
FOLLOWED = 50  # recipients who get FOLLOW_UPS more messages after their acknowledgement
FOLLOW_UPS = 3
PACE = 0.5  # seconds between two messages to one person (scaled down from 1 s)


def drain(timeout: float) -> None:
    """The real job worker until no job is left: several threads on PostgreSQL."""
    threads = 4 if connection.vendor == "postgresql" else 1
    deadline = time.monotonic() + timeout
    failures = []

    def work(name: str) -> None:
        runner = Runner(worker=name)
        try:
            while time.monotonic() < deadline:
                if not runner.run_batch():
                    if not Job.objects.exists():
                        return
                    time.sleep(0.02)
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(exc)
        finally:
            if threads > 1:
                connection.close()

    if threads == 1:
        work("burst-0")
    else:
        pool = [threading.Thread(target=work, args=(f"burst-{i}",)) for i in range(threads)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join(timeout + 10)
    assert not failures, failures
    assert not Job.objects.exists(), "jobs left after the timeout"


def queue_burst(account: ChannelAccount, recipients: list[str]) -> dict[str, list[str]]:
    """Each person wrote (the customer-service window is open), then gets an
    acknowledgement; the first FOLLOWED get FOLLOW_UPS more, queued after the whole burst.
    Answers the texts each recipient must receive, in order."""
    now = timezone.now()
    InboundEvent.objects.bulk_create(
        InboundEvent(account=account, provider_id=f"in-{r}", sender=r, body="{}",
                     received_at=now, processed_at=now) for r in recipients)
    expected: dict[str, list[str]] = defaultdict(list)
    with transaction.atomic():  # as in intake: the rows and their jobs in one commit
        for n, recipient in enumerate(recipients):
            text = f"Aduan SKA-{n:04d}-0001 sudah kami terima."
            outbox.queue_text(account, None, f"ack:{n}", recipient, text,
                              acknowledgement=True)
            expected[recipient].append(text)
        for step in range(1, FOLLOW_UPS + 1):
            for n, recipient in enumerate(recipients[:FOLLOWED]):
                text = f"Perkembangan aduan SKA-{n:04d}-0001 ({step})."
                outbox.queue_text(account, None, f"up:{n}:{step}", recipient, text)
                expected[recipient].append(text)
    return expected


def check_delivered(expected: dict[str, list[str]], received: list[tuple[str, str]],
                    fake) -> None:
    total = sum(len(texts) for texts in expected.values())
    assert fake.throttled == []  # not one 130429 / 131056 / 429 answered
    assert OutboxMessage.objects.filter(status="sent").count() == total
    assert OutboxMessage.objects.filter(attempts=1).count() == total  # none sent again
    assert len(received) == total
    assert max(Counter(received).values()) == 1  # every message exactly once
    arrived: dict[str, list[str]] = defaultdict(list)
    for recipient, text in received:
        arrived[recipient].append(text)
    assert arrived == expected  # and in order for each person


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


def test_account_slots_are_spaced_and_run_out(surakarta, settings, graph):
    """The slot statement itself, on this database: 1/rate apart, none past SLOT_AHEAD."""
    account = ChannelAccount.objects.create(kind="whatsapp", account_id="1065",
                                            token="t", settings={"max_per_second": 20})
    waits = [outbox._account_slot(account) for _ in range(30)]
    given = [w for w in waits if w is not None]
    assert 18 <= len(given) <= 21  # about SLOT_AHEAD seconds' worth at 20/s
    assert waits[len(given):] == [None] * (30 - len(given))
    assert given[0] < 0.01
    steps = [b - a for a, b in zip(given[1:], given[2:], strict=False)]
    assert all(0.04 <= step <= 0.06 for step in steps), steps
    account.settings = {"max_per_second": 0}  # no cap: no slot needed
    assert outbox._account_slot(account) == 0.0


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


def test_a_full_second_puts_the_send_back_unsent(surakarta, graph):
    """Every slot of the next second taken (by other workers): the row goes back to the
    queue with its attempt not counted, and a job comes back for it."""
    from aduan.channels.models import OutboxThrottle

    account = ChannelAccount.objects.create(kind="whatsapp", account_id="1065",
                                            token=graph.token,
                                            settings={"template_name": "aduan_update"})
    row = outbox.queue_text(account, None, "t:full", "628111", "Halo")
    Job.objects.all().delete()
    OutboxThrottle.objects.create(account=account, next_slot=time.time() + 5)
    assert outbox.deliver(row.pk) == "waiting"
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("queued", 0)
    assert row.next_attempt_at > timezone.now()
    assert Job.objects.filter(run_after__gt=timezone.now()).count() == 1
    assert graph.sent() == []
