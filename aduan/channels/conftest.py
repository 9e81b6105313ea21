"""Fixtures for every channel test under aduan/channels/.

Layout: each channel's tests live in its folder (`<kind>/tests/`), next to its fake
provider: `meta/tests/fake_graph.py` (Graph API: WhatsApp, Messenger, Instagram),
`telegram/tests/fake_bot_api.py`, `email/tests/fake_imap.py`. `tests/` holds the generic
machinery's tests, the generic fake-server plumbing (`tests/fake_server.py`), the helpers
(`tests/helpers.py`: fixture payloads, drain, process_at_once) and the test-only "plain"
channel (`tests/plain/`), so the generic tests name no real channel.

pytest hands a conftest's fixtures only to tests below it, so fixtures that several folders
use live here: the city, fast retries, and the Graph API and Bot API fakes with their
accounts (Graph serves whatsapp/, facebook/, instagram/ and meta/; the officials' tests in
tests/ use both fakes).
"""

from pathlib import Path

import pytest

from aduan.channels.meta.tests.fake_graph import FakeGraph
from aduan.channels.meta.tests.helpers import APP_SECRET, VERIFY_TOKEN
from aduan.channels.telegram.tests.fake_bot_api import FakeTelegram
from aduan.channels.telegram.tests.helpers import BOT_TOKEN, WEBHOOK_SECRET


@pytest.fixture
def surakarta(db):
    from aduan.complaints.seed import seed_city_organisation
    from aduan.regions.loader import seed_city

    seed_city("33.72")
    seed_city_organisation("33.72")


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch, settings):
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # whitenoise warns otherwise
    from aduan.channels import outbox, processing

    monkeypatch.setattr(outbox, "BACKOFF_START", 0.05)
    monkeypatch.setattr(processing, "DOWNLOAD_ATTEMPTS", 3)


@pytest.fixture
def graph(settings):
    fake = FakeGraph().start()
    settings.META_GRAPH_URL = fake.url + "/v23.0"
    settings.INSTAGRAM_GRAPH_URL = ""
    settings.META_APP_SECRET = APP_SECRET
    settings.META_VERIFY_TOKEN = VERIFY_TOKEN
    yield fake
    fake.stop()


@pytest.fixture
def telegram_api(settings):
    fake = FakeTelegram(token=BOT_TOKEN).start()
    settings.TELEGRAM_API_URL = fake.url
    yield fake
    fake.stop()


@pytest.fixture
def wa_account(surakarta, graph):
    from aduan.channels.models import ChannelAccount

    return ChannelAccount.objects.create(kind="whatsapp", account_id="106540352242922",
                                         token=graph.token)


@pytest.fixture
def tg_account(surakarta, telegram_api):
    from aduan.channels.models import ChannelAccount

    return ChannelAccount.objects.create(kind="telegram", account_id="123456",
                                         token=telegram_api.token, secret=WEBHOOK_SECRET)


@pytest.fixture
def city_channels(city, graph, telegram_api):
    """The demo city (personas, RT/RW) with the city's Telegram bot and WhatsApp number."""
    from django.core.cache import cache

    from aduan.channels.models import ChannelAccount

    cache.clear()  # wrong-code counters
    tg = ChannelAccount.objects.create(kind="telegram", account_id="123456", name="@AduanSoloBot",
                                       token=telegram_api.token, secret=WEBHOOK_SECRET)
    wa = ChannelAccount.objects.create(kind="whatsapp", account_id="106540352242922",
                                       token=graph.token,
                                       settings={"template_name": "aduan_update"})
    return tg, wa
