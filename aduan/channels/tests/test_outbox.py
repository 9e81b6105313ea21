"""The outbox: retries on 5xx/429/timeouts with backoff, parks other 4xx, sends once.
Driven through the test-only "plain" channel (tests/plain/); provider rules live in each
channel's own tests (e.g. whatsapp/tests/test_outbox.py, telegram/tests/test_errors.py)."""

import pytest

from aduan.channels import outbox
from aduan.channels.models import OutboxMessage
from aduan.channels.tests.helpers import drain
from aduan.complaints.models import Complaint

from .plain.deliver import message, receive

# The worker closes connections between jobs: run every test on committed data.
pytestmark = pytest.mark.django_db(transaction=True)

COMPLAINT = "Jalan di depan pasar Kemlayan berlubang besar, bahaya untuk motor"


def first_message(account) -> OutboxMessage:
    """A citizen's first message: one complaint, one acknowledgement queued and run."""
    receive(account, message(COMPLAINT))
    drain()
    return OutboxMessage.objects.get()


def test_backoff_is_exponential_and_starts_within_two_seconds(monkeypatch):
    monkeypatch.setattr(outbox, "BACKOFF_START", 1.0)
    assert [outbox.backoff(n) for n in range(1, 6)] == [1, 2, 4, 8, 16]
    assert outbox.backoff(1, retry_after=30) == 30
    assert outbox.MAX_ATTEMPTS - 1 >= 5


def test_server_error_then_success_sends_once(plain_account, plain_api):
    plain_api.fail("/send", 500, 503)
    row = first_message(plain_account)
    assert row.status == "sent" and row.attempts == 3
    assert len(plain_api.sent("/send")) == 3  # two refused, one accepted
    assert row.provider_message_id == "out-3"


def test_rate_limited_then_success(plain_account, plain_api):
    plain_api.fail("/send", 429)
    row = first_message(plain_account)
    assert row.status == "sent" and row.attempts == 2


def test_client_error_parks_without_retry(plain_account, plain_api):
    plain_api.fail("/send", 400, payload={"error": {
        "message": "Recipient not in allowed list", "code": 4001}})
    row = first_message(plain_account)
    assert row.status == "parked" and row.attempts == 1
    assert "4001" in row.last_error and plain_api.token not in row.last_error


def test_persistent_failure_parks_after_the_last_retry(plain_account, plain_api):
    plain_api.fail("/send", *([500] * 10))
    row = first_message(plain_account)
    assert row.status == "parked" and row.attempts == outbox.MAX_ATTEMPTS


def test_staff_retry_of_a_parked_message(client, plain_account, plain_api):
    from django.contrib.auth import get_user_model

    from conftest import passed_second_factor

    plain_api.fail("/send", 400)
    row = first_message(plain_account)
    assert row.status == "parked"
    admin = get_user_model().objects.create_superuser("root", "r@example.org", "pw")
    client.force_login(admin)
    passed_second_factor(client, admin)  # admins must use a second factor
    page = client.get("/petugas/kanal/gagal/")
    assert page.status_code == 200 and Complaint.objects.get().ref in page.content.decode()
    assert client.post(f"/petugas/kanal/gagal/{row.pk}/kirim-ulang/").status_code == 302
    drain()
    row.refresh_from_db()
    assert row.status == "sent"
    assert plain_api.texts() and plain_api.texts()[-1] == row.payload["text"]


def test_parked_page_needs_the_team(client, surakarta):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("warga", password="pw")
    client.force_login(user)
    assert client.get("/petugas/kanal/gagal/").status_code == 403


def test_claim_is_conditional_so_two_workers_send_once(plain_account, plain_api):
    row = OutboxMessage.objects.create(account=plain_account, key="test:1", recipient="warga-1",
                                       payload={"to": "warga-1", "text": "halo"})
    assert outbox.deliver(row.pk) == "sent"
    assert outbox.deliver(row.pk) == "skipped"
    assert plain_api.texts() == ["halo"]


def test_stuck_sending_rows_are_parked_not_resent(plain_account, plain_api):
    from datetime import timedelta

    from django.utils import timezone

    row = OutboxMessage.objects.create(
        account=plain_account, key="test:2", recipient="warga-1",
        payload={"to": "warga-1", "text": "halo"},
        status="sending", claimed_at=timezone.now() - timedelta(minutes=10))
    outbox.sweep()
    row.refresh_from_db()
    assert row.status == "parked" and plain_api.sent() == []


def test_a_complaint_merged_at_intake_gets_one_message_naming_the_survivor(plain_account,
                                                                          plain_api):
    """Two citizens report the same thing: the second is merged as it arrives, and its one
    acknowledgement says so (not an acknowledgement and a merge notice a second apart)."""
    text = ("Jalan berlubang besar di depan SD Semanggi Pasar Kliwon, motor sering jatuh "
            "kalau malam")
    receive(plain_account, message(text, sender="warga-1"))
    drain()
    receive(plain_account, message(text, sender="warga-2"))
    drain()
    first, second = Complaint.objects.order_by("pk")
    assert second.duplicate_of_id == first.pk  # merged at intake
    (only,) = plain_api.texts(to="warga-2")
    assert second.ref in only and first.ref in only and "gabungkan" in only
    assert second.tracking_url() in only
    assert len(plain_api.texts(to="warga-1")) == 1  # the survivor's citizen hears nothing new
