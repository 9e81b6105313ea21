"""/webhooks/meta: handshake, signature first, malformed 400, unknown objects 200, 5xx only
when the event cannot be stored."""

from unittest import mock

import pytest
from django.db import OperationalError

from aduan.channels.meta.tests.helpers import VERIFY_TOKEN, post_meta
from aduan.channels.models import InboundEvent, OutboxMessage
from aduan.channels.tests.helpers import fixture
from aduan.complaints.models import Complaint

# The worker closes connections between jobs: run every test on committed data.
pytestmark = pytest.mark.django_db(transaction=True)

TEXT = fixture("whatsapp/messages__text.json")


def test_handshake_answers_the_challenge(client, graph):
    query = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN,
             "hub.challenge": "1158201444"}
    response = client.get("/webhooks/meta", query)
    assert response.status_code == 200 and response.content == b"1158201444"
    assert client.get("/webhooks/meta", {**query, "hub.verify_token": "x"}).status_code == 403
    assert client.get("/webhooks/meta").status_code == 400


def test_missing_signature_401_wrong_403_store_nothing(client, wa_account):
    assert post_meta(client, TEXT, secret=None).status_code == 401
    assert post_meta(client, TEXT, secret="another-secret").status_code == 403
    assert post_meta(client, TEXT, signature="sha256=deadbeef").status_code == 403
    assert post_meta(client, TEXT, signature="garbage").status_code == 403
    assert InboundEvent.objects.count() == 0 and Complaint.objects.count() == 0


def test_signature_is_checked_before_parsing(client, wa_account):
    assert post_meta(client, b"{broken", secret=None).status_code == 401
    assert post_meta(client, b"{broken", secret="wrong").status_code == 403
    assert post_meta(client, b"{broken").status_code == 400


def test_malformed_bodies_are_400(client, wa_account):
    for body in [b"", b"[]", b"{\"entry\": []}", b"\xff\xfe\x00", b"{\"object\": 5}",
                 b"{\"object\": \"whatsapp_business_account\", \"entry\": 7}",
                 b"{\"object\": \"page\", \"entry\": [{\"messaging\": 1}]}"]:
        assert post_meta(client, body).status_code == 400, body
    assert InboundEvent.objects.count() == 0


def test_unknown_object_is_acknowledged_and_ignored(client, wa_account):
    payload = {"object": "permissions", "entry": [{"id": "1", "changes": []}]}
    assert post_meta(client, payload).status_code == 200
    assert InboundEvent.objects.count() == 0


def test_database_down_answers_503_so_meta_retries(client, wa_account):
    with mock.patch("aduan.channels.eventrows.insert_round",
                    side_effect=OperationalError("database is locked")):
        assert post_meta(client, TEXT).status_code == 503
    assert InboundEvent.objects.count() == 0
    assert post_meta(client, TEXT).status_code == 200  # the provider's retry is stored
    assert InboundEvent.objects.count() == 1


def test_views_are_csrf_exempt(wa_account):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert post_meta(strict, TEXT).status_code == 200
    assert OutboxMessage.objects.count() == 0  # nothing sent before the job runs
