"""A burst of acknowledgements to distinct people (1,000 by default; ADUAN_BURST_MESSAGES
changes it) plus follow-ups to some of them, drained through the real job worker and
`outbox.deliver` against a fake provider that enforces send limits. PostgreSQL drains with
several worker threads at once; the in-memory SQLite test database cannot take writers
from several threads, so there one worker does. Used by tests/test_outbox_pacing.py and
the channels' own pacing tests."""

import os
import threading
import time
from collections import Counter, defaultdict

from django.db import connection, transaction
from django.utils import timezone

from aduan.channels import outbox
from aduan.channels.models import ChannelAccount, InboundEvent, OutboxMessage
from aduan.jobs.models import Job
from aduan.jobs.runner import Runner

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
