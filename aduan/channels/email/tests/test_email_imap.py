"""E-mail in by IMAP: the worker's poller against a real (fake) IMAP server on 127.0.0.1,
acknowledgements out through the fake SMTP server."""

import logging
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from django.core.management import call_command

from aduan.channels.email.poll import poll_all
from aduan.channels.models import ChannelAccount, InboundEvent, OutboxMessage
from aduan.channels.tests.fake_server import jpeg
from aduan.channels.tests.helpers import drain
from aduan.complaints.models import Complaint

from .fake_imap import FakeIMAP
from .test_email import FakeSMTP

pytestmark = pytest.mark.django_db(transaction=True)

ADDRESS = "aduan@surakarta.go.id"
PASSWORD = "Rah4sia-IMAP"


@pytest.fixture
def imap():
    fake = FakeIMAP(user="aduan", password=PASSWORD).start()
    yield fake
    fake.stop()
    assert fake.errors == []


@pytest.fixture
def smtp():
    fake = FakeSMTP()
    yield fake
    fake.shutdown()
    fake.server_close()


@pytest.fixture
def account(surakarta, imap, smtp):
    """Registered as docs/channels.md says: `aduan channels add email ...`."""
    call_command("channels", "add", "email", "--account-id", ADDRESS, "--token", imap.url(),
                 "--secret", f"smtp://127.0.0.1:{smtp.server_address[1]}")
    return ChannelAccount.objects.get(kind="email", account_id=ADDRESS)


def mail(sender: str, subject: str, text: str, *, msgid: str, html: bool = False,
         photo: bytes | None = None, in_reply_to: str = "") -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = ADDRESS
    msg["Subject"] = subject
    msg["Message-ID"] = msgid
    msg["Date"] = "Mon, 02 Jun 2025 08:15:00 +0700"
    if in_reply_to:
        msg["In-Reply-To"] = msg["References"] = in_reply_to
    msg.set_content(text, subtype="html" if html else "plain")
    if photo is not None:
        msg.add_attachment(photo, maintype="image", subtype="jpeg", filename="foto.jpg")
    return msg.as_bytes()


def mailbox(imap: FakeIMAP) -> dict[str, bytes]:
    raws = {
        "plain": mail("Siti Aminah <siti@example.org>", "Lampu jalan mati di Jl. Slamet Riyadi",
                      "Lampu jalan di depan gang Kemlayan mati sejak tiga hari.",
                      msgid="<plain-1@example.org>"),
        "photo": mail("Budi Santoso <budi@example.org>", "Sampah menumpuk di Pasar Gede",
                      "Sampah menumpuk dan berbau, foto terlampir.",
                      msgid="<photo-1@example.org>", photo=jpeg()),
        "subject": mail("Dewi <dewi@example.org>", "Jalan berlubang — bahaya di Laweyan ☹",
                        "Lubangnya dalam, sudah ada pengendara jatuh.",
                        msgid="<utf8-1@example.org>"),
        "html": mail("Andi <andi@example.org>", "Saluran mampet",
                     "<html><body><p>Saluran air <b>mampet</b> &amp; banjir di Jebres.</p>"
                     "</body></html>", msgid="<html-1@example.org>", html=True),
    }
    for raw in raws.values():
        imap.add(raw)
    return raws


def sent_to(smtp: FakeSMTP, address: str) -> list:
    msgs = [message_from_bytes(raw, policy=policy.default) for raw in smtp.messages]
    return [m for m in msgs if m["To"] == address]


def test_each_new_mail_opens_a_complaint_acknowledged_by_smtp(account, imap, smtp):
    raws = mailbox(imap)
    assert b"=?utf-8?" in raws["subject"]  # the subject travels as RFC 2047 encoded words
    assert b"Content-Type: text/plain" not in raws["html"]

    assert poll_all() == 4
    assert imap.commands.count("LOGIN") == 1 and "UID STORE" in imap.commands
    assert imap.unseen() == []  # flagged \Seen after storing
    assert InboundEvent.objects.count() == 4
    drain()

    complaints = {c.reporter.email: c for c in Complaint.objects.select_related("reporter")}
    assert set(complaints) == {"siti@example.org", "budi@example.org", "dewi@example.org",
                               "andi@example.org"}
    assert all(c.channel == "email" for c in complaints.values())
    siti = complaints["siti@example.org"]
    assert siti.reporter.name == "Siti Aminah"
    assert "Lampu jalan mati" in siti.text and "Kemlayan" in siti.text
    assert "Jalan berlubang — bahaya di Laweyan ☹" in complaints["dewi@example.org"].text
    html_text = complaints["andi@example.org"].text
    assert "mampet" in html_text and "& banjir" in html_text
    assert "<b>" not in html_text and "&amp;" not in html_text

    budi = complaints["budi@example.org"]
    photo = budi.photos.get()
    assert photo.tag == "before" and (photo.width, photo.height) == (64, 48)
    assert sum(c.photos.count() for c in complaints.values()) == 1

    # One acknowledgement each, sent by SMTP to the sender, with the reference number.
    assert OutboxMessage.objects.count() == 4
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}
    assert len(smtp.messages) == 4
    for address, complaint in complaints.items():
        (ack,) = sent_to(smtp, address)
        assert ack["From"] == ADDRESS
        assert complaint.ref in ack.get_content()
        event = InboundEvent.objects.get(complaint=complaint)
        assert ack["In-Reply-To"] == event.provider_id
    assert sent_to(smtp, "dewi@example.org")[0]["Subject"] == (
        "Re: Jalan berlubang — bahaya di Laweyan ☹")


