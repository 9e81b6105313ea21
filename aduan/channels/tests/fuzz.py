"""Fuzzing correctly signed webhook bodies (issue 11 item 2): each gets 200 or 400, never
5xx; whatever is stored is processed without error; whatever is refused is counted
(guard.Refusal, shown in /metrics). Each channel's tests/test_fuzz.py feeds its fixtures
through `mutated` and `_round`."""

import copy
import json

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from aduan.channels.models import InboundEvent
from aduan.channels.tests.helpers import drain
from aduan.guard.models import Refusal

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


def fuzz_round(post):
    before = InboundEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    refused_before = sum(Refusal.objects.values_list("count", flat=True))
    check_round(post(), before, refused_before)


FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=list(HealthCheck))
