"""WhatsApp Cloud API errors (documented codes and bodies): throttling retried with Meta's
pacing, the closed window through the template, unreachable people and bad tokens told to
staff, failed delivery statuses."""

import pytest

from aduan.api.metrics import render
from aduan.channels import errors, outbox
from aduan.channels.http import Rejected
from aduan.channels.meta.tests.fake_graph import wa_error
from aduan.channels.meta.tests.helpers import post_meta
from aduan.channels.models import OutboxMessage
from aduan.channels.tests.helpers import drain, fixture
from aduan.complaints.models import Complaint

# The worker closes connections between jobs: run every test on committed data.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    monkeypatch.setattr(outbox, "BACKOFF_CAP", 0.05)  # the pacing itself is asserted below


def wa_first_message(client, graph, *codes, **error):
    for code in codes:
        graph.fail("/messages", *[wa_error(code, **error)[0]], payload=wa_error(code, **error)[1])
    post_meta(client, fixture("whatsapp/messages__text.json"))
    drain()
    return OutboxMessage.objects.get()


@pytest.mark.parametrize("code", [130429, 131056, 131000])
def test_whatsapp_throttling_is_retried_and_sent(client, wa_account, graph, code):
    row = wa_first_message(client, graph, code)
    assert row.status == "sent" and row.attempts == 2
    assert len(graph.sent("/messages")) == 2


def test_whatsapp_pacing_follows_the_table():
    for code, wait in ((130429, 10.0), (131056, 6.0), (4, 60.0)):
        verdict = errors.classify("whatsapp", Rejected("x", 400, None, code=code))
        assert (verdict.action, verdict.wait) == ("retry", wait)


def test_unknown_code_marked_transient_is_retried(client, wa_account, graph):
    graph.fail("/messages", 400, payload={"error": {"message": "(#999999) new", "code": 999999,
                                                    "is_transient": True}})
    post_meta(client, fixture("whatsapp/messages__text.json"))
    drain()
    assert OutboxMessage.objects.get().status == "sent"


def test_unknown_code_not_transient_is_parked(client, wa_account, graph):
    graph.fail("/messages", 400, payload={"error": {"message": "(#999999) new", "code": 999999,
                                                    "is_transient": False}})
    post_meta(client, fixture("whatsapp/messages__text.json"))
    drain()
    row = OutboxMessage.objects.get()
    assert row.status == "parked" and row.attempts == 1


def test_whatsapp_window_closed_switches_to_the_template(client, wa_account, graph):
    wa_account.settings = {"template_name": "aduan_update", "template_language": "id"}
    wa_account.save()
    row = wa_first_message(client, graph, 131047)
    sent = graph.sent("/messages")
    assert [s.json()["type"] for s in sent] == ["text", "template"]
    template = sent[1].json()["template"]
    assert template["name"] == "aduan_update"
    assert Complaint.objects.get().ref in template["components"][0]["parameters"][0]["text"]
    assert row.status == "sent" and row.attempts == 2


def test_whatsapp_window_closed_without_template_parks(client, wa_account, graph):
    row = wa_first_message(client, graph, 131047)
    assert row.status == "parked" and "template_name" in row.last_error
    assert len(graph.sent("/messages")) == 1


@pytest.mark.parametrize("code", [131026, 131049, 131051])
def test_whatsapp_unreachable_person_stops_and_tells_staff(client, wa_account, graph,
                                                           admin_client, code):
    row = wa_first_message(client, graph, code)
    assert row.status == "failed" and row.last_error.startswith(f"stop: {code}")
    assert len(graph.sent("/messages")) == 1  # never retried
    page = admin_client.get("/petugas/kanal/gagal/")
    assert page.status_code == 200 and str(code) in page.content.decode()


@pytest.mark.parametrize("code", [190, 10, 200])
def test_whatsapp_bad_token_or_permission_marks_the_channel_unhealthy(client, wa_account,
                                                                      graph, admin_client,
                                                                      code):
    row = wa_first_message(client, graph, code)
    assert row.status == "parked" and row.last_error.startswith("fix_config")
    wa_account.refresh_from_db()
    assert "unhealthy" in wa_account.settings
    metrics = render()
    assert f'aduan_channel_unhealthy{{kind="whatsapp",account="{wa_account.pk}"}} 1' in metrics
    page = admin_client.get("/petugas/kanal/gagal/").content.decode()
    assert f'id="unhealthy-{wa_account.pk}"' in page
    # Staff fix the token and send again: the account is healthy again.
    assert outbox.retry_parked(row.pk)
    drain()
    wa_account.refresh_from_db()
    assert "unhealthy" not in wa_account.settings
    assert f'account="{wa_account.pk}"}} 0' in render()


