"""Fuzzed, correctly signed bodies on /webhooks/meta (WhatsApp, Instagram, Messenger): 200 or
400, never 5xx (see tests/fuzz.py)."""

import pytest
from hypothesis import given

from aduan.channels.meta.tests.helpers import post_meta
from aduan.channels.models import ChannelAccount
from aduan.channels.tests.fuzz import FUZZ, encode, fuzz_round, mutated
from aduan.channels.tests.helpers import fixture

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind,name,account_id", [
    ("whatsapp", "whatsapp/messages__text.json", "106540352242922"),
    ("instagram", "instagram/messages__text.json", None),
    ("facebook", "facebook/messages__text.json", None),
])
def test_meta_channels(client, surakarta, graph, kind, name, account_id):
    payload = fixture(name)
    ChannelAccount.objects.create(kind=kind, token=graph.token,
                                  account_id=account_id or payload["entry"][0]["id"])

    @FUZZ
    @given(mutated(payload))
    def run(body):
        fuzz_round(lambda: post_meta(client, encode(body)).status_code)

    run()
