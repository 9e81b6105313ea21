"""Channel tests: the city, fake providers on 127.0.0.1, accounts, signed deliveries."""

import json
import time
from pathlib import Path

import pytest

from aduan.channels.meta.signature import sign
from aduan.channels.tests.fakes import FakeGraph, FakeTelegram

APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"


@pytest.fixture
def surakarta(db):
    from aduan.complaints.seed import seed_city_organisation
    from aduan.regions.loader import seed_city

    seed_city("33.72")
    seed_city_organisation("33.72")


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
    fake = FakeTelegram(token="123456:ABC-DEF").start()
    settings.TELEGRAM_API_URL = fake.url
    yield fake
    fake.stop()


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch, settings):
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # whitenoise warns otherwise
    from aduan.channels import outbox, processing

    monkeypatch.setattr(outbox, "BACKOFF_START", 0.05)
    monkeypatch.setattr(processing, "DOWNLOAD_ATTEMPTS", 3)


@pytest.fixture
def wa_account(surakarta, graph):
    from aduan.channels.models import ChannelAccount

    return ChannelAccount.objects.create(kind="whatsapp", account_id="106540352242922",
                                         token=graph.token)


@pytest.fixture
def tg_account(surakarta, telegram_api):
    from aduan.channels.models import ChannelAccount

    return ChannelAccount.objects.create(kind="telegram", account_id="123456",
                                         token=telegram_api.token, secret="s3cr3t-Token_1")


def fixture(name: str) -> dict:
    folder, _, _ = name.partition("/")
    path = Path(__file__).resolve().parent.parent / folder / "fixtures" / name.split("/")[1]
    return json.loads(path.read_text())


def post_meta(client, payload, *, secret=APP_SECRET, signature=None):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {}
    if signature is None and secret is not None:
        signature = sign(body, secret)
    if signature is not None:
        headers["HTTP_X_HUB_SIGNATURE_256"] = signature
    return client.post("/webhooks/meta", data=body, content_type="application/json", **headers)


def post_telegram(client, account, payload, *, secret="s3cr3t-Token_1"):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {} if secret is None else {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": secret}
    return client.post(f"/webhooks/telegram/{account.pk}", data=body,
                       content_type="application/json", **headers)


def drain(timeout: float = 15.0) -> None:
    """Run queued jobs, including retries scheduled a little in the future."""
    from django_tasks_db.models import DBTaskResult

    from aduan.worker import run_until_empty

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run_until_empty()
        if not DBTaskResult.objects.filter(status="READY").exists():
            return
        time.sleep(0.05)
    raise AssertionError("jobs still queued after timeout")
