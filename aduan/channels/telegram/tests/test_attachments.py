"""Attachments from Telegram: voice, video, document and sticker kept; a file announced too big
is not downloaded."""

import pytest

from aduan.attachments.models import Attachment
from aduan.channels.models import InboundEvent
from aduan.channels.telegram.tests.helpers import post_telegram
from aduan.channels.tests.helpers import drain, fixture
from aduan.complaints.models import Complaint

# The worker closes connections between jobs: run every test on committed data.
pytestmark = pytest.mark.django_db(transaction=True)

OGG = b"OggS\x00\x02" + b"\x00" * 20 + b"voice-note-bytes" * 50
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"video" * 300
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 24
DESCRIBE = "mohon tuliskan juga secara singkat apa masalahnya dan di mana lokasinya"


def tg_texts(api) -> list[str]:
    return [r.json()["text"] for r in api.sent("/sendMessage")]


def test_telegram_voice_video_document_sticker(client, tg_account, telegram_api):
    telegram_api.files.update({"AwACAgUAAxkBAAIVoiceNote1": OGG, "BAACAgUAAxkBAAIVideo1": MP4,
                               "BQACAgUAAxkBAAIDocPdf1": PDF,
                               "CAACAgIAAxkBAAISticker1": WEBP,
                               "DQACAgUAAxkBAAIVidNote1": MP4,
                               "CQACAgUAAxkBAAIAudio1": OGG})
    post_telegram(client, tg_account, fixture("telegram/message__voice.json"))
    drain()
    assert not Complaint.objects.exists()
    assert DESCRIBE in tg_texts(telegram_api)[0]
    post_telegram(client, tg_account, fixture("telegram/message__video_caption.json"))
    drain()
    complaint = Complaint.objects.get()
    assert complaint.text.startswith("Banjir di Jalan Slamet Riyadi")
    for name in ("document_pdf", "audio", "video_note", "sticker"):
        post_telegram(client, tg_account, fixture(f"telegram/message__{name}.json"))
    drain()
    kinds = sorted(complaint.attachments.values_list("kind", flat=True))
    assert kinds == ["audio", "document", "sticker", "video", "video", "voice"]
    pdf = complaint.attachments.get(kind="document")
    assert pdf.file.read() == PDF and pdf.name == "surat_rt.pdf"
    assert complaint.events.filter(kind="citizen_reaction").count() == 1  # the sticker
    texts = tg_texts(telegram_api)
    assert len(texts) == 2 and complaint.ref in texts[1]  # the ask, then one acknowledgement
    assert InboundEvent.objects.filter(processed_at__isnull=True).count() == 0


def test_telegram_file_announced_too_big_is_not_downloaded(client, tg_account, telegram_api):
    post_telegram(client, tg_account, fixture("telegram/message__document_too_big.json"))
    drain()
    complaint = Complaint.objects.get()
    assert complaint.text.startswith("Rekaman CCTV")
    assert not Attachment.objects.exists() and telegram_api.sent("/getFile") == []
    assert "over the limit" in InboundEvent.objects.get().error
