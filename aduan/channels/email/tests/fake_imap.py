"""A small real IMAP4rev1 server (RFC 3501) on 127.0.0.1 for the e-mail poller's tests.

Plain TCP only: the poller connects with `imaplib.IMAP4` for `imap://` URLs (and
`IMAP4_SSL` for `imaps://`), so tests use `imap://` and no certificate is needed.

It speaks the subset the poller uses, with tagged responses: greeting `* OK`, CAPABILITY,
NOOP, LOGIN (wrong credentials: `NO [AUTHENTICATIONFAILED]`), SELECT/EXAMINE (EXISTS,
UIDVALIDITY, UIDNEXT), SEARCH and UID SEARCH (ALL, SEEN, UNSEEN), FETCH and UID FETCH
(UID, FLAGS, RFC822.SIZE, RFC822, BODY[], BODY.PEEK[] as `{n}` literals; BODY[] and RFC822
set \\Seen, BODY.PEEK[] does not), STORE and UID STORE (+FLAGS, -FLAGS, FLAGS, .SILENT),
EXPUNGE, CLOSE, LOGOUT. Anything else is answered `BAD`.

    imap = FakeIMAP(user="aduan", password="rahasia").start()
    uid = imap.add(message.as_bytes())
    account.token = imap.url()            # imap://aduan:rahasia@127.0.0.1:<port>/INBOX
    imap.drop_next_fetch = True           # the next body FETCH is cut off mid-literal
    imap.drop_next_fetch = uid            # ... the next body FETCH of that UID
"""

import re
import socketserver
import threading
from dataclasses import dataclass, field

CAPABILITIES = "IMAP4rev1 AUTH=PLAIN"
SYSTEM_FLAGS = r"(\Answered \Flagged \Deleted \Seen \Draft)"
TOKEN = re.compile(rb'"((?:[^"\\]|\\.)*)"|\(([^)]*)\)|(\S+)')


@dataclass
class Mail:
    uid: int
    raw: bytes
    flags: set[str] = field(default_factory=set)


class Bad(Exception):
    """A command or its arguments this server does not understand: tagged BAD."""


