"""Instagram: direct messages like Messenger; comments get one public and one private reply."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from aduan.channels.meta.tests.helpers import post_meta
from aduan.channels.models import ChannelAccount, InboundEvent, OutboxMessage
from aduan.channels.tests.helpers import drain, fixture
from aduan.complaints import actions
from aduan.complaints.models import Complaint

pytestmark = pytest.mark.django_db(transaction=True)
IG = "17841405309211844"


@pytest.fixture
def ig_account(surakarta, graph):
    return ChannelAccount.objects.create(kind="instagram", account_id=IG, token=graph.token)


def test_direct_message_opens_complaint_and_replies_with_response_type(client, ig_account,
                                                                       graph):
    assert post_meta(client, fixture("instagram/messages__text.json")).status_code == 200
    drain()
    complaint = Complaint.objects.get()
    sent = graph.sent(f"/v23.0/{IG}/messages")
    assert len(sent) == 1
    body = sent[0].json()
    assert body["recipient"] == {"id": "1254459154682919"}
    assert body["messaging_type"] == "RESPONSE"
    assert complaint.ref in body["message"]["text"]


def test_instagram_login_accounts_use_the_instagram_graph_url(client, ig_account, graph,
                                                              settings):
    settings.INSTAGRAM_GRAPH_URL = graph.url + "/ig/v23.0"
    post_meta(client, fixture("instagram/messages__text.json"))
    drain()
    assert len(graph.sent(f"/ig/v23.0/{IG}/messages")) == 1


def test_image_attachment_is_downloaded_from_its_url(client, ig_account, graph):
    payload = json.loads(json.dumps(fixture("instagram/messages__image.json"))
                         .replace("{CDN}", graph.url))
    post_meta(client, fixture("instagram/messages__text.json"))
    post_meta(client, payload)
    drain()
    assert Complaint.objects.get().photos.count() == 1
    assert any(r.path.startswith("/cdn/") for r in graph.requests)


def test_comment_gets_one_public_reply_and_one_private_reply(client, ig_account, graph):
    for _ in range(2):
        assert post_meta(client, fixture("instagram/comments__on_post.json")).status_code == 200
    drain()
    complaint = Complaint.objects.get()
    public = graph.sent("/v23.0/17919697626119712/replies")
    assert len(public) == 1
    text = public[0].json()["message"]
    assert complaint.ref not in text and "Adi Sucipto" not in text
    private = graph.sent(f"/v23.0/{IG}/messages")
    assert len(private) == 1
    assert private[0].json()["recipient"] == {"comment_id": "17919697626119712"}
    assert complaint.ref in private[0].json()["message"]["text"]
    # a later update cannot use the private reply again: it waits for a Direct message
    actions.record(complaint, "reply", "Petugas", note="Tim menuju lokasi.", public=True)
    drain()
    assert len(graph.sent(f"/v23.0/{IG}/messages")) == 1
    assert OutboxMessage.objects.filter(status="parked").count() == 1


def test_our_own_comment_replies_are_ignored(client, ig_account):
    post_meta(client, fixture("instagram/comments__own_reply_ignored.json"))
    assert InboundEvent.objects.count() == 0


def test_human_agent_tag_between_24_hours_and_7_days(client, ig_account, graph):
    post_meta(client, fixture("instagram/messages__text.json"))
    drain()
    InboundEvent.objects.update(received_at=timezone.now() - timedelta(days=2))
    actions.record(Complaint.objects.get(), "reply", "Petugas", note="Sudah dicek.",
                   public=True)
    drain()
    body = graph.sent(f"/v23.0/{IG}/messages")[-1].json()
    assert body["messaging_type"] == "MESSAGE_TAG" and body["tag"] == "HUMAN_AGENT"
