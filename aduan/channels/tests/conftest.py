"""The test-only "plain" channel (tests/plain/) for the generic tests: registered in the
channel registry for the test, with its fake provider and accounts."""

import pytest

from .plain.deliver import plain_account_for
from .plain.fake_api import FakePlain

PLAIN_KINDS = ("plain", "plain2")  # two kinds for "one person on two channels"


@pytest.fixture
def plain_channel(monkeypatch):
    """Register "plain" and "plain2" as channel kinds (ChannelAccount.kind has choices in
    forms and admin, but no database constraint)."""
    from aduan.channels import registry

    for kind in PLAIN_KINDS:
        monkeypatch.setitem(registry.CHANNELS, kind,
                            registry.Channel(kind, "aduan.channels.tests.plain"))
    monkeypatch.setattr(registry, "CHAT_KINDS", set(registry.CHAT_KINDS) | set(PLAIN_KINDS))


@pytest.fixture
def plain_api():
    fake = FakePlain().start()
    yield fake
    fake.stop()


@pytest.fixture
def plain_account(surakarta, plain_channel, plain_api):
    return plain_account_for(plain_api)
