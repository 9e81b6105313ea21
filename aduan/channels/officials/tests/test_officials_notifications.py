"""New work, escalations and SLA warnings reach the receiving unit's linked officials."""

from datetime import timedelta

import pytest

from aduan.channels.meta.tests.helpers import post_meta
from aduan.channels.models import InboundEvent, OutboxMessage
from aduan.channels.officials import linking
from aduan.channels.officials.tests.helpers import RT01_WA, RT03_CHAT, citizen_complaint, wa_message
from aduan.channels.tests.helpers import drain
from aduan.org.models import Unit
from aduan.sla import escalation

pytestmark = pytest.mark.django_db(transaction=True)


def _to(telegram_api, chat):
    return [r.json()["text"] for r in telegram_api.sent("/sendMessage")
            if r.json()["chat_id"] == str(chat)]


def test_assignment_reaches_the_linked_rt_head_exactly_once(client, city_channels, persona,
                                                            telegram_api):
    tg, _ = city_channels
    linking.link(tg, str(RT03_CHAT), linking.new_code(persona("rt03.kemlayan"))[0])
    complaint = citizen_complaint(client)
    drain()
    drain()
    texts = _to(telegram_api, RT03_CHAT)
    assert len(texts) == 1
    text = texts[0]
    assert complaint.ref in text and f"TERIMA {complaint.ref}" in text
    assert "Aduan baru untuk" in text and "Tenggat: " in text
    assert "Kategori:" in text and "Lokasi:" in text
    rows = OutboxMessage.objects.filter(key__startswith="official:", recipient=str(RT03_CHAT))
    assert rows.count() == 1 and rows.get().status == "sent"


def test_whatsapp_official_outside_the_window_gets_the_template(client, city_channels, persona,
                                                                graph):
    _, wa = city_channels
    linking.link(wa, RT01_WA, linking.new_code(persona("rt01.kemlayan"))[0])
    post_meta(client, wa_message("ANTREAN"))
    drain()
    InboundEvent.objects.filter(sender=RT01_WA).update(
        received_at=InboundEvent.objects.get(sender=RT01_WA).received_at - timedelta(days=2))
    complaint = citizen_complaint(client, "rt-33-72-02-1007-05-01")
    drain()
    sent = [r.json() for r in graph.sent("/messages") if r.json()["to"] == RT01_WA]
    body = sent[-1]
    assert body["type"] == "template" and body["template"]["name"] == "aduan_update"
    param = body["template"]["components"][0]["parameters"][0]["text"]
    assert complaint.ref in param and "\n" not in param


def test_escalation_and_warning_reach_the_units_that_must_act(client, city_channels, persona,
                                                              telegram_api):
    tg, _ = city_channels
    linking.link(tg, str(RT03_CHAT), linking.new_code(persona("rt03.kemlayan"))[0])
    linking.link(tg, "4444444", linking.new_code(persona("rw05.kemlayan"))[0])
    complaint = citizen_complaint(client)
    drain()
    escalation.tick(now=complaint.next_due - timedelta(minutes=30))
    drain()
    warnings = [t for t in _to(telegram_api, RT03_CHAT)
                if "Peringatan tenggat" in t and complaint.ref in t]
    assert len(warnings) == 1 and "Tenggat:" in warnings[0]
    escalation.tick(now=complaint.next_due + timedelta(minutes=1))
    drain()
    rw = [t for t in _to(telegram_api, "4444444") if complaint.ref in t]
    assert len(rw) == 1 and "Eskalasi ke" in rw[0]
    assert Unit.objects.get(code="rw-33-72-02-1007-05").name in rw[0]


def test_unlinked_and_other_units_hear_nothing(client, city_channels, persona, telegram_api):
    tg, _ = city_channels
    linking.link(tg, str(RT03_CHAT), linking.new_code(persona("rt03.kemlayan"))[0])
    citizen_complaint(client, "rt-33-72-02-1007-05-01")
    drain()
    assert _to(telegram_api, RT03_CHAT) == []
