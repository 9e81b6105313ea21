"""Hostile bodies with the right secret token get 400, never 500 (found by a review)."""

import pytest

from aduan.channels.models import InboundEvent
from aduan.channels.telegram.tests.helpers import post_telegram
from aduan.channels.tests.helpers import fixture
from aduan.guard.models import Refusal

pytestmark = pytest.mark.django_db


def test_deep_nesting_is_400(tg_account, client):
    body = b"[" * 100000 + b"]" * 100000
    assert post_telegram(client, tg_account, body).status_code == 400


def test_absurd_telegram_date_is_400(tg_account, client):
    payload = fixture("telegram/message__text.json")
    payload["message"]["date"] = 10**30
    assert post_telegram(client, tg_account, payload).status_code == 400
    assert not InboundEvent.objects.exists()


@pytest.mark.parametrize("bad", ["\ud800", "a\x00b"])
def test_unstorable_text_in_a_message_is_400(client, tg_account, bad):
    update = fixture("telegram/message__text.json")
    update["message"]["text"] = f"Lampu mati {bad}"
    assert post_telegram(client, tg_account, update).status_code == 400
    assert not InboundEvent.objects.exists()
    assert Refusal.objects.get(source="telegram", reason="unstorable_text").count == 1
