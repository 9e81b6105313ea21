"""Linked officials act from the chat: the same named actions, the same checks."""

import pytest

from aduan.channels.meta.tests.helpers import post_meta
from aduan.channels.models import OutboxMessage
from aduan.channels.officials import linking
from aduan.channels.officials.commands import parse
from aduan.channels.officials.tests.helpers import (
    CITIZEN_WA,
    RT01_WA,
    RT03_CHAT,
    citizen_complaint,
    tg_update,
    wa_message,
)
from aduan.channels.telegram.tests.helpers import post_telegram
from aduan.channels.tests.helpers import drain
from aduan.complaints.models import Complaint, Status
from aduan.evidence.models import Photo

pytestmark = pytest.mark.django_db(transaction=True)


def _to(telegram_api, chat=RT03_CHAT):
    return [r.json()["text"] for r in telegram_api.sent("/sendMessage")
            if r.json()["chat_id"] == str(chat)]


@pytest.fixture
def rt03(city_channels, persona):
    tg, _ = city_channels
    linking.link(tg, str(RT03_CHAT), linking.new_code(persona("rt03.kemlayan"))[0])
    return persona("rt03.kemlayan")


def test_parse_is_tolerant_of_case_spacing_and_telegram_forms(settings):
    assert parse("  terima   ska-1234-5678  ok ").ref == "SKA-1234-5678"
    assert parse("/terima@AduanSoloBot SKA 1234 5678").verb == "acknowledge"
    assert parse("Selesai 12345678 sudah ditambal").note == "sudah ditambal"
    assert parse("/selesai").ref == "" and parse("/selesai").verb == "resolve"
    assert parse("antrian").verb == "queue" and parse("BANTUAN").verb == "help"
    assert parse("Terima kasih pak") is None
    assert parse("start jalan rusak") is None


def test_rt_head_resolves_with_after_photo_and_the_citizen_hears(client, rt03, city_channels,
                                                                 telegram_api, graph):
    tg, _ = city_channels
    complaint = citizen_complaint(client)
    post_telegram(client, tg, tg_update(f"terima {complaint.ref} segera dicek"))
    drain()
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS and complaint.assignee == rt03
    post_telegram(client, tg, tg_update(f"SELESAI {complaint.ref} lubang sudah ditambal",
                                        photo=True))
    drain()
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED
    after = Photo.objects.get(complaint=complaint, tag="after")
    assert after.uploaded_by == rt03
    assert telegram_api.sent("/getFile")[-1].json()["file_id"] == "AgACAgUAAxkBAAIBAfterLarge"
    assert complaint.events.filter(kind="resolved", actor=rt03).exists()
    citizen = OutboxMessage.objects.filter(complaint=complaint, recipient=CITIZEN_WA,
                                           key__startswith="event:")
    resolved = [m for m in citizen if "dilaporkan selesai" in str(m.payload)]  # buttons too
    assert len(resolved) == 1 and "lubang sudah ditambal" in str(resolved[0].payload)
    assert any("tercatat selesai" in t for t in _to(telegram_api))


def test_reference_may_be_left_out_when_only_one_fits(client, rt03, city_channels,
                                                      telegram_api):
    tg, _ = city_channels
    complaint = citizen_complaint(client)
    letter = Complaint.objects.get(owner__code="rt-33-72-02-1007-05-03", status="assigned",
                                   channel="web")
    post_telegram(client, tg, tg_update("TERIMA"))  # two assigned: ask
    drain()
    assert complaint.ref in _to(telegram_api)[-1] and letter.ref in _to(telegram_api)[-1]
    assert Complaint.objects.filter(status="in_progress", assignee=rt03).count() == 0
    post_telegram(client, tg, tg_update(f"/terima@AduanSoloBot {letter.ref}"))
    drain()
    post_telegram(client, tg, tg_update("progres sedang diurus", photo=True))  # one in progress
    drain()
    letter.refresh_from_db()
    assert letter.status == "in_progress"
    assert Photo.objects.filter(complaint=letter, tag="progress").count() == 1
    assert letter.events.filter(kind="progress", note="sedang diurus").exists()


def test_another_rts_complaint_is_refused_politely_and_nothing_changes(
        client, city_channels, persona, graph):
    _, wa = city_channels
    linking.link(wa, RT01_WA, linking.new_code(persona("rt01.kemlayan"))[0])
    complaint = citizen_complaint(client)  # belongs to RT 03
    events = complaint.events.count()
    post_meta(client, wa_message(f"SELESAI {complaint.ref} sudah", photo=True))
    post_meta(client, wa_message(f"TERIMA {complaint.ref}"))
    drain()
    complaint.refresh_from_db()
    assert complaint.status == Status.ASSIGNED and complaint.events.count() == events
    assert not Photo.objects.filter(complaint=complaint).exclude(tag="before").exists()
    replies = [r.json()["text"]["body"] for r in graph.sent("/messages")
               if r.json()["to"] == RT01_WA]
    assert len(replies) == 2 and all("bukan wewenang" in r for r in replies)
    assert all("Mohon maaf" in r for r in replies)


def test_action_errors_become_polite_replies(client, rt03, city_channels, telegram_api):
    tg, _ = city_channels
    complaint = citizen_complaint(client)
    post_telegram(client, tg, tg_update(f"SELESAI {complaint.ref} sudah beres"))  # no photo
    drain()
    complaint.refresh_from_db()
    assert complaint.status == Status.ASSIGNED
    assert "foto sesudah" in _to(telegram_api)[-1] and "Mohon maaf" in _to(telegram_api)[-1]


def test_whatsapp_progress_photo_and_queue(client, city_channels, persona, graph):
    _, wa = city_channels
    linking.link(wa, RT01_WA, linking.new_code(persona("rt01.kemlayan"))[0])
    complaint = citizen_complaint(client, "rt-33-72-02-1007-05-01")
    post_meta(client, wa_message(f"PROGRES {complaint.ref} tukang sudah datang", photo=True))
    post_meta(client, wa_message("  antrean "))
    drain()
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS
    assert Photo.objects.filter(complaint=complaint, tag="progress").count() == 1
    replies = [r.json()["text"]["body"] for r in graph.sent("/messages")
               if r.json()["to"] == RT01_WA and r.json()["type"] == "text"]
    assert any("Progres aduan" in r for r in replies)
    queue = next(r for r in replies if r.startswith("Antrean Anda"))
    assert complaint.ref in queue and ("sisa" in queue or "tenggat" in queue)


def test_help(client, rt03, city_channels, telegram_api):
    tg, _ = city_channels
    post_telegram(client, tg, tg_update("/bantuan"))
    drain()
    assert "TERIMA" in _to(telegram_api)[-1] and "/selesai" in _to(telegram_api)[-1]
