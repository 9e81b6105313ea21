"""Issue 13 item 2: the loop on the chat itself. On resolution the citizen gets "Sudah
beres" / "Belum beres" reply buttons, then a 1-5 rating; typed fallbacks (1/2,
SUDAH/BELUM, 1-5, STATUS) work everywhere. Each button calls the same named action as the
web tracking page, with the reporter's chat identity. Driven through the test-only "plain"
channel; how each provider shows the buttons is tested in its folder (whatsapp/tests/
test_loop.py, telegram/tests/test_loop.py, meta/tests/test_quick_replies.py)."""

import pytest

from aduan.channels.tests.helpers import drain, resolve
from aduan.complaints import actions
from aduan.complaints.models import Complaint, Status

from .plain.deliver import message, receive

# The worker closes connections between jobs: run every test on committed data.
pytestmark = pytest.mark.django_db(transaction=True)


def say(account, text: str = "", *, sender: str = "warga-1", action: str = "") -> None:
    receive(account, message(text, sender=sender, action=action))
    drain()


def test_buttons_confirm_then_rate(plain_account, plain_api):
    say(plain_account, "Jalan berlubang besar di depan SD Kemlayan, bahaya untuk motor")
    complaint = resolve(Complaint.objects.get())
    sent = plain_api.sent("/send")[-1].json()
    assert "SUDAH" in sent["text"]
    assert sent["buttons"] == [[f"aduan:confirm:{complaint.ref}", "Sudah beres"],
                               [f"aduan:reopen:{complaint.ref}", "Belum beres"]]
    say(plain_account, action=f"aduan:confirm:{complaint.ref}")
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    confirmed = complaint.events.get(kind="confirmed")
    assert confirmed.data == {"via": "plain"} and confirmed.actor_label == "Pelapor"
    buttons = plain_api.sent("/send")[-1].json()["buttons"]
    assert [key for key, _ in buttons] == [f"aduan:rate:{n}:{complaint.ref}" for n in range(1, 6)]
    say(plain_account, action=f"aduan:rate:5:{complaint.ref}")
    complaint.refresh_from_db()
    assert complaint.rating == 5
    assert complaint.events.get(kind="rated").data == {"stars": 5, "via": "plain"}
    assert "5 dari 5" in plain_api.texts()[-1]


def test_typed_fallbacks_reopen_confirm_rate_and_status(plain_account, plain_api):
    say(plain_account, "Lampu jalan mati di Jalan Kemlayan RT 03 sejak seminggu")
    complaint = resolve(Complaint.objects.get())
    say(plain_account, "2")
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS
    assert complaint.events.get(kind="reopened").data == {"via": "plain"}
    say(plain_account, "status")
    text = plain_api.texts()[-1]
    assert complaint.ref in text and "Sedang ditangani" in text and "Tenggat" in text
    complaint = resolve(complaint)
    say(plain_account, "1")
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    say(plain_account, "4")
    complaint.refresh_from_db()
    assert complaint.rating == 4
    assert Complaint.objects.count() == 1  # no fallback opened a complaint
    say(plain_account, "STATUS")
    assert "Ditutup" in plain_api.texts()[-1]


def test_status_before_any_complaint_answers_and_opens_nothing(plain_account, plain_api):
    say(plain_account, "Status")
    assert not Complaint.objects.exists()
    assert "belum punya aduan" in plain_api.texts()[-1]


def test_a_button_for_someone_elses_complaint_changes_nothing(plain_account, plain_api):
    say(plain_account, "Sampah menumpuk di pasar Gede sudah tiga hari")
    complaint = resolve(Complaint.objects.get())
    say(plain_account, sender="warga-2", action=f"aduan:confirm:{complaint.ref}")
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED


def test_the_action_refuses_a_chat_identity_that_is_not_the_reporter(plain_account,
                                                                    plain_api):
    say(plain_account, "Saluran air tersumbat di Jalan Gatot Subroto")
    complaint = resolve(Complaint.objects.get())
    with pytest.raises(actions.NotAllowed):
        actions.confirm(complaint, by=actions.Citizen("plain", "warga-2"))
    with pytest.raises(actions.NotAllowed):
        actions.rate(complaint, 5, by=actions.Citizen("plain2", complaint.reporter.handle))
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED and complaint.rating is None
