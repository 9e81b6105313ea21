"""Attachments from WhatsApp: voice notes, videos, documents, stickers and reactions kept for
staff (never public), oversized files not kept, unsupported types ignored."""

import copy

import pytest
from django.urls import reverse

from aduan.attachments.models import Attachment
from aduan.channels.meta.tests.helpers import post_meta
from aduan.channels.models import InboundEvent
from aduan.channels.tests.helpers import drain, fixture
from aduan.complaints import public_face
from aduan.complaints.models import Complaint

# The worker closes connections between jobs: run every test on committed data.
pytestmark = pytest.mark.django_db(transaction=True)

OGG = b"OggS\x00\x02" + b"\x00" * 20 + b"voice-note-bytes" * 50
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"video" * 300
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 24
DESCRIBE = "mohon tuliskan juga secara singkat apa masalahnya dan di mana lokasinya"


def wa_texts(graph) -> list[str]:
    """The words of each text message and interactive message (an acknowledgement that
    asks for the place is a location request) sent on WhatsApp."""
    bodies = [r.json() for r in graph.sent("/messages")]
    return [b["text"]["body"] if b["type"] == "text" else b["interactive"]["body"]["text"]
            for b in bodies if b.get("type") in ("text", "interactive")]


def test_voice_note_alone_is_kept_and_asked_about_then_joins_the_complaint(
        client, wa_account, graph):
    graph.files["1203962534587745"] = OGG
    assert post_meta(client, fixture("whatsapp/messages__audio_voice.json")).status_code == 200
    drain()
    assert not Complaint.objects.exists()
    item = Attachment.objects.get()
    assert (item.kind, item.mime_type, item.complaint_id) == ("voice", "audio/ogg", None)
    assert item.file.read() == OGG and item.size == len(OGG)
    assert item.file.name.startswith("attachments/") and item.file.name.endswith(".oga")
    texts = wa_texts(graph)
    assert len(texts) == 1 and DESCRIBE in texts[0]
    assert InboundEvent.objects.get().processed_at is not None
    # The citizen writes the words: the complaint opens and takes the voice note.
    post_meta(client, fixture("whatsapp/messages__text.json"))
    drain()
    complaint = Complaint.objects.get()
    item.refresh_from_db()
    assert item.complaint == complaint
    texts = wa_texts(graph)
    assert len(texts) == 2 and complaint.ref in texts[1]


def test_video_with_caption_opens_a_complaint_with_the_video(client, wa_account, graph):
    graph.files["1566829827407211"] = MP4
    post_meta(client, fixture("whatsapp/messages__video_caption.json"))
    drain()
    complaint = Complaint.objects.get()
    assert complaint.text.startswith("Banjir di Jalan Slamet Riyadi")
    item = complaint.attachments.get()
    assert (item.kind, item.mime_type, item.file.read()) == ("video", "video/mp4", MP4)
    texts = wa_texts(graph)
    assert len(texts) == 1 and complaint.ref in texts[0]  # the acknowledgement, no ask


def test_pdf_joins_the_open_complaint_and_image_document_is_a_photo(client, wa_account, graph):
    graph.files["1090783659376534"] = PDF
    post_meta(client, fixture("whatsapp/messages__text.json"))
    drain()
    post_meta(client, fixture("whatsapp/messages__document_pdf.json"))
    post_meta(client, fixture("whatsapp/messages__document_image.json"))
    drain()
    complaint = Complaint.objects.get()
    pdf = complaint.attachments.get()
    assert (pdf.kind, pdf.name, pdf.mime_type) == ("document", "surat_rt.pdf", "application/pdf")
    assert complaint.photos.filter(tag="before", by_citizen=True).count() == 1
    message = complaint.events.get(kind="citizen_message", data__attachments=[pdf.pk])
    assert message.note.startswith("Surat keterangan RT")
    assert len(wa_texts(graph)) == 1  # joined messages get no new reference


