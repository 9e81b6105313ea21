"""Signed but hostile bodies on /webhooks/meta get 400, never 500 (found by a review)."""

import json

import pytest

from aduan.channels.meta.tests.helpers import post_meta
from aduan.channels.models import ChannelAccount, InboundEvent
from aduan.channels.tests.helpers import fixture
from aduan.guard.models import Refusal

pytestmark = pytest.mark.django_db


def test_lone_surrogate_in_an_id_is_400(wa_account, client):
    payload = fixture("whatsapp/messages__text.json")
    raw = json.dumps(payload).replace('"wamid.', '"\\ud800wamid.', 1).encode()
    assert b"\\ud800" in raw
    assert post_meta(client, raw).status_code == 400
    assert not InboundEvent.objects.exists()


def test_deep_nesting_is_400(wa_account, client):
    body = b"[" * 100000 + b"]" * 100000
    assert post_meta(client, body).status_code == 400


@pytest.mark.parametrize("bad", ["\ud800", "a\x00b"])
def test_unstorable_text_in_a_message_is_400(client, wa_account, bad):
    payload = fixture("whatsapp/messages__text.json")
    payload["entry"][0]["changes"][0]["value"]["messages"][0]["text"]["body"] = f"Jalan {bad}"
    assert post_meta(client, payload).status_code == 400
    assert not InboundEvent.objects.exists()
    assert Refusal.objects.get(source="whatsapp", reason="unstorable_text").count == 1


def test_unknown_phone_number_id_is_ignored_and_counted(client, surakarta, graph):
    payload = fixture("whatsapp/messages__text.json")
    payload["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = "999999999"
    assert post_meta(client, payload).status_code == 200  # deliberately ignored
    assert not ChannelAccount.objects.exists() and not InboundEvent.objects.exists()
    assert Refusal.objects.get(source="whatsapp", reason="unknown_account").count == 1
