"""Delivery statuses the provider reports on what we sent (inbound.apply_status): they only
move forward (sent, delivered, read), and a failure goes through the provider's error table;
without one the row stays failed for staff and nothing is sent again. Driven through the
test-only "plain" channel (its statuses in the delivery, see tests/plain/parse.py)."""

import pytest

from aduan.channels.models import OutboxMessage
from aduan.channels.tests.helpers import drain

from .plain.deliver import message, receive

# The worker closes connections between jobs: run every test on committed data.
pytestmark = pytest.mark.django_db(transaction=True)


def acknowledged(account) -> OutboxMessage:
    receive(account, message("Jalan di depan pasar Kemlayan berlubang besar"))
    drain()
    row = OutboxMessage.objects.get()
    assert row.status == "sent" and row.provider_message_id
    return row


def status(row, name: str, **extra) -> dict:
    return {"id": row.provider_message_id, "status": name, **extra}


def test_statuses_only_move_forward(plain_account, plain_api):
    row = acknowledged(plain_account)
    receive(plain_account, statuses=(status(row, "read"),))
    receive(plain_account, statuses=(status(row, "delivered"),))  # late, out of order
    row.refresh_from_db()
    assert row.delivery_status == "read"


def test_a_failure_without_an_error_table_stays_failed_for_staff(plain_account, plain_api):
    row = acknowledged(plain_account)
    receive(plain_account, statuses=(status(row, "failed", code=4001, error="not delivered"),))
    receive(plain_account, statuses=(status(row, "failed", code=4001, error="not delivered"),))
    drain()
    row.refresh_from_db()
    assert (row.status, row.delivery_status) == ("failed", "failed")
    assert "not delivered" in row.last_error
    assert len(plain_api.sent("/send")) == 1  # not sent again