def test_second_poll_stores_nothing_new(account, imap, smtp):
    mailbox(imap)
    assert poll_all() == 4
    drain()
    events = list(InboundEvent.objects.order_by("pk").values_list("pk", flat=True))

    fetches = imap.commands.count("UID FETCH")
    assert poll_all() == 0  # everything is \Seen: nothing fetched again
    assert imap.commands.count("UID FETCH") == fetches

    imap.mark_all_unseen()  # another mail client marked them unread: Message-ID is the key
    assert poll_all() == 0
    assert imap.commands.count("UID FETCH") == fetches + 4
    assert imap.unseen() == []
    drain()
    assert list(InboundEvent.objects.order_by("pk").values_list("pk", flat=True)) == events
    assert Complaint.objects.count() == 4 and len(smtp.messages) == 4


def test_reply_from_the_same_sender_joins_the_open_complaint(account, imap, smtp):
    imap.add(mail("Siti Aminah <siti@example.org>", "Lampu jalan mati di Jl. Slamet Riyadi",
                  "Lampu jalan di depan gang Kemlayan mati sejak tiga hari.",
                  msgid="<plain-1@example.org>"))
    poll_all()
    drain()
    complaint = Complaint.objects.get()
    (ack,) = smtp.messages
    ack = message_from_bytes(ack, policy=policy.default)

    imap.add(mail("Siti Aminah <SITI@example.org>", str(ack["Subject"]),
                  "Lampunya masih mati sampai malam ini, foto terlampir.\n\n"
                  f"> {ack.get_content().splitlines()[0]}",
                  msgid="<plain-2@example.org>", in_reply_to=str(ack["Message-ID"]),
                  photo=jpeg((20, 20, 200))))
    assert poll_all() == 1
    drain()

    assert Complaint.objects.count() == 1
    event = complaint.events.filter(kind="citizen_message").get()
    assert "Lampunya masih mati" in event.note and complaint.ref not in event.note
    assert len(event.data["photos"]) == 1
    assert complaint.photos.filter(tag="before").count() == 1
    assert InboundEvent.objects.get(provider_id="<plain-2@example.org>").complaint == complaint


def test_wrong_credentials_store_nothing_and_log_no_password(account, imap, smtp, caplog):
    mailbox(imap)
    wrong = "Salah-Sandi-99"
    account.token = imap.url(password=wrong)
    account.save(update_fields=["token"])

    with caplog.at_level(logging.INFO, logger="aduan"):
        assert poll_all() == 0
    assert imap.failed_logins == 1 and imap.logins == 0
    assert "UID SEARCH" not in imap.commands and "UID FETCH" not in imap.commands
    assert len(imap.unseen()) == 4
    assert InboundEvent.objects.count() == 0 and Complaint.objects.count() == 0
    assert [r.getMessage() for r in caplog.records if r.name == "aduan.channels"] == [
        f"e-mail account {account.pk}: error"]
    assert wrong not in caplog.text and PASSWORD not in caplog.text


def test_connection_dropped_mid_fetch_loses_nothing(account, imap, smtp):
    imap.add(mail("Siti Aminah <siti@example.org>", "Lampu jalan mati",
                  "Lampu jalan di depan gang Kemlayan mati.", msgid="<a@example.org>"))
    second = imap.add(mail("Budi Santoso <budi@example.org>", "Sampah menumpuk",
                           "Sampah menumpuk, foto terlampir.", msgid="<b@example.org>",
                           photo=jpeg()))
    imap.drop_next_fetch = second  # its body FETCH dies halfway through the literal

    poll_all()  # the first is stored and flagged; the poll ends at the drop (logged)
    assert list(InboundEvent.objects.values_list("provider_id", flat=True)) == [
        "<a@example.org>"]
    assert imap.unseen() == [second]

    assert poll_all() == 1
    assert imap.unseen() == []
    drain()
    assert Complaint.objects.count() == 2
    assert Complaint.objects.get(reporter__email="budi@example.org").photos.count() == 1
    assert len(smtp.messages) == 2


def test_legacy_8bit_latin1_mail_does_not_block_the_mailbox(account, imap, smtp):
    """An 8-bit Latin-1 message (older mail clients) is stored readable; before the fix
    its bytes could not be stored as text, so every poll failed at it and never got past."""
    imap.add(b"From: Rudi <rudi@example.org>\r\nTo: " + ADDRESS.encode() + b"\r\n"
             b"Subject: Got mampet\r\nMessage-ID: <latin1@example.org>\r\nMIME-Version: 1.0\r\n"
             b"Content-Type: text/plain; charset=iso-8859-1\r\n"
             b"Content-Transfer-Encoding: 8bit\r\n\r\n"
             b"Got di depan Caf\xe9 Gading mampet.\r\n")
    imap.add(mail("Siti Aminah <siti@example.org>", "Lampu jalan mati",
                  "Lampu jalan di depan gang Kemlayan mati.", msgid="<after@example.org>"))

    assert poll_all() == 2
    assert imap.unseen() == []
    drain()
    rudi = Complaint.objects.get(reporter__email="rudi@example.org")
    assert "Café Gading mampet" in rudi.text
    assert Complaint.objects.filter(reporter__email="siti@example.org").exists()
    assert len(smtp.messages) == 2
