"""Ordered, paced delivery against a fake provider that enforces send limits.

A burst of acknowledgements to distinct people plus follow-ups to some of them (see
burst.py) drains without a single throttling answer: the account's throughput cap (one
slot per send, shared by all workers through the database) keeps the number under the
provider's rate, and the per-person order and pacing keeps each recipient's messages in
order and apart. Driven through the test-only "plain" channel; the channels' documented
limits are tested in whatsapp/tests/test_pacing.py and telegram/tests/test_pacing.py.
"""

import time

import pytest
from django.utils import timezone

from aduan.channels import outbox
from aduan.channels.models import ChannelAccount
from aduan.jobs.models import Job

from .burst import BURST, PACE, check_delivered, drain, queue_burst
from .fake_server import Limits
from .plain.deliver import plain_account_for
from .plain.fake_api import FakePlain

pytestmark = pytest.mark.django_db(transaction=True)


def test_burst_drains_without_throttling(surakarta, plain_channel, settings):
    fake = FakePlain(limits=Limits(per_second=80, pair_interval=PACE, pair_burst=1)).start()
    settings.ADUAN_OUTBOX_PACE_SECONDS = PACE
    settings.ADUAN_OUTBOX_ACCOUNT_RATE = {"plain": 80.0}
    try:
        account = plain_account_for(fake)
        expected = queue_burst(account, [f"warga-{n}" for n in range(max(BURST // 5, 100))])
        total = sum(len(texts) for texts in expected.values())
        started = time.monotonic()
        drain(timeout=60 + total / 40)
        elapsed = time.monotonic() - started
        received = [(r.json()["to"], r.json()["text"]) for r in fake.sent("/send")]
        check_delivered(expected, received, fake)
        # the cap did the pacing: the fake's bucket holds one second's worth, the rest at 80/s
        assert elapsed >= (total - 80) / 80 * 0.95
    finally:
        fake.stop()


def test_account_slots_are_spaced_and_run_out(surakarta, plain_channel):
    """The slot statement itself, on this database: 1/rate apart, none past SLOT_AHEAD."""
    account = ChannelAccount.objects.create(kind="plain", account_id="plain-1",
                                            token="t", settings={"max_per_second": 20})
    started = time.monotonic()
    waits = [outbox._account_slot(account) for _ in range(30)]
    elapsed = time.monotonic() - started  # a slow machine frees a slot every 1/20 s
    given = [w for w in waits if w is not None]
    assert 18 <= len(given) <= 21 + int(elapsed * 20)  # SLOT_AHEAD seconds' worth at 20/s
    assert waits[len(given):] == [None] * (30 - len(given))
    assert given[0] < 0.01
    steps = [b - a for a, b in zip(given[1:], given[2:], strict=False)]
    assert all(0.04 <= step <= 0.06 for step in steps), steps
    account.settings = {"max_per_second": 0}  # no cap: no slot needed
    assert outbox._account_slot(account) == 0.0


def test_a_full_second_puts_the_send_back_unsent(plain_account, plain_api, settings):
    """Every slot of the next second taken (by other workers): the row goes back to the
    queue with its attempt not counted, and a job comes back for it."""
    settings.ADUAN_OUTBOX_ACCOUNT_RATE = {"plain": 80.0}
    from aduan.channels.models import OutboxThrottle

    account = plain_account
    row = outbox.queue_text(account, None, "t:full", "warga-1", "Halo")
    Job.objects.all().delete()
    OutboxThrottle.objects.create(account=account, next_slot=time.time() + 5)
    assert outbox.deliver(row.pk) == "waiting"
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("queued", 0)
    assert row.next_attempt_at > timezone.now()
    assert Job.objects.filter(run_after__gt=timezone.now()).count() == 1
    assert plain_api.sent() == []
