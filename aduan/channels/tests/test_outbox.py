"""The outbox: retries on 5xx/429/timeouts with backoff, parks other 4xx, sends once."""

import threading

import pytest

from aduan.channels import outbox
from aduan.channels.models import OutboxMessage
from aduan.complaints.models import Complaint

from .conftest import drain, fixture, post_meta, post_telegram

# The worker closes connections between jobs: run every test on committed data.
pytestmark = pytest.mark.django_db(transaction=True)

TEXT = fixture("whatsapp/messages__text.json")


def test_backoff_is_exponential_and_starts_within_two_seconds(monkeypatch):
    monkeypatch.setattr(outbox, "BACKOFF_START", 1.0)
    assert [outbox.backoff(n) for n in range(1, 6)] == [1, 2, 4, 8, 16]
    assert outbox.backoff(1, retry_after=30) == 30
    assert outbox.MAX_ATTEMPTS - 1 >= 5


def test_server_error_then_success_sends_once(client, wa_account, graph):
    graph.fail("/messages", 500, 503)
    post_meta(client, TEXT)
    drain()
    row = OutboxMessage.objects.get()
    assert row.status == "sent" and row.attempts == 3
    assert len(graph.sent("/messages")) == 3  # two refused, one accepted


def test_rate_limited_then_success(client, tg_account, telegram_api):
    telegram_api.fail("/sendMessage", 429)
    post_telegram(client, tg_account, fixture("telegram/message__text.json"))
    drain()
    assert OutboxMessage.objects.get().status == "sent"


def test_client_error_parks_without_retry(client, wa_account, graph):
    graph.fail("/messages", 400, payload={"error": {
        "message": "(#131030) Recipient phone number not in allowed list",
        "type": "OAuthException", "code": 131030}})
    post_meta(client, TEXT)
    drain()
    row = OutboxMessage.objects.get()
    assert row.status == "parked" and row.attempts == 1
    assert "131030" in row.last_error and graph.token not in row.last_error


def test_persistent_failure_parks_after_the_last_retry(client, wa_account, graph):
    graph.fail("/messages", *([500] * 10))
    post_meta(client, TEXT)
    drain()
    row = OutboxMessage.objects.get()
    assert row.status == "parked" and row.attempts == outbox.MAX_ATTEMPTS


def test_staff_retry_of_a_parked_message(client, wa_account, graph, surakarta):
    from django.contrib.auth import get_user_model

    graph.fail("/messages", 400)
    post_meta(client, TEXT)
    drain()
    row = OutboxMessage.objects.get()
    from conftest import passed_second_factor

    admin = get_user_model().objects.create_superuser("root", "r@example.org", "pw")
    client.force_login(admin)
    passed_second_factor(client, admin)  # admins must use a second factor
    page = client.get("/petugas/kanal/gagal/")
    assert page.status_code == 200 and Complaint.objects.get().ref in page.content.decode()
    assert client.post(f"/petugas/kanal/gagal/{row.pk}/kirim-ulang/").status_code == 302
    drain()
    row.refresh_from_db()
    assert row.status == "sent"


def test_parked_page_needs_the_team(client, surakarta):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("warga", password="pw")
    client.force_login(user)
    assert client.get("/petugas/kanal/gagal/").status_code == 403


def test_outside_24_hours_whatsapp_uses_the_template(client, wa_account, graph):
    from datetime import timedelta

    from django.utils import timezone

    from aduan.channels.models import InboundEvent
    from aduan.complaints import actions

    wa_account.settings = {"template_name": "aduan_update", "template_language": "id"}
    wa_account.save()
    post_meta(client, TEXT)
    drain()
    InboundEvent.objects.update(received_at=timezone.now() - timedelta(hours=25))
    complaint = Complaint.objects.get()
    actions.record(complaint, "reply", "Petugas", note="Sudah kami cek.", public=True)
    drain()
    body = graph.sent("/messages")[-1].json()
    assert body["type"] == "template"
    assert body["template"]["name"] == "aduan_update"
    assert body["template"]["language"] == {"code": "id"}
    assert "Sudah kami cek." in body["template"]["components"][0]["parameters"][0]["text"]


def test_claim_is_conditional_so_two_workers_send_once(wa_account, graph):
    row = OutboxMessage.objects.create(
        account=wa_account, key="test:1", recipient="6281",
        payload={"path": f"{wa_account.account_id}/messages", "body": {
            "messaging_product": "whatsapp", "to": "6281", "type": "text",
            "text": {"body": "halo"}}})
    assert outbox.deliver(row.pk) == "sent"
    assert outbox.deliver(row.pk) == "skipped"
    assert len(graph.sent()) == 1


def test_stuck_sending_rows_are_parked_not_resent(wa_account, graph):
    from datetime import timedelta

    from django.utils import timezone

    row = OutboxMessage.objects.create(
        account=wa_account, key="test:2", recipient="6281", payload={"path": "x", "body": {}},
        status="sending", claimed_at=timezone.now() - timedelta(minutes=10))
    outbox.sweep()
    row.refresh_from_db()
    assert row.status == "parked" and graph.sent() == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_yield_one_complaint(wa_account, graph, live_server):
    import json
    import urllib.request

    from aduan.channels.meta.signature import sign

    from .conftest import APP_SECRET

    body = json.dumps(TEXT).encode()
    codes = []

    def deliver():
        req = urllib.request.Request(
            live_server.url + "/webhooks/meta", data=body, method="POST",
            headers={"Content-Type": "application/json",
                     "X-Hub-Signature-256": sign(body, APP_SECRET)})
        with urllib.request.urlopen(req, timeout=30) as resp:
            codes.append(resp.status)

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes == [200] * 8
    drain()
    assert Complaint.objects.count() == 1
    assert len(graph.sent("/messages")) == 1