class FakeIMAP:
    def __init__(self, user: str = "aduan", password: str = "rahasia", mailbox: str = "INBOX"):
        self.user, self.password, self.mailbox = user, password, mailbox
        self.mails: list[Mail] = []
        self.uidvalidity = 1700000001
        self.next_uid = 101  # UIDs need not start at 1; sequence numbers do
        self.commands: list[str] = []  # "UID FETCH", "LOGIN", ... in the order received
        self.logins = self.failed_logins = 0
        self.drop_next_fetch: bool | int = False  # True, or the UID whose FETCH to cut
        self.errors: list[BaseException] = []
        self.lock = threading.Lock()

    # --- test API ----------------------------------------------------------------------

    def add(self, raw: bytes, *flags: str) -> int:
        with self.lock:
            uid = self.next_uid
            self.next_uid += 1
            self.mails.append(Mail(uid, raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"),
                                   set(flags)))
            return uid

    def unseen(self) -> list[int]:
        with self.lock:
            return [m.uid for m in self.mails if "\\Seen" not in m.flags]

    def mark_all_unseen(self) -> None:
        with self.lock:
            for m in self.mails:
                m.flags.discard("\\Seen")

    def url(self, user: str | None = None, password: str | None = None) -> str:
        return (f"imap://{user or self.user}:{password or self.password}"
                f"@127.0.0.1:{self.port}/{self.mailbox}")

    def start(self) -> "FakeIMAP":
        fake = self

        class Server(socketserver.ThreadingTCPServer):
            allow_reuse_address = True
            daemon_threads = True

            def handle_error(self, request, client_address):
                import sys

                fake.errors.append(sys.exc_info()[1])

        self.server = Server(("127.0.0.1", 0), _handler(self))
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _handler(fake: FakeIMAP):
    class Session(socketserver.StreamRequestHandler):
        timeout = 10

        def handle(self):
            self.state, self.readonly = "NONAUTH", False
            self.out(f"* OK [CAPABILITY {CAPABILITIES}] fake IMAP ready")
            while line := self.rfile.readline():
                tag, _, rest = line.rstrip(b"\r\n").partition(b" ")
                tag = tag.decode("ascii", "replace")
                name, _, args = rest.partition(b" ")
                name = name.decode("ascii", "replace").upper()
                uid = name == "UID"
                if uid:
                    name, _, args = args.partition(b" ")
                    name = name.decode("ascii", "replace").upper()
                with fake.lock:
                    fake.commands.append(("UID " if uid else "") + name)
                try:
                    if self.command(tag, name, args, uid) == "close":
                        return
                except Bad as exc:
                    self.out(f"{tag} BAD {exc or 'command unknown or arguments invalid'}")

        def out(self, text: str | bytes) -> None:
            self.wfile.write((text.encode() if isinstance(text, str) else text) + b"\r\n")

        def command(self, tag: str, name: str, args: bytes, uid: bool):
            if uid and name not in {"SEARCH", "FETCH", "STORE"}:
                raise Bad("UID takes SEARCH, FETCH or STORE")
            if name == "CAPABILITY":
                self.out(f"* CAPABILITY {CAPABILITIES}")
            elif name == "NOOP":
                pass
            elif name == "LOGOUT":
                self.out("* BYE fake IMAP logging out")
                self.out(f"{tag} OK LOGOUT completed")
                return "close"
            elif name == "LOGIN":
                if self.state != "NONAUTH":
                    raise Bad("already authenticated")
                words = tokens(args)
                if len(words) != 2:
                    raise Bad("LOGIN needs user and password")
                if words[0] != fake.user.encode() or words[1] != fake.password.encode():
                    fake.failed_logins += 1
                    return self.out(f"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials")
                fake.logins += 1
                self.state = "AUTH"
            elif name in {"SELECT", "EXAMINE"}:
                self.need("AUTH", "SELECTED")
                words = tokens(args)
                if len(words) != 1:
                    raise Bad("SELECT needs one mailbox")
                if words[0].decode().upper() != fake.mailbox.upper():
                    self.state = "AUTH"
                    return self.out(f"{tag} NO [NONEXISTENT] No such mailbox")
                self.state, self.readonly = "SELECTED", name == "EXAMINE"
                with fake.lock:
                    exists = len(fake.mails)
                    unseen = [i for i, m in enumerate(fake.mails, 1) if "\\Seen" not in m.flags]
                    next_uid = fake.next_uid
                self.out(f"* FLAGS {SYSTEM_FLAGS}")
                self.out(f"* {exists} EXISTS")
                self.out("* 0 RECENT")
                if unseen:
                    self.out(f"* OK [UNSEEN {unseen[0]}] First unseen")
                self.out(f"* OK [UIDVALIDITY {fake.uidvalidity}] UIDs valid")
                self.out(f"* OK [UIDNEXT {next_uid}] Predicted next UID")
                self.out(r"* OK [PERMANENTFLAGS (\Deleted \Seen \*)] Limited")
                mode = "READ-ONLY" if self.readonly else "READ-WRITE"
                return self.out(f"{tag} OK [{mode}] {name} completed")
            elif name == "SEARCH":
                self.need("SELECTED")
                found = self.search(args, uid)
                self.out("* SEARCH" + "".join(f" {n}" for n in found))
            elif name == "FETCH":
                self.need("SELECTED")
                if self.fetch(args, uid) == "dropped":
                    return "close"
            elif name == "STORE":
                self.need("SELECTED")
                self.store(args, uid)
            elif name in {"EXPUNGE", "CLOSE"}:
                self.need("SELECTED")
                with fake.lock:
                    gone = [i for i, m in enumerate(fake.mails, 1) if "\\Deleted" in m.flags]
                    for i in reversed(gone):
                        del fake.mails[i - 1]
                if name == "EXPUNGE":
                    for i in reversed(gone):
                        self.out(f"* {i} EXPUNGE")
                else:
                    self.state = "AUTH"
            else:
                raise Bad(f"{name or 'empty command'} not supported")
            self.out(f"{tag} OK {('UID ' if uid else '') + name} completed")

        def need(self, *states: str) -> None:
            if self.state not in states:
                raise Bad(f"command not allowed in state {self.state}")

        def chosen(self, spec: bytes, uid: bool) -> list[tuple[int, Mail]]:
            """The (sequence number, mail) pairs a sequence set names (RFC 3501 9)."""
            with fake.lock:
                mails = list(enumerate(fake.mails, 1))
            if not mails:
                return []
            top = mails[-1][1].uid if uid else len(mails)
            wanted: set[int] = set()
            for part in spec.decode().split(","):
                lo, _, hi = part.partition(":")
                try:
                    a = top if lo == "*" else int(lo)
                    b = a if not hi else (top if hi == "*" else int(hi))
                except ValueError:
                    raise Bad("invalid sequence set") from None
                wanted.update(range(min(a, b), max(a, b) + 1))
            return [(n, m) for n, m in mails if (m.uid if uid else n) in wanted]

        def search(self, args: bytes, uid: bool) -> list[int]:
            words = [w.upper() for w in tokens(args)]
            if words[:1] == [b"CHARSET"]:
                words = words[2:]
            if not words or any(w not in {b"ALL", b"SEEN", b"UNSEEN"} for w in words):
                raise Bad("only ALL, SEEN and UNSEEN are supported")
            found = []
            with fake.lock:
                for n, m in enumerate(fake.mails, 1):
                    seen = "\\Seen" in m.flags
                    if (b"SEEN" in words and not seen) or (b"UNSEEN" in words and seen):
                        continue
                    found.append(m.uid if uid else n)
            return found

        def fetch(self, args: bytes, uid: bool):
            spec, _, items = args.partition(b" ")
            items = items.strip().upper()
            if items.startswith(b"(") and items.endswith(b")"):
                items = items[1:-1]
            wanted = items.split()
            known = {b"UID", b"FLAGS", b"RFC822", b"RFC822.SIZE", b"BODY[]", b"BODY.PEEK[]"}
            if not wanted or any(w not in known for w in wanted):
                raise Bad("unsupported FETCH items")
            if uid and b"UID" not in wanted:
                wanted.insert(0, b"UID")  # RFC 3501 6.4.8: UID FETCH always reports the UID
            for n, mail in self.chosen(spec, uid):
                parts: list[bytes] = []
                literal = None
                for item in wanted:
                    if item == b"UID":
                        parts.append(b"UID %d" % mail.uid)
                    elif item == b"RFC822.SIZE":
                        parts.append(b"RFC822.SIZE %d" % len(mail.raw))
                    elif item in {b"RFC822", b"BODY[]", b"BODY.PEEK[]"}:
                        if item != b"BODY.PEEK[]" and not self.readonly:
                            with fake.lock:
                                mail.flags.add("\\Seen")
                            if b"FLAGS" not in wanted:
                                wanted.append(b"FLAGS")
                        literal = b"RFC822" if item == b"RFC822" else b"BODY[]"
                    elif item == b"FLAGS":
                        pass
                if b"FLAGS" in wanted:
                    parts.append(b"FLAGS (" + " ".join(sorted(mail.flags)).encode() + b")")
                head = b"* %d FETCH (" % n + b" ".join(parts)
                if literal is None:
                    self.out(head + b")")
                    continue
                head += (b" " if parts else b"") + literal + b" {%d}" % len(mail.raw)
                self.out(head)
                with fake.lock:
                    drop = fake.drop_next_fetch in (True, mail.uid)
                    if drop:
                        fake.drop_next_fetch = False
                if drop:  # the connection dies halfway through the literal
                    self.wfile.write(mail.raw[: len(mail.raw) // 2])
                    self.wfile.flush()
                    return "dropped"
                self.wfile.write(mail.raw)
                self.out(b")")

        def store(self, args: bytes, uid: bool) -> None:
            m = re.fullmatch(rb"(\S+) ([+-]?)FLAGS(\.SILENT)? \(?([^)]*)\)?", args.strip(),
                             re.IGNORECASE)
            if not m:
                raise Bad("STORE needs a sequence set, [+-]FLAGS[.SILENT] and flags")
            if self.readonly:
                raise Bad("mailbox is read-only")
            flags = {f.decode() for f in m.group(4).split()}
            for n, mail in self.chosen(m.group(1), uid):
                with fake.lock:
                    if m.group(2) == b"+":
                        mail.flags |= flags
                    elif m.group(2) == b"-":
                        mail.flags -= flags
                    else:
                        mail.flags = set(flags)
                    now = " ".join(sorted(mail.flags))
                if not m.group(3):
                    extra = f"UID {mail.uid} " if uid else ""
                    self.out(f"* {n} FETCH ({extra}FLAGS ({now}))")

    return Session


def tokens(args: bytes) -> list[bytes]:
    """Atoms and quoted strings (RFC 3501 4.1, 4.3) of a command's arguments."""
    out = []
    for quoted, paren, atom in TOKEN.findall(args):
        if atom:
            out.append(atom)
        elif paren:
            out.append(paren)
        else:
            out.append(re.sub(rb"\\(.)", rb"\1", quoted))
    return out
