"""Bounded inputs at the channel edge (issue 11 item 3): hostile deliveries are refused,
recorded (log line + counter in /metrics) and never stored. Driven through inbound.store
with the test-only "plain" channel; each webhook's 400 for a refused delivery is tested in
its channel's folder (e.g. whatsapp/tests/test_hostile.py)."""

import json

import pytest

from aduan.channels.inbound import store
from aduan.channels.models import ChannelAccount, InboundEvent
from aduan.channels.tests.helpers import drain
from aduan.channels.types import Malformed
from aduan.complaints.models import Complaint
from aduan.guard.models import Refusal

from .plain.deliver import message, receive
from .plain.parse import parse

pytestmark = pytest.mark.django_db


def refused(reason: str) -> int:
    row = Refusal.objects.filter(source="plain", reason=reason).first()
    return row.count if row else 0


def test_five_hundred_messages_in_one_event_are_refused(plain_account):
    with pytest.raises(Malformed):
        receive(plain_account, *[message("Jalan rusak", id=f"limit{n}") for n in range(500)])
    assert not InboundEvent.objects.exists()
    assert refused("too_many_messages") == 1


def test_huge_text_far_away_location_and_absurd_ids_are_refused_others_kept(plain_account):
    new = receive(
        plain_account,
        message("x" * 7_000_000, id="limit1"),
        message(id="limit2", lat=1e308, lng=-1e308),
        message(id="limit3", lat=48.85, lng=2.35),
        message("Jalan rusak", id="i" * 5000),
        message("Jalan rusak", id=""),
        message("Jalan rusak", id="limit6"),  # a normal one in the same delivery is kept
    )
    assert new == 1
    assert list(InboundEvent.objects.values_list("provider_id", flat=True)) == ["limit6"]
    assert refused("text_too_long") == 1
    assert refused("point_outside_indonesia") == 2
    assert refused("id_too_long") == 1 and refused("empty_id") == 1


@pytest.mark.parametrize("account_id", ["", "9" * 5000, "999999999"])
def test_accounts_must_exist_before_a_delivery_creates_anything(surakarta, plain_channel,
                                                                account_id):
    body = json.dumps({"account": account_id, "messages": [message("Jalan rusak")]})
    assert store("plain", body, parse(body)) == 0  # deliberately ignored
    drain()
    assert not ChannelAccount.objects.exists() and not InboundEvent.objects.exists()
    assert not Complaint.objects.exists()
    assert refused("unknown_account") == 1


def test_a_sender_past_the_hourly_limit_is_refused(plain_account, settings):
    settings.ADUAN_MAX_MESSAGES_PER_SENDER_HOUR = 3
    for n in range(5):
        receive(plain_account, message(f"Jalan rusak {n}"))
    assert InboundEvent.objects.count() == 3
    assert refused("sender_hourly_limit") == 2


@pytest.mark.parametrize("bad", ["\ud800", "a\x00b"])
def test_unstorable_text_anywhere_in_a_message_is_refused(plain_account, bad):
    with pytest.raises(Malformed):
        receive(plain_account, message(f"Jalan rusak {bad}"))
    with pytest.raises(Malformed):
        receive(plain_account, message("Jalan rusak", name=f"Budi {bad}"))
    assert not InboundEvent.objects.exists()
    assert refused("unstorable_text") == 2


def test_refusals_show_in_metrics(client, plain_account, settings):
    settings.ADUAN_METRICS_TOKEN = "scrape"
    with pytest.raises(Malformed):
        receive(plain_account, *[message("Jalan rusak") for _ in range(200)])
    text = client.get("/metrics", headers={"Authorization": "Bearer scrape"}).content.decode()
    assert 'aduan_refused_inputs_total{source="plain",reason="too_many_messages"} 1' in text
