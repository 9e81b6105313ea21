"""The loop's photos and location request on WhatsApp: the resolution's public after photo as the
buttons' image header (never for identity categories or unreachable sites), the location
request message, a header image WhatsApp could not fetch."""

import copy

import pytest

from aduan.channels.meta.tests.helpers import post_meta
from aduan.channels.models import OutboxMessage
from aduan.channels.tests.helpers import drain, fixture, resolve
from aduan.channels.whatsapp.tests.helpers import wa_say
from aduan.complaints.models import Category, Complaint
from aduan.evidence.models import Photo

# The worker closes connections between jobs: run every test on committed data.
pytestmark = pytest.mark.django_db(transaction=True)

SITE = "https://aduan.surakarta.go.id"


def test_whatsapp_resolution_carries_the_public_after_photo(client, settings, wa_account,
                                                             graph):
    settings.PUBLIC_URL = SITE
    wa_say(client, "Jalan berlubang besar di depan SD Kemlayan, bahaya untuk motor", 1)
    complaint = resolve(Complaint.objects.get())
    after = Photo.objects.get(complaint=complaint, tag="after")
    body = graph.sent("/messages")[-1].json()
    assert body["type"] == "interactive" and body["interactive"]["type"] == "button"
    link = body["interactive"]["header"]["image"]["link"]
    assert body["interactive"]["header"]["type"] == "image"
    assert link == f"{SITE}/foto/{after.pk}/public.jpg"
    assert [b["reply"]["id"] for b in body["interactive"]["action"]["buttons"]] == [
        f"aduan:confirm:{complaint.ref}", f"aduan:reopen:{complaint.ref}"]
    client.logout()
    image = client.get(link.removeprefix(SITE))  # what WhatsApp fetches, as anyone
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"


def test_no_photo_for_an_identity_category_or_an_unreachable_site(client, settings,
                                                                  wa_account, graph):
    settings.PUBLIC_URL = SITE
    wa_say(client, "Jalan berlubang besar di depan SD Kemlayan, bahaya untuk motor", 1)
    category = Category.objects.filter(may_hold_identity=True).first()
    assert category is not None  # the seeded city has one (KTP, KK)
    Complaint.objects.update(category=category)
    complaint = resolve(Complaint.objects.get())
    body = graph.sent("/messages")[-1].json()
    assert body["type"] == "interactive" and "header" not in body["interactive"]
    assert complaint.tracking_url() in body["interactive"]["body"]["text"]

    settings.PUBLIC_URL = "http://127.0.0.1:8000"  # the provider could not fetch it
    wa_say(client, "BELUM, masih berlubang", 2)
    Category.objects.filter(pk=category.pk).update(may_hold_identity=False)
    resolve(Complaint.objects.get())
    body = graph.sent("/messages")[-1].json()
    assert body["type"] == "interactive" and "header" not in body["interactive"]


def test_whatsapp_acknowledgement_asks_for_the_place_and_the_location_places_it(
        client, wa_account, graph):
    wa_say(client, "Lampu penerangan jalan mati sudah seminggu, gelap sekali", 1)
    complaint = Complaint.objects.get()
    assert complaint.region_id is None and complaint.lat is None
    body = graph.sent("/messages")[-1].json()
    assert body["type"] == "interactive"
    assert body["interactive"]["type"] == "location_request_message"
    assert body["interactive"]["action"] == {"name": "send_location"}
    assert complaint.ref in body["interactive"]["body"]["text"]
    assert "Kirim lokasi" in body["interactive"]["body"]["text"]
    sent_before = len(graph.sent("/messages"))
    post_meta(client, fixture("whatsapp/messages__location.json"))
    drain()
    complaint.refresh_from_db()
    assert (complaint.lat, complaint.lng) == (-7.5717, 110.8233)
    assert complaint.region_id == "33.72.02.1007"  # Kemlayan, by its boundary
    assert Complaint.objects.count() == 1
    assert len(graph.sent("/messages")) == sent_before  # joined, no new reference


def test_a_known_place_gets_the_plain_acknowledgement(client, wa_account, graph):
    wa_say(client, "Jalan berlubang besar di depan SD Kemlayan, bahaya untuk motor", 1)
    assert Complaint.objects.get().region_id is not None
    body = graph.sent("/messages")[-1].json()
    assert body["type"] == "text" and "lokasinya" not in body["text"]["body"]


PAGE, IG = "103498765432101", "17841405309211844"


def test_whatsapp_image_link_not_fetched_resends_the_buttons_without_it(client, settings,
                                                                         wa_account, graph):
    settings.PUBLIC_URL = SITE
    wa_say(client, "Jalan berlubang besar di depan SD Kemlayan, bahaya untuk motor", 1)
    complaint = resolve(Complaint.objects.get())
    row = OutboxMessage.objects.filter(complaint=complaint).order_by("-pk").first()
    assert "header" in row.payload["body"]["interactive"]
    failed = copy.deepcopy(fixture("whatsapp/statuses__failed_media.json"))
    failed["entry"][0]["changes"][0]["value"]["statuses"][0]["id"] = row.provider_message_id
    assert post_meta(client, failed).status_code == 200
    drain()
    row.refresh_from_db()
    assert row.status == "sent" and "header" not in row.payload["body"]["interactive"]
    again = graph.sent("/messages")[-1].json()
    assert again["type"] == "interactive" and "header" not in again["interactive"]
    assert [b["reply"]["id"] for b in again["interactive"]["action"]["buttons"]] == [
        f"aduan:confirm:{complaint.ref}", f"aduan:reopen:{complaint.ref}"]
