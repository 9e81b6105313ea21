"""Signed but hostile payloads get 400, never 500 (found by a review)."""

import json

import pytest

from aduan.channels.models import InboundEvent

from .conftest import fixture, post_meta, post_telegram

pytestmark = pytest.mark.django_db


def test_lone_surrogate_in_an_id_is_400(wa_account, client):
    payload = fixture("whatsapp/messages__text.json")
    raw = json.dumps(payload).replace('"wamid.', '"\\ud800wamid.', 1).encode()
    assert b"\\ud800" in raw
    assert post_meta(client, raw).status_code == 400
    assert not InboundEvent.objects.exists()


def test_deep_nesting_is_400(wa_account, tg_account, client):
    body = b"[" * 100000 + b"]" * 100000
    assert post_meta(client, body).status_code == 400
    assert post_telegram(client, tg_account, body).status_code == 400


def test_absurd_telegram_date_is_400(tg_account, client):
    payload = fixture("telegram/message__text.json")
    payload["message"]["date"] = 10**30
    assert post_telegram(client, tg_account, payload).status_code == 400
    assert not InboundEvent.objects.exists()
