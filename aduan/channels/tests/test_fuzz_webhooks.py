"""Fuzzed, correctly signed webhook bodies for every channel (issue 11 item 2): each gets
200 or 400, never 5xx; whatever is stored is processed without error; whatever is refused
is counted (guard.Refusal, shown in /metrics)."""

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aduan.channels.email.poll import take
from aduan.channels.models import ChannelAccount, InboundEvent
from aduan.guard.models import Refusal

from .conftest import drain, fixture, post_meta, post_telegram

pytestmark = pytest.mark.django_db
EXAMPLES = 25

HOSTILE = st.one_of(
    st.sampled_from(["\ud800", "a\x00b", "x" * 20000, "", " ", "9" * 400, "null"]),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(), st.booleans(),
    st.lists(st.integers(), max_size=3),
    st.recursive(st.just(1), lambda inner: st.lists(inner, max_size=2), max_leaves=40),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
    st.text(max_size=50),
)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, (*prefix, i))


@st.composite
def mutated(draw, payload: dict):
    """The fixture with one to three of its values (or containers) replaced."""
    body = copy.deepcopy(payload)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(body) if p]
        path = draw(st.sampled_from(paths))
        target = body
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = draw(HOSTILE)
    return body


def encode(body) -> bytes:
    # ensure_ascii keeps lone surrogates as \ud800 escapes, as a hostile sender would
    return json.dumps(body, allow_nan=True).encode()


def check_round(response_status: int, before: int, refused_before: int) -> None:
    assert response_status in (200, 400), response_status
    drain()
    new = InboundEvent.objects.filter(pk__gt=before)
    for event in new:
        event.refresh_from_db()
        assert event.processed_at is not None and event.error == "", (event.pk, event.error)
    if response_status == 400:
        total = sum(Refusal.objects.values_list("count", flat=True))
        assert total > refused_before  # what is refused is recorded


def _round(post):
    before = InboundEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    refused_before = sum(Refusal.objects.values_list("count", flat=True))
    check_round(post(), before, refused_before)


FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=list(HealthCheck))


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
        _round(lambda: post_meta(client, encode(body)).status_code)

    run()


def test_telegram(client, tg_account):
    @FUZZ
    @given(mutated(fixture("telegram/message__text.json")))
    def run(body):
        _round(lambda: post_telegram(client, tg_account, encode(body)).status_code)

    run()


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

        _round(post)

    run()