def failed_status(client, row, name: str, code: int | None = None):
    payload = fixture(f"whatsapp/{name}.json")
    status = payload["entry"][0]["changes"][0]["value"]["statuses"][0]
    status["id"] = row.provider_message_id
    if code is not None:
        status["errors"][0]["code"] = code
    assert post_meta(client, payload).status_code == 200
    drain()
    row.refresh_from_db()
    return row


def test_failed_status_131047_later_resends_through_the_template(client, wa_account, graph):
    wa_account.settings = {"template_name": "aduan_update"}
    wa_account.save()
    row = wa_first_message(client, graph)
    first_id = row.provider_message_id
    row = failed_status(client, row, "statuses__failed")
    assert row.status == "sent" and row.provider_message_id != first_id
    assert [s.json()["type"] for s in graph.sent("/messages")] == ["text", "template"]
    # The same failed webhook again changes nothing: the old id is no longer ours.
    payload = fixture("whatsapp/statuses__failed.json")
    payload["entry"][0]["changes"][0]["value"]["statuses"][0]["id"] = first_id
    post_meta(client, payload)
    drain()
    assert len(graph.sent("/messages")) == 2


def test_failed_status_throttled_is_retried(client, wa_account, graph):
    row = failed_status(client, wa_first_message(client, graph),
                        "statuses__failed_throttled")
    assert row.status == "sent" and len(graph.sent("/messages")) == 2


def test_failed_status_undeliverable_stays_failed_for_staff(client, wa_account, graph):
    row = failed_status(client, wa_first_message(client, graph),
                        "statuses__failed_undeliverable")
    assert row.status == "failed" and row.last_error.startswith("stop: 131026")
    assert len(graph.sent("/messages")) == 1


def test_failed_status_bad_token_marks_the_account(client, wa_account, graph):
    row = failed_status(client, wa_first_message(client, graph), "statuses__failed", code=190)
    assert row.status == "failed"
    wa_account.refresh_from_db()
    assert "unhealthy" in wa_account.settings


def test_messages_to_one_person_leave_in_order_and_paced(client, wa_account, graph, settings):
    """Issue 13 item 4: the acknowledgement and the next replies reach the provider in
    order, one at a time, paced; another recipient is not held up."""
    from django.db import transaction

    settings.ADUAN_OUTBOX_PACE_SECONDS = 0.3
    wa_account.settings = {"template_name": "aduan_update"}  # the other person: a template
    wa_account.save()
    post_meta(client, fixture("whatsapp/messages__text.json"))  # opens the 24-hour window
    drain()
    with transaction.atomic():
        rows = [outbox.queue_text(wa_account, None, f"order:{n}", "6281234567890", f"pesan {n}")
                for n in range(1, 4)]
        other = outbox.queue_text(wa_account, None, "order:other", "6289999999999", "lain")
    # The last one's job runs first: it waits for the two before it.
    assert outbox.deliver(rows[2].pk) == "waiting"
    drain()
    to_citizen = [s for s in graph.sent("/messages") if s.json()["to"] == "6281234567890"]
    bodies = [s.json()["text"]["body"] for s in to_citizen[1:]]
    assert bodies == ["pesan 1", "pesan 2", "pesan 3"]
    gaps = [b.at - a.at for a, b in zip(to_citizen[1:], to_citizen[2:], strict=False)]
    assert all(gap >= 0.25 for gap in gaps), gaps
    first_other = next(s for s in graph.sent("/messages") if s.json()["to"] == "6289999999999")
    assert first_other.at < to_citizen[-1].at  # not queued behind someone else's messages
    assert OutboxMessage.objects.get(pk=other.pk).status == "sent"
    assert all(OutboxMessage.objects.get(pk=r.pk).status == "sent" for r in rows)
