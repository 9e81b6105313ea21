"""Webhook events are written in groups (channels/eventrows.py, writelock.together): the
deliveries of one process arriving at the same moment share one statement or transaction,
each answered after the commit that holds its rows, and a group stores exactly what one
delivery at a time would have stored."""

import threading
import time

import pytest

from aduan.channels.models import InboundEvent
from aduan.channels.tests.test_input_limits import refused
from aduan.jobs.models import Job
from aduan.writelock import together

from .plain.deliver import message, receive

# Committed data: the group is used only outside a transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def test_one_delivery_with_repeats_and_a_busy_sender_stores_as_one_at_a_time(
        plain_account, settings):
    settings.ADUAN_MAX_MESSAGES_PER_SENDER_HOUR = 3
    new = receive(plain_account, message("Jalan rusak", id="twice"),
                  message("Jalan rusak", id="twice"),
                  *[message(f"Lampu mati {n}", sender="warga-2") for n in range(5)])
    assert new == 4  # "twice" once, warga-2 three times
    assert InboundEvent.objects.filter(sender="warga-1").count() == 1
    assert InboundEvent.objects.filter(sender="warga-2").count() == 3
    assert refused("sender_hourly_limit") == 2
    jobs = sorted(job.args["args"][0] for job in Job.objects.filter(queue="intake"))
    assert jobs == sorted(InboundEvent.objects.values_list("pk", flat=True))
    assert receive(plain_account, message("Jalan rusak", id="twice")) == 0


def run_slowly(items: list) -> list:
    """A stand-in writer: remembers each group, fails for the item "bad"."""
    GROUPS.append(list(items))
    time.sleep(0.2)  # long enough for the other callers to queue behind the first
    if "bad" in items:
        raise ValueError("bad input")
    return [f"stored {item}" for item in items]


GROUPS: list[list] = []


def test_callers_at_once_share_a_group_and_a_bad_input_fails_only_its_caller():
    GROUPS.clear()
    answers: dict[str, object] = {}

    def call(item: str) -> None:
        try:
            answers[item] = together(run_slowly, [item])
        except ValueError as exc:
            answers[item] = exc

    names = ["first", "a", "b", "bad", "c"]
    threads = [threading.Thread(target=call, args=(name,)) for name in names]
    threads[0].start()
    while not GROUPS:  # "first" leads; the others arrive while it writes
        time.sleep(0.001)
    for thread in threads[1:]:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert GROUPS[0] == ["first"]
    assert sorted(GROUPS[1]) == ["a", "b", "bad", "c"]  # one group for the four
    assert [answers[name] for name in ("first", "a", "b", "c")] == [
        ["stored first"], ["stored a"], ["stored b"], ["stored c"]]
    assert isinstance(answers["bad"], ValueError)  # the group failed: each ran alone
    assert sorted(map(tuple, GROUPS[2:])) == [("a",), ("b",), ("bad",), ("c",)]
