"""Attachments (voice notes, documents, stickers) and reactions, as every channel hands them
over (ChatMessage.media of a non-photo kind, ChatMessage.reaction): kept once for staff,
never public, asked about when they come alone, not answered when they join an open
conversation. Driven through the test-only "plain" channel; what each provider sends is
tested in whatsapp/tests/test_attachments.py and telegram/tests/test_attachments.py."""

import pytest
from django.urls import reverse

from aduan.attachments.models import Attachment
from aduan.channels.models import InboundEvent
from aduan.channels.tests.helpers import drain
from aduan.complaints import public_face
from aduan.complaints.models import Complaint

from .plain.deliver import message, receive

# The worker closes connections between jobs: run every test on committed data.
pytestmark = pytest.mark.django_db(transaction=True)

OGG = b"OggS\x00\x02" + b"\x00" * 20 + b"voice-note-bytes" * 50
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 24
DESCRIBE = "mohon tuliskan juga secara singkat apa masalahnya dan di mana lokasinya"
COMPLAINT = "Jalan di depan pasar Kemlayan berlubang besar, bahaya untuk motor"


def voice(ref: str = "voice-1") -> dict:
    return {"ref": ref, "mime_type": "audio/ogg", "kind": "voice"}


def test_voice_note_alone_is_kept_and_asked_about_then_joins_the_complaint(plain_account,
                                                                            plain_api):
    plain_api.files["voice-1"] = OGG
    receive(plain_account, message(media=[voice()]))
    drain()
    assert not Complaint.objects.exists()
    item = Attachment.objects.get()
    assert (item.kind, item.mime_type, item.complaint_id) == ("voice", "audio/ogg", None)
    assert item.file.read() == OGG and item.size == len(OGG)
    assert item.file.name.startswith("attachments/") and item.file.name.endswith(".oga")
    texts = plain_api.texts()
    assert len(texts) == 1 and DESCRIBE in texts[0]
    assert InboundEvent.objects.get().processed_at is not None
    # The citizen writes the words: the complaint opens and takes the voice note.
    receive(plain_account, message(COMPLAINT))
    drain()
    complaint = Complaint.objects.get()
    item.refresh_from_db()
    assert item.complaint == complaint
    texts = plain_api.texts()
    assert len(texts) == 2 and complaint.ref in texts[1]


def test_a_document_joins_the_open_complaint_once(plain_account, plain_api):
    plain_api.files["doc-1"] = PDF
    receive(plain_account, message(COMPLAINT))
    drain()
    document = message("Surat keterangan RT", media=[
        {"ref": "doc-1", "mime_type": "application/pdf", "kind": "document"}])
    receive(plain_account, document)
    receive(plain_account, document)  # delivered twice: stored once
    drain()
    complaint = Complaint.objects.get()
    pdf = complaint.attachments.get()
    assert (pdf.kind, pdf.mime_type, pdf.file.read()) == ("document", "application/pdf", PDF)
    message_event = complaint.events.get(kind="citizen_message", data__attachments=[pdf.pk])
    assert message_event.note.startswith("Surat keterangan RT")
    assert len(plain_api.texts()) == 1  # joined messages get no new reference


def test_sticker_and_reaction_in_an_open_conversation_are_recorded_not_answered(
        plain_account, plain_api):
    plain_api.files["sticker-1"] = WEBP
    receive(plain_account, message(COMPLAINT))
    drain()
    sent_before = len(plain_api.sent("/send"))
    complaint = Complaint.objects.get()
    due_before = complaint.next_due
    receive(plain_account, message(media=[
        {"ref": "sticker-1", "mime_type": "image/webp", "kind": "sticker"}]))
    receive(plain_account, message(reaction="\U0001f44d"))
    drain()
    assert len(plain_api.sent("/send")) == sent_before
    reactions = complaint.events.filter(kind="citizen_reaction")  # the sticker is one too
    assert [e.public for e in reactions] == [False, False]
    assert sorted(e.note for e in reactions) == ["", "\U0001f44d"]
    sticker = complaint.attachments.get()
    assert sticker.kind == "sticker" and sticker.file.read() == WEBP
    assert not complaint.events.filter(kind="citizen_message").exists()
    complaint.refresh_from_db()
    assert complaint.next_due == due_before
    assert InboundEvent.objects.filter(processed_at__isnull=True).count() == 0


def test_reaction_without_a_complaint_is_recorded_and_silent(plain_account, plain_api):
    receive(plain_account, message(reaction="\U0001f44d"))
    drain()
    assert InboundEvent.objects.get().processed_at is not None
    assert not Complaint.objects.exists() and plain_api.sent("/send") == []


def test_oversized_attachment_is_not_kept_but_the_message_is(plain_account, plain_api,
                                                             settings):
    settings.ADUAN_ATTACHMENT_LIMITS = {"audio": 100, "voice": 100, "video": 100,
                                        "document": 100, "sticker": 100}
    plain_api.files["voice-1"] = OGG
    receive(plain_account, message(COMPLAINT, media=[voice()]))
    drain()
    complaint = Complaint.objects.get()
    assert not Attachment.objects.exists()
    assert complaint.text.startswith("Jalan di depan pasar")


def test_attachments_are_for_staff_only(client, plain_account, plain_api, admin_client):
    plain_api.files["voice-1"] = OGG
    receive(plain_account, message(COMPLAINT))
    drain()
    receive(plain_account, message(media=[voice()]))
    drain()
    complaint = Complaint.objects.get()
    item = complaint.attachments.get()
    url = reverse("attachment", args=[item.pk])
    # Staff: the complaint page plays it, the file is served inline without caching.
    page = admin_client.get(reverse("staff:detail", args=[complaint.ref]))
    assert page.status_code == 200
    assert f'<audio controls preload="none" src="{url}">' in page.content.decode()
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