def test_sticker_and_reaction_in_an_open_conversation_are_recorded_not_answered(
        client, wa_account, graph):
    graph.files["1424373028473719"] = WEBP
    post_meta(client, fixture("whatsapp/messages__text.json"))
    drain()
    sent_before = len(graph.sent("/messages"))
    complaint = Complaint.objects.get()
    due_before = complaint.next_due
    post_meta(client, fixture("whatsapp/messages__sticker.json"))
    post_meta(client, fixture("whatsapp/messages__reaction_ignored.json"))  # a 👍 reaction
    post_meta(client, fixture("whatsapp/messages__reaction_removed.json"))
    drain()
    assert len(graph.sent("/messages")) == sent_before
    reactions = complaint.events.filter(kind="citizen_reaction").order_by("pk")
    assert [e.public for e in reactions] == [False, False]
    assert sorted(e.note for e in reactions) == ["", "\U0001f44d"]
    sticker = complaint.attachments.get()
    assert sticker.kind == "sticker" and sticker.file.read() == WEBP
    assert not complaint.events.filter(kind="citizen_message").exists()
    complaint.refresh_from_db()
    assert complaint.next_due == due_before
    assert InboundEvent.objects.filter(processed_at__isnull=True).count() == 0
    assert InboundEvent.objects.count() == 3  # the removed reaction is ignored at parse


def test_sticker_as_first_message_gets_the_kind_ask(client, wa_account, graph):
    graph.files["1424373028473719"] = WEBP
    post_meta(client, fixture("whatsapp/messages__sticker.json"))
    drain()
    assert not Complaint.objects.exists()
    assert DESCRIBE in wa_texts(graph)[0]


def test_reaction_without_a_complaint_is_recorded_and_silent(client, wa_account, graph):
    post_meta(client, fixture("whatsapp/messages__reaction_ignored.json"))
    drain()
    assert InboundEvent.objects.get().processed_at is not None
    assert not Complaint.objects.exists() and graph.sent("/messages") == []


def test_unsupported_type_is_ignored_and_a_type_without_its_object_is_malformed(
        client, wa_account):
    assert post_meta(client, fixture("whatsapp/messages__unsupported_ignored.json")
                     ).status_code == 200
    assert post_meta(client, fixture("whatsapp/messages__video_malformed.json")
                     ).status_code == 400
    assert not InboundEvent.objects.exists()


def test_oversized_attachment_is_not_kept_but_the_message_is(client, wa_account, graph,
                                                             settings):
    settings.ADUAN_ATTACHMENT_LIMITS = {"audio": 100, "voice": 100, "video": 100,
                                        "document": 100, "sticker": 100}
    graph.files["1566829827407211"] = MP4
    post_meta(client, fixture("whatsapp/messages__video_caption.json"))
    drain()
    complaint = Complaint.objects.get()
    assert not Attachment.objects.exists()
    assert complaint.text.startswith("Banjir")


def test_attachments_are_for_staff_only(client, wa_account, graph, admin_client):
    graph.files["1203962534587745"] = OGG
    voice = copy.deepcopy(fixture("whatsapp/messages__audio_voice.json"))
    post_meta(client, fixture("whatsapp/messages__text.json"))
    drain()
    post_meta(client, voice)
    drain()
    complaint = Complaint.objects.get()
    item = complaint.attachments.get()
    url = reverse("attachment", args=[item.pk])
    # Staff: the complaint page plays it, the file is served inline without caching.
    page = admin_client.get(reverse("staff:detail", args=[complaint.ref]))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<audio controls preload="none" src="{url}">' in html
    response = admin_client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == OGG
    assert response["Content-Type"] == "audio/ogg"
    assert "no-store" in response["Cache-Control"]
    # The public: no link on the public page, no file for anonymous visitors.
    client.logout()
    for page_url in (reverse("citizen:public", args=[complaint.ref]), complaint.tracking_path()):
        public = client.get(page_url)
        assert public.status_code == 200
        assert url not in public.content.decode() and "<audio" not in public.content.decode()
    view = public_face.public_view(complaint)
    assert url not in repr(view) and "attachment" not in repr(view).lower()
    anonymous = client.get(url)
    assert anonymous.status_code in (302, 404) and anonymous.get("Content-Type") != "audio/ogg"
