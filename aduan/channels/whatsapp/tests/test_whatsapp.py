"""WhatsApp end to end: signed webhook → complaint → acknowledgement via a fake Graph API."""

import copy

import pytest

from aduan.channels.meta.tests.helpers import post_meta
from aduan.channels.models import InboundEvent, OutboxMessage
from aduan.channels.tests.helpers import drain, fixture
from aduan.complaints.models import Complaint

# The worker closes connections between jobs: run every test on committed data.
pytestmark = pytest.mark.django_db(transaction=True)

TEXT = fixture("whatsapp/messages__text.json")


def test_text_message_opens_complaint_and_acknowledges(client, wa_account, graph):
    assert post_meta(client, TEXT).status_code == 200
    drain()
    complaint = Complaint.objects.get()
    assert complaint.channel == "whatsapp" and complaint.channel_account_id == wa_account.pk
    assert complaint.reporter.name == "Sheena Nelson"
    assert complaint.reporter.phone == "6281234567890"
    sent = graph.sent("/v23.0/106540352242922/messages")
    assert len(sent) == 1
    body = sent[0].json()
    assert body["to"] == "6281234567890" and body["type"] == "text"
    assert complaint.ref in body["text"]["body"]
    assert complaint.tracking_url() in body["text"]["body"]
    assert sent[0].headers["Authorization"] == f"Bearer {graph.token}"
    row = OutboxMessage.objects.get()
    assert row.status == "sent" and row.provider_message_id.startswith("wamid.OUT")


def test_repeated_delivery_yields_one_complaint_and_one_acknowledgement(client, wa_account,
                                                                         graph):
    for _ in range(3):
        assert post_meta(client, TEXT).status_code == 200
    drain()
    assert post_meta(client, TEXT).status_code == 200
    drain()
    assert Complaint.objects.count() == 1
    assert InboundEvent.objects.count() == 1
    assert len(graph.sent("/messages")) == 1


def test_second_message_joins_open_complaint_with_photo(client, wa_account, graph):
    post_meta(client, TEXT)
    drain()
    assert post_meta(client, fixture("whatsapp/messages__image.json")).status_code == 200
    drain()
    complaint = Complaint.objects.get()
    assert complaint.photos.filter(tag="before", by_citizen=True).count() == 1
    assert complaint.events.filter(kind="citizen_message").count() == 1
    gets = [r for r in graph.requests if r.method == "GET"]
    assert gets[0].path == "/v23.0/1003383421387256"
    assert gets[1].path.startswith("/media-bytes/")
    assert all(r.headers["Authorization"] == f"Bearer {graph.token}" for r in gets)
    assert len(graph.sent("/messages")) == 1  # no new reference for a joined message


def test_photo_first_message_opens_complaint_with_before_photo(client, wa_account, graph):
    post_meta(client, fixture("whatsapp/messages__image.json"))
    drain()
    complaint = Complaint.objects.get()
    assert complaint.text == "Ini fotonya"
    assert complaint.photos.filter(tag="before").count() == 1


def test_location_message_places_the_complaint(client, wa_account, graph):
    post_meta(client, TEXT)
    drain()
    post_meta(client, fixture("whatsapp/messages__location.json"))
    drain()
    complaint = Complaint.objects.get()
    assert (complaint.lat, complaint.lng) == (-7.5717, 110.8233)


def test_media_download_retries_a_server_error(client, wa_account, graph):
    graph.fail("/v23.0/1003383421387256", 500)
    post_meta(client, fixture("whatsapp/messages__image.json"))
    drain()
    assert Complaint.objects.get().photos.count() == 1


def test_delivery_statuses_apply_to_the_outbox(client, wa_account, graph):
    post_meta(client, TEXT)
    drain()
    row = OutboxMessage.objects.get()
    status = copy.deepcopy(fixture("whatsapp/statuses__delivered.json"))
    status["entry"][0]["changes"][0]["value"]["statuses"][0]["id"] = row.provider_message_id
    assert post_meta(client, status).status_code == 200
    row.refresh_from_db()
    assert row.delivery_status == "delivered"
    status["entry"][0]["changes"][0]["value"]["statuses"][0]["status"] = "sent"
    post_meta(client, status)  # late "sent" never moves it back
    row.refresh_from_db()
    assert row.delivery_status == "delivered"
    failed = copy.deepcopy(fixture("whatsapp/statuses__failed.json"))
    failed["entry"][0]["changes"][0]["value"]["statuses"][0]["id"] = row.provider_message_id
    post_meta(client, failed)
    row.refresh_from_db()
    assert row.status == "failed" and "131047" in row.last_error
    assert InboundEvent.objects.count() == 1  # statuses are applied, not stored


@pytest.mark.parametrize("name", ["account_update__ignored", "messages__unsupported_ignored"])
def test_ignored_events_answer_200_and_store_nothing(client, wa_account, graph, name):
    assert post_meta(client, fixture(f"whatsapp/{name}.json")).status_code == 200
    assert InboundEvent.objects.count() == 0


def test_unknown_account_is_refused_recorded_and_answered_200(client, surakarta, graph):
    """Accounts are registered by staff, never by a payload (issue 11): the event is
    deliberately ignored (200, per the channel contract), logged and counted."""
    from aduan.channels.models import ChannelAccount
    from aduan.guard.models import Refusal

    assert post_meta(client, TEXT).status_code == 200
    drain()
    assert not ChannelAccount.objects.exists()
    assert not InboundEvent.objects.exists() and not Complaint.objects.exists()
    assert Refusal.objects.get(source="whatsapp", reason="unknown_account").count == 1
    assert graph.sent() == []


def test_message_without_its_type_object_is_malformed(client, wa_account):
    bad = copy.deepcopy(TEXT)
    del bad["entry"][0]["changes"][0]["value"]["messages"][0]["text"]
    assert post_meta(client, bad).status_code == 400
    assert InboundEvent.objects.count() == 0
