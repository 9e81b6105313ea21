"""Messenger and Instagram quick replies confirm and rate a resolved complaint."""

import copy

import pytest

from aduan.channels.meta.tests.helpers import post_meta
from aduan.channels.tests.helpers import drain, fixture, resolve
from aduan.complaints.models import Complaint, Status

# The worker closes connections between jobs: run every test on committed data.
pytestmark = pytest.mark.django_db(transaction=True)

PAGE, IG = "103498765432101", "17841405309211844"


@pytest.mark.parametrize("kind,account_id,sender", [
    ("facebook", PAGE, "6541237896541230"), ("instagram", IG, "1254459154682919")])
def test_messenger_and_instagram_quick_replies_confirm_and_rate(client, surakarta, graph,
                                                                kind, account_id, sender):
    from aduan.channels.models import ChannelAccount

    ChannelAccount.objects.create(kind=kind, account_id=account_id, token=graph.token)
    post_meta(client, fixture(f"{kind}/messages__text.json"))
    drain()
    complaint = resolve(Complaint.objects.get())
    body = graph.sent(f"/{account_id}/messages")[-1].json()
    assert body["recipient"] == {"id": sender} and "SUDAH" in body["message"]["text"]
    assert body["message"]["quick_replies"] == [
        {"content_type": "text", "title": "Sudah beres",
         "payload": f"aduan:confirm:{complaint.ref}"},
        {"content_type": "text", "title": "Belum beres",
         "payload": f"aduan:reopen:{complaint.ref}"}]
    tap = copy.deepcopy(fixture(f"{kind}/messages__quick_reply.json"))
    message = tap["entry"][0]["messaging"][0]["message"]
    message["quick_reply"]["payload"] = f"aduan:confirm:{complaint.ref}"
    post_meta(client, tap)
    drain()
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    assert complaint.events.get(kind="confirmed").data == {"via": kind}
    rates = graph.sent(f"/{account_id}/messages")[-1].json()["message"]["quick_replies"]
    assert [q["payload"] for q in rates] == [f"aduan:rate:{n}:{complaint.ref}"
                                             for n in range(1, 6)]
    message.update(mid=message["mid"] + "2", text=rates[4]["title"],
                   quick_reply={"payload": rates[4]["payload"]})
    post_meta(client, tap)
    drain()
    complaint.refresh_from_db()
    assert complaint.rating == 5
    assert "5 dari 5" in graph.sent(f"/{account_id}/messages")[-1].json()["message"]["text"]
