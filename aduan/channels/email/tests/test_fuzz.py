"""Fuzzed raw mails taken from the mailbox: stored and processed, or refused and counted,
never an error (see tests/fuzz.py)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aduan.channels.email.poll import take
from aduan.channels.models import ChannelAccount
from aduan.channels.tests.fuzz import FUZZ, fuzz_round
from aduan.guard.models import Refusal

pytestmark = pytest.mark.django_db


MAIL = (b"From: Warga <warga@example.id>\r\nTo: aduan@surakarta.go.id\r\n"
        b"Subject: Lampu jalan mati\r\nMessage-ID: <m1@example.id>\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nLampu di Jl. Slamet Riyadi mati.\r\n")


def test_email(surakarta):
    account = ChannelAccount.objects.create(kind="email", account_id="aduan@surakarta.go.id",
                                            token="imap://u:p@127.0.0.1:1/INBOX")

    @FUZZ
    @given(st.binary(max_size=200), st.integers(0, len(MAIL)))
    def run(noise, at):
        raw = MAIL[:at] + noise + MAIL[at:]

        def post():
            refused = sum(Refusal.objects.values_list("count", flat=True))
            stored = take(account, raw)
            now_refused = sum(Refusal.objects.values_list("count", flat=True))
            return 400 if now_refused > refused and not stored else 200

        fuzz_round(post)

    run()
