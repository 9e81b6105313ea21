"""E-mail: a message from the mailbox becomes a complaint; the reply leaves by SMTP."""

import socketserver
import threading
from email.message import EmailMessage

import pytest

from aduan.channels.email.parse import parse_bytes
from aduan.channels.inbound import store
from aduan.channels.models import ChannelAccount, InboundEvent, OutboxMessage
from aduan.channels.tests.fake_server import jpeg
from aduan.channels.tests.helpers import drain
from aduan.complaints.models import Complaint

pytestmark = pytest.mark.django_db(transaction=True)


class FakeSMTP(socketserver.ThreadingTCPServer):
    """Just enough SMTP (RFC 5321) to accept a message: EHLO, MAIL, RCPT, DATA, QUIT."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self):
        self.messages: list[bytes] = []
        server = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                self.wfile.write(b"220 fake ESMTP\r\n")
                while line := self.rfile.readline():
                    verb = line[:4].upper()
                    if verb in (b"EHLO", b"HELO"):
                        self.wfile.write(b"250 fake\r\n")
                    elif verb == b"DATA":
                        self.wfile.write(b"354 go\r\n")
                        data = b""
                        while (chunk := self.rfile.readline()) != b".\r\n":
                            data += chunk
                        server.messages.append(data)
                        self.wfile.write(b"250 queued\r\n")
                    elif verb == b"QUIT":
                        self.wfile.write(b"221 bye\r\n")
                        return
                    else:
                        self.wfile.write(b"250 ok\r\n")

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()


def citizen_mail() -> bytes:
    msg = EmailMessage()
    msg["From"] = "Budi Santoso <budi@example.org>"
    msg["To"] = "aduan@surakarta.go.id"
    msg["Subject"] = "Pohon tumbang di Jl. Veteran"
    msg["Message-ID"] = "<c0ffee@example.org>"
    msg.set_content("Ada pohon tumbang menutup jalan di Jl. Veteran dekat Gading.\n> kutipan")
    msg.add_attachment(jpeg(), maintype="image", subtype="jpeg", filename="pohon.jpg")
    return msg.as_bytes()


def test_mail_opens_complaint_with_photo_and_reply_goes_by_smtp(surakarta):
    smtp = FakeSMTP()
    port = smtp.server_address[1]
    account = ChannelAccount.objects.create(
        kind="email", account_id="aduan@surakarta.go.id",
        token="imap://aduan:pw@127.0.0.1:1/INBOX", secret=f"smtp://127.0.0.1:{port}")
    raw = citizen_mail()
    for _ in range(2):
        parsed, _ = parse_bytes(account.account_id, raw)
        store("email", raw.decode("utf-8", "surrogateescape"), parsed, account=account)
    assert InboundEvent.objects.count() == 1
    drain()
    complaint = Complaint.objects.get()
    assert complaint.reporter.email == "budi@example.org"
    assert complaint.reporter.name == "Budi Santoso"
    assert "kutipan" not in complaint.text and "Veteran" in complaint.text
    assert complaint.photos.count() == 1
    assert OutboxMessage.objects.get().status == "sent"
    assert len(smtp.messages) == 1
    sent = smtp.messages[0].decode()
    assert complaint.ref in sent and "In-Reply-To: <c0ffee@example.org>" in sent
    smtp.shutdown()
    smtp.server_close()
