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


def process_at_once(event_ids) -> list[Exception]:
    """Process stored events in one thread each, all at once (two workers racing);
    returns what any of them raised."""
    import threading

    from aduan.channels.processing import process

    errors: list[Exception] = []

    def run(pk):
        try:
            process(pk)
        except Exception as exc:  # pragma: no cover - reported by the caller
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(pk,)) for pk in event_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return errors


def drain(timeout: float = 15.0) -> None:
    """Run queued jobs, including retries scheduled a little in the future."""
    from aduan.jobs.models import Job
    from aduan.worker import run_until_empty

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run_until_empty()
        if not Job.objects.filter(state=Job.State.READY).exists():
            return
        time.sleep(0.05)
    raise AssertionError("jobs still queued after timeout")


# --- officials on chat -------------------------------------------------------------------

RT03_CHAT = 2222222  # Bu Tini, Ketua RT 03/RW 05 Kemlayan, on Telegram
RT01_WA = "6281311112222"  # Pak Slamet, Ketua RT 01/RW 05 Kemlayan, on WhatsApp
CITIZEN_WA = "6281234567890"


@pytest.fixture
def city_channels(city, graph, telegram_api):
    """The demo city (personas, RT/RW) with the city's Telegram bot and WhatsApp number."""
    from django.core.cache import cache

    from aduan.channels.models import ChannelAccount

    cache.clear()  # wrong-code counters
    tg = ChannelAccount.objects.create(kind="telegram", account_id="123456", name="@AduanSoloBot",
                                       token=telegram_api.token, secret="s3cr3t-Token_1")
    wa = ChannelAccount.objects.create(kind="whatsapp", account_id="106540352242922",
                                       token=graph.token,
                                       settings={"template_name": "aduan_update"})
    return tg, wa


_counter = iter(range(30000, 10**9))


def tg_update(text: str = "", *, chat: int = RT03_CHAT, photo: bool = False) -> dict:
    """A Telegram update from an official, in the Bot API's documented shape."""
    name = "message__official_photo_caption" if photo else "message__official_command"
    update = fixture(f"telegram/{name}.json")
    n = next(_counter)
    update["update_id"], update["message"]["message_id"] = n, n
    update["message"]["chat"]["id"] = update["message"]["from"]["id"] = chat
    update["message"]["caption" if photo else "text"] = text
    return update


def wa_message(text: str = "", *, sender: str = RT01_WA, photo: bool = False) -> dict:
    """A WhatsApp Cloud API webhook from an official (text, or image with caption)."""
    name = "messages__official_image_caption" if photo else "messages__official_text"
    payload = fixture(f"whatsapp/{name}.json")
    value = payload["entry"][0]["changes"][0]["value"]
    message = value["messages"][0]
    message["id"] = f"wamid.OFFICIAL{next(_counter)}"
    message["from"] = value["contacts"][0]["wa_id"] = sender
    if photo:
        message["image"]["caption"] = text
    else:
        message["text"]["body"] = text
    return payload


def citizen_complaint(client, unit_code: str = "rt-33-72-02-1007-05-03"):
    """A citizen writes on WhatsApp; the triage team gives it to a unit."""
    from django.contrib.auth import get_user_model

    from aduan.complaints import actions
    from aduan.complaints.models import Complaint
    from aduan.org.models import Unit

    post_meta(client, fixture("whatsapp/messages__text.json"))
    drain()
    complaint = Complaint.objects.get(reporter__handle=CITIZEN_WA)
    tim = get_user_model().objects.get(username="tim")
    return actions.assign(complaint, Unit.objects.get(code=unit_code), tim, "Mohon ditangani.")
