"""Bounded inputs at the channel edge (issue 11 item 3): signed but hostile payloads are
refused, recorded (log line + counter in /metrics) and never stored."""

import copy

import pytest

from aduan.channels.models import ChannelAccount, InboundEvent
from aduan.complaints.models import Complaint
from aduan.guard.models import Refusal

from .conftest import drain, fixture, post_meta, post_telegram

pytestmark = pytest.mark.django_db
TEXT = fixture("whatsapp/messages__text.json")


def with_messages(messages: list[dict]) -> dict:
    payload = copy.deepcopy(TEXT)
    payload["entry"][0]["changes"][0]["value"]["messages"] = messages
    return payload


def message(n: int, **extra) -> dict:
    base = copy.deepcopy(TEXT["entry"][0]["changes"][0]["value"]["messages"][0])
    base["id"] = f"wamid.limit{n}"
    base.update(extra)
    return base


def refused(source: str, reason: str) -> int:
    row = Refusal.objects.filter(source=source, reason=reason).first()
    return row.count if row else 0


def test_five_hundred_messages_in_one_event_are_refused(client, wa_account, settings):
    response = post_meta(client, with_messages([message(n) for n in range(500)]))
    assert response.status_code == 400
    assert not InboundEvent.objects.exists()
    assert refused("whatsapp", "too_many_messages") == 1


def test_huge_text_far_away_location_and_absurd_ids_are_refused_others_kept(
        client, wa_account):
    payload = with_messages([
        message(1, text={"body": "x" * 7_000_000}),
        message(2, type="location", location={"latitude": 1e308, "longitude": -1e308}),
        message(3, type="location", location={"latitude": 48.85, "longitude": 2.35}),
        message(4, id="i" * 5000),
        message(5, id=""),
        message(6),  # a normal one in the same delivery is kept
    ])
    assert post_meta(client, payload).status_code == 200
    assert list(InboundEvent.objects.values_list("provider_id", flat=True)) == ["wamid.limit6"]
    assert refused("whatsapp", "text_too_long") == 1
    assert refused("whatsapp", "point_outside_indonesia") == 2
    assert refused("whatsapp", "id_too_long") == 1 and refused("whatsapp", "empty_id") == 1


@pytest.mark.parametrize("account_id", ["", "9" * 5000, "999999999"])
def test_accounts_must_exist_before_a_webhook_creates_anything(client, surakarta, graph,
                                                               account_id):
    payload = copy.deepcopy(TEXT)
    payload["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = account_id
    assert post_meta(client, payload).status_code == 200  # deliberately ignored
    drain()
    assert not ChannelAccount.objects.exists() and not InboundEvent.objects.exists()
    assert not Complaint.objects.exists()
    assert refused("whatsapp", "unknown_account") == 1


def test_a_sender_past_the_hourly_limit_is_refused(client, wa_account, settings):
    settings.ADUAN_MAX_MESSAGES_PER_SENDER_HOUR = 3
    for n in range(5):
        assert post_meta(client, with_messages([message(n)])).status_code == 200
    assert InboundEvent.objects.count() == 3
    assert refused("whatsapp", "sender_hourly_limit") == 2


@pytest.mark.parametrize("bad", ["\ud800", "a\x00b"])
def test_unstorable_text_anywhere_in_a_message_is_400(client, wa_account, tg_account, bad):
    payload = with_messages([message(1, text={"body": f"Jalan rusak {bad}"})])
    assert post_meta(client, payload).status_code == 400
    update = fixture("telegram/message__text.json")
    update["message"]["text"] = f"Lampu mati {bad}"
    assert post_telegram(client, tg_account, update).status_code == 400
    assert not InboundEvent.objects.exists()
    assert refused("whatsapp", "unstorable_text") == 1
    assert refused("telegram", "unstorable_text") == 1


def test_refusals_show_in_metrics(client, wa_account, settings):
    settings.ADUAN_METRICS_TOKEN = "scrape"
    post_meta(client, with_messages([message(n) for n in range(200)]))
    text = client.get("/metrics", headers={"Authorization": "Bearer scrape"}).content.decode()
    assert 'aduan_refused_inputs_total{source="whatsapp",reason="too_many_messages"} 1' in text
