"""At resolution a before/after picture is built, shown publicly and sent to the citizen."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from aduan.channels.models import ChannelAccount, InboundEvent, OutboxMessage
from aduan.complaints.models import Reporter
from aduan.evidence.beforeafter import build
from aduan.evidence.models import BeforeAfter

from .conftest import resolve_with_photos


def test_resolution_queues_the_build(road, persona):
    from aduan.jobs.models import Job

    resolve_with_photos(road, persona("dpupr"))
    queued = Job.objects.filter(task_path__endswith="build_before_after")
    assert [r.args["args"] for r in queued].count([road.pk]) == 1


def test_picture_is_built_from_public_copies(road, persona):
    resolve_with_photos(road, persona("dpupr"))
    item = build(road.pk)
    assert item.before.tag == "before" and item.after.tag == "after"
    with item.image.open("rb") as handle:
        data = handle.read()
    im = Image.open(io.BytesIO(data))
    assert im.format == "JPEG" and im.width > im.height  # side by side
    assert b"Exif" not in data  # nothing of the originals' metadata
    assert item.kelurahan.name == "Kemlayan" and item.kecamatan.name == "Serengan"
    assert item.category_id == "jalan"
    # Idempotent: the same pair is not built twice.
    assert build(road.pk).image.name == item.image.name
    assert BeforeAfter.objects.count() == 1


def test_no_before_photo_no_picture(road, persona):
    from aduan.complaints import actions
    from aduan.evidence.store import save_photo

    from .conftest import phone_photo

    save_photo(phone_photo(3), complaint=road, tag="after", user=persona("dpupr"))
    actions.resolve(road, persona("dpupr"), "Selesai.")
    assert build(road.pk) is None


def test_tracking_page_and_image(road, persona, client):
    resolve_with_photos(road, persona("dpupr"))
    item = build(road.pk)
    page = client.get(road.tracking_path()).content.decode()
    assert 'id="before-after"' in page
    image = client.get(f"/foto/sebelum-sesudah/{item.pk}/full.jpg")
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert client.get(f"/foto/sebelum-sesudah/{item.pk}/thumb.jpg").status_code == 200


def test_reopened_complaint_hides_the_picture(road, persona, client):
    from aduan.complaints import actions

    resolve_with_photos(road, persona("dpupr"))
    item = build(road.pk)
    actions.reopen(road, "Masih berlubang.")
    assert client.get(f"/foto/sebelum-sesudah/{item.pk}/full.jpg").status_code == 404
    assert 'id="before-after"' not in client.get(road.tracking_path()).content.decode()


def _from_chat(complaint, kind, handle, account_id, at=None):
    account = ChannelAccount.objects.create(kind=kind, account_id=account_id, token="t0ken")
    reporter = Reporter.objects.create(channel=kind, handle=handle)
    type(complaint).objects.filter(pk=complaint.pk).update(
        channel=kind, channel_account_id=account.pk, reporter=reporter)
    InboundEvent.objects.create(account=account, provider_id=f"in-{handle}", sender=handle,
                                body="{}", received_at=at or timezone.now())
    complaint.refresh_from_db()
    return account


def _image_rows(complaint):
    return list(OutboxMessage.objects.filter(key__startswith=f"before-after:{complaint.pk}:"))


def _deliver_after_earlier(row, settings) -> str:
    """Messages to one person leave in order: send what was queued before this row first."""
    from aduan.channels.outbox import deliver

    settings.ADUAN_OUTBOX_PACE_SECONDS = 0
    for pk in (OutboxMessage.objects.filter(account=row.account, recipient=row.recipient,
                                            pk__lt=row.pk, status="queued")
               .order_by("pk").values_list("pk", flat=True)):
        deliver(pk)
    return deliver(row.pk)


def test_whatsapp_gets_an_image_message(road, persona, graph, settings):
    account = _from_chat(road, "whatsapp", "6281234567890", "106540352242922")
    account.token = graph.token
    account.save()
    resolve_with_photos(road, persona("dpupr"))
    item = build(road.pk)
    build(road.pk)  # a retried task sends nothing twice
    [row] = _image_rows(road)
    body = row.payload["body"]
    assert body["type"] == "image" and "text" not in body
    assert body["image"]["link"].endswith(f"/foto/sebelum-sesudah/{item.pk}/full.jpg"
                                          f"?v={item.after_id}")
    assert road.ref in body["image"]["caption"]
    assert _deliver_after_earlier(row, settings) == "sent"
    [seen] = [s for s in graph.sent("/messages") if s.json().get("type") == "image"]
    assert seen.json()["to"] == "6281234567890"


def test_whatsapp_outside_the_window_sends_no_image(road, persona):
    _from_chat(road, "whatsapp", "6281234567890", "1065",
               at=timezone.now() - timedelta(days=2))
    resolve_with_photos(road, persona("dpupr"))
    build(road.pk)
    assert _image_rows(road) == []  # the "resolved" text (a template) carries the link


def test_telegram_gets_send_photo(road, persona):
    _from_chat(road, "telegram", "555001", "bot1")
    resolve_with_photos(road, persona("dpupr"))
    item = build(road.pk)
    [row] = _image_rows(road)
    assert row.payload["method"] == "sendPhoto"
    assert row.payload["body"]["chat_id"] == "555001"
    assert row.payload["body"]["photo"].endswith(f"?v={item.after_id}")


@pytest.mark.parametrize("kind", ["facebook", "instagram"])
def test_messenger_and_instagram_get_an_image_attachment(road, persona, graph, kind,
                                                         settings):
    account = _from_chat(road, kind, "2490001", "17841400000")
    account.token = graph.token
    account.save()
    resolve_with_photos(road, persona("dpupr"))
    build(road.pk)
    [row] = _image_rows(road)
    message = row.payload["body"]["message"]
    assert message["attachment"]["type"] == "image"
    assert "/foto/sebelum-sesudah/" in message["attachment"]["payload"]["url"]
    assert row.payload["body"]["messaging_type"] == "RESPONSE"
    assert _deliver_after_earlier(row, settings) == "sent"


def test_web_complaint_gets_no_image_message(road, persona):
    resolve_with_photos(road, persona("dpupr"))
    build(road.pk)
    assert _image_rows(road) == []
