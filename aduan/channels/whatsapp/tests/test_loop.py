"""Issue 13 item 2 on WhatsApp: on resolution the citizen gets "Sudah beres" / "Belum beres"
as interactive reply buttons, then a 1-5 rating as an interactive list; each press calls the
same named action as the web tracking page. The typed fallbacks and who may press:
tests/test_chat_loop.py."""


import pytest

from aduan.channels.tests.helpers import resolve
from aduan.channels.whatsapp.tests.helpers import last_wa, wa_press, wa_say
from aduan.complaints.models import Complaint, Status

# The worker closes connections between jobs: run every test on committed data.
pytestmark = pytest.mark.django_db(transaction=True)


def test_whatsapp_buttons_confirm_then_rate(client, wa_account, graph):
    wa_say(client, "Jalan berlubang besar di depan SD Kemlayan, bahaya untuk motor", 1)
    complaint = resolve(Complaint.objects.get())
    body = last_wa(graph)
    assert body["type"] == "interactive" and body["interactive"]["type"] == "button"
    assert "SUDAH" in body["interactive"]["body"]["text"]
    buttons = body["interactive"]["action"]["buttons"]
    assert [(b["reply"]["id"], b["reply"]["title"]) for b in buttons] == [
        (f"aduan:confirm:{complaint.ref}", "Sudah beres"),
        (f"aduan:reopen:{complaint.ref}", "Belum beres")]
    wa_press(client, "interactive_button_reply", f"aduan:confirm:{complaint.ref}")
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    confirmed = complaint.events.get(kind="confirmed")
    assert confirmed.data == {"via": "whatsapp"} and confirmed.actor_label == "Pelapor"
    body = last_wa(graph)
    assert body["type"] == "interactive" and body["interactive"]["type"] == "list"
    rows = body["interactive"]["action"]["sections"][0]["rows"]
    assert [r["id"] for r in rows] == [f"aduan:rate:{n}:{complaint.ref}" for n in range(1, 6)]
    assert all(len(r["title"]) <= 24 for r in rows)
    wa_press(client, "interactive_list_reply", f"aduan:rate:5:{complaint.ref}")
    complaint.refresh_from_db()
    assert complaint.rating == 5
    assert complaint.events.get(kind="rated").data == {"stars": 5, "via": "whatsapp"}
    assert "5 dari 5" in last_wa(graph)["text"]["body"]
