"""Fuzzed bodies with the right secret token on /webhooks/telegram: 200 or 400, never 5xx
(see tests/fuzz.py)."""

import pytest
from hypothesis import given

from aduan.channels.telegram.tests.helpers import post_telegram
from aduan.channels.tests.fuzz import FUZZ, encode, fuzz_round, mutated
from aduan.channels.tests.helpers import fixture

pytestmark = pytest.mark.django_db


def test_telegram(client, tg_account):
    @FUZZ
    @given(mutated(fixture("telegram/message__text.json")))
    def run(body):
        fuzz_round(lambda: post_telegram(client, tg_account, encode(body)).status_code)

    run()
