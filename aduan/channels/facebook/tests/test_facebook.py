"""Facebook Page Messenger end to end."""

import pytest

from aduan.channels.meta.tests.helpers import post_meta
from aduan.channels.models import ChannelAccount, InboundEvent
from aduan.channels.tests.helpers import drain, fixture
from aduan.complaints.models import Complaint

pytestmark = pytest.mark.django_db(transaction=True)
PAGE = "103498765432101"


@pytest.fixture
def page_account(surakarta, graph):
    return ChannelAccount.objects.create(kind="facebook", account_id=PAGE, token=graph.token)


def test_message_opens_complaint_and_acknowledges(client, page_account, graph):
    assert post_meta(client, fixture("facebook/messages__text.json")).status_code == 200
    drain()
    complaint = Complaint.objects.get()
    assert complaint.channel == "facebook"
    sent = graph.sent(f"/v23.0/{PAGE}/messages")
    assert len(sent) == 1
    body = sent[0].json()
    assert body["recipient"] == {"id": "6541237896541230"}
    assert body["messaging_type"] == "RESPONSE"
    assert complaint.ref in body["message"]["text"]
    assert sent[0].headers["Authorization"] == f"Bearer {graph.token}"


def test_location_attachment_places_the_complaint(client, page_account, graph):
    post_meta(client, fixture("facebook/messages__text.json"))
    post_meta(client, fixture("facebook/messages__location.json"))
    drain()
    complaint = Complaint.objects.get()
    assert (complaint.lat, complaint.lng) == (-7.5560, 110.8050)


@pytest.mark.parametrize("name", ["messages__echo_ignored", "messaging__read_ignored"])
def test_echoes_and_reads_are_ignored(client, page_account, name):
    assert post_meta(client, fixture(f"facebook/{name}.json")).status_code == 200
    assert InboundEvent.objects.count() == 0


def test_not_fixed_reopens_and_done_confirms(client, page_account, graph, surakarta):
    from django.contrib.auth import get_user_model

    from aduan.complaints import actions
    from aduan.complaints.models import Status
    from aduan.org.models import Unit

    post_meta(client, fixture("facebook/messages__text.json"))
    drain()
    complaint = Complaint.objects.get()
    admin = get_user_model().objects.create_superuser("root", "r@example.org", "pw")
    if complaint.status == Status.NEW:
        actions.assign(complaint, Unit.objects.exclude(kind="external").first(), admin)
    complaint.refresh_from_db()
    complaint.category = None
    from aduan.channels.tests.fake_server import jpeg
    from aduan.evidence.store import save_photo

    save_photo(jpeg(), complaint=complaint, tag="after", user=admin, by_citizen=False)
    actions.resolve(complaint, admin, "Saluran sudah dikeruk")
    drain()
    assert "BELUM" in graph.sent("/messages")[-1].json()["message"]["text"]

    def say(mid, text):
        payload = fixture("facebook/messages__text.json")
        payload["entry"][0]["messaging"][0]["message"].update(mid=mid, text=text)
        post_meta(client, payload)
        drain()
        complaint.refresh_from_db()

    say("m_2", "Belum pak, masih banjir")
    assert complaint.status == Status.IN_PROGRESS
    assert "dibuka kembali" in graph.sent("/messages")[-1].json()["message"]["text"]
    actions.resolve(complaint, admin, "Sudah dikeruk lagi")
    say("m_3", "Sudah beres, terima kasih")
    assert complaint.status == Status.CLOSED
