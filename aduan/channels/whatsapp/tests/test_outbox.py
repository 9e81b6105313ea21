"""The outbox on WhatsApp: outside the 24-hour window the approved template carries the text;
eight concurrent deliveries of one signed webhook make one complaint and one reply."""

import threading

import pytest

from aduan.channels.meta.tests.helpers import post_meta
from aduan.channels.tests.helpers import drain, fixture
from aduan.complaints.models import Complaint

# The worker closes connections between jobs: run every test on committed data.
pytestmark = pytest.mark.django_db(transaction=True)

TEXT = fixture("whatsapp/messages__text.json")


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


@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_yield_one_complaint(wa_account, graph, live_server):
    import json
    import urllib.request

    from aduan.channels.meta.signature import sign
    from aduan.channels.meta.tests.helpers import APP_SECRET

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


def test_the_message_being_answered_opens_the_window_without_a_query(
        wa_account, django_assert_num_queries):
    from datetime import timedelta

    from django.utils import timezone

    from aduan.channels.meta import graph
    from aduan.channels.types import ChatMessage

    def message(sender: str, ago: timedelta) -> ChatMessage:
        return ChatMessage(account_id=wa_account.account_id, provider_id="wamid.X",
                           sender=sender, text="Lampu mati", at=timezone.now() - ago)

    with django_assert_num_queries(0):
        elapsed = graph.window_elapsed(wa_account, "6281234567890",
                                       message("6281234567890", timedelta(minutes=2)))
    assert timedelta(minutes=1) < elapsed < timedelta(minutes=3)
    # Older than the window, or from someone else: what was stored decides (nothing here).
    with django_assert_num_queries(1):
        assert graph.window_elapsed(wa_account, "6281234567890",
                                    message("6281234567890", timedelta(days=2))) is None
    with django_assert_num_queries(1):
        assert graph.window_elapsed(wa_account, "6281234567890",
                                    message("6289999999999", timedelta(minutes=2))) is None
