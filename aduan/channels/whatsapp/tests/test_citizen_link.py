"""Issue 13 item 5 on WhatsApp: the citizen sends the code from a web complaint's tracking
page (`HUBUNGKAN <code>`, prefilled by the page's wa.me button); the complaint's updates
then come to this chat, and the wa_id the provider vouches for joins the web reporter to
the citizen. The code rules: complaints/tests/test_citizen_link.py."""

import copy

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from aduan.channels.meta.tests.helpers import post_meta
from aduan.channels.tests.helpers import drain, fixture
from aduan.complaints import actions, citizen_link, identity
from aduan.complaints.intake import IncomingMessage, open_complaint
from aduan.complaints.models import Complaint

WA = "6281234567890"  # the wa_id of messages__text.json
WA_ACCOUNT = "106540352242922"


@pytest.fixture(autouse=True)
def no_counters():
    cache.clear()  # wrong-code counters
    yield
    cache.clear()


def wa_text(text: str, n: int) -> dict:
    payload = copy.deepcopy(fixture("whatsapp/messages__text.json"))
    payload["entry"][0]["changes"][0]["value"]["messages"][0].update(
        id=f"wamid.LINK{n}", text={"body": text})
    return payload


def sent(graph) -> list[str]:
    return [s.json().get("text", {}).get("body", "") for s in graph.sent(f"/{WA_ACCOUNT}/messages")]


def web_complaint() -> Complaint:
    return open_complaint(IncomingMessage(
        channel="web", text="Saluran air di gang RT 3 RW 5 Kemlayan tersumbat", name="Sari",
        phone="081298765432", email="sari@example.org", region_code="33.72.02.1007"))


def test_the_code_joins_the_web_complaint_to_this_whatsapp_chat(client, wa_account, graph):
    complaint = web_complaint()
    web_reporter = complaint.reporter
    code, _ = citizen_link.current_code(complaint)
    post_meta(client, wa_text(f"hubungkan  {code[:5].lower()} {code[5:]}", 1))
    drain()
    assert Complaint.objects.filter(channel="whatsapp").count() == 0  # no complaint opened
    complaint.refresh_from_db()
    web_reporter.refresh_from_db()
    assert complaint.reporter.channel == "whatsapp" and complaint.reporter.handle == WA
    assert complaint.channel == "web" and complaint.channel_account_id == wa_account.pk
    assert web_reporter.verified_phone == WA  # proven by the wa_id, not by the form
    assert web_reporter.pk in identity.same_citizen(complaint.reporter)
    moved = complaint.events.get(kind="reporter_moved")
    assert not moved.public and WA not in moved.note and code not in moved.note
    assert sent(graph)[-1] == (f"Aduan {complaint.ref} sekarang terhubung dengan percakapan "
                               "ini; kabar berikutnya kami kirim di sini.")

    staff = get_user_model().objects.create_superuser("root", "r@example.org", "pw")
    actions.reply(complaint, staff, "Petugas membersihkan saluran besok pagi.")
    drain()
    assert "Petugas membersihkan saluran" in sent(graph)[-1]

    post_meta(client, wa_text("Airnya sudah masuk ke rumah warga", 2))  # joins, opens nothing
    drain()
    assert Complaint.objects.count() == Complaint.objects.filter(channel="web").count()
    assert complaint.events.filter(kind="citizen_message", note__contains="rumah warga").exists()


def test_a_wrong_code_gets_a_kind_answer_and_five_block_the_sender(client, wa_account, graph):
    complaint = web_complaint()
    code, _ = citizen_link.current_code(complaint)
    before = Complaint.objects.count()
    for n in range(citizen_link.MAX_FAILURES):
        post_meta(client, wa_text("HUBUNGKAN ABCDEFGHJK", 10 + n))
    drain()
    assert Complaint.objects.count() == before  # a code message never opens a complaint
    assert "kode tidak dikenal atau sudah dipakai" in sent(graph)[0]
    post_meta(client, wa_text(f"HUBUNGKAN {code}", 20))
    drain()
    assert sent(graph)[-1].startswith("Terlalu banyak kode salah")
    complaint.refresh_from_db()
    assert complaint.reporter.channel == "web"


def test_a_sentence_that_starts_with_hubungkan_is_a_complaint_as_before(
        client, wa_account, graph):
    post_meta(client, wa_text("Hubungkan saya dengan petugas kebersihan pasar Gede", 30))
    drain()
    assert Complaint.objects.filter(channel="whatsapp").count() == 1
