"""What a linked official sends from Telegram or WhatsApp, run as the named actions.

    TERIMA SKA-1234-5678 [catatan]            acknowledge
    (photo) PROGRES SKA-1234-5678 catatan     progress, the photo tagged "progress"
    (photo) SELESAI SKA-1234-5678 catatan     resolve, the photo tagged "after"
    ANTREAN                                   the five open complaints due soonest
    BANTUAN                                   help
    TAUTKAN <code> (WhatsApp), /start <code> (Telegram): link this chat to an account

Case and spacing do not matter; Telegram's /terima, /progres, /selesai, /antrean,
/bantuan (also with @botname) work too. Without a reference, the one complaint the
official could mean (one assigned for TERIMA, one in progress otherwise) is used; if
there are several, we ask. Refusals (NotAllowed, ActionError, a rejected photo) become a
polite reply and change nothing.
"""

import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import translation

from aduan.complaints import actions
from aduan.complaints.models import Complaint, Status
from aduan.org.access import access_for

from .. import outbox
from ..models import ChannelAccount
from ..types import ChatMessage
from . import KINDS, linking

logger = logging.getLogger("aduan.channels")

VERBS = {
    "terima": "acknowledge", "ack": "acknowledge",
    "progres": "progress", "progress": "progress", "proses": "progress",
    "selesai": "resolve", "beres": "resolve",
    "antrean": "queue", "antrian": "queue", "antre": "queue",
    "bantuan": "help", "help": "help", "menu": "help",
    "tautkan": "link", "start": "start",
}
COMMAND = re.compile(r"^\s*(/?)([a-z]+)(?:@\w+)?(?:[\s:,.-]+(.*))?$", re.IGNORECASE | re.DOTALL)
NOT_COMMANDS = re.compile(r"^\s*terima\s*kasih", re.IGNORECASE)  # thanks, not "acknowledge"
CODE = re.compile(rf"^[{linking.ALPHABET}]{{{linking.LENGTH}}}$", re.IGNORECASE)
PHOTO_TAGS = {"acknowledge": "before", "progress": "progress", "resolve": "after"}
QUEUE_STATUSES = [Status.ASSIGNED, Status.IN_PROGRESS, Status.WAITING_CITIZEN]
QUEUE_SIZE = 5


@dataclass(frozen=True)
class Command:
    verb: str  # acknowledge, progress, resolve, queue, help, link, start
    ref: str = ""
    note: str = ""


def _ref_pattern() -> re.Pattern:
    prefix = re.escape(settings.ADUAN_REF_PREFIX)
    return re.compile(rf"^(?:{prefix})?[\s-]*(\d{{4}})[\s-]*(\d{{4}})(?!\d)[\s:,.-]*(.*)$",
                      re.IGNORECASE | re.DOTALL)


def parse(text: str) -> Command | None:
    """A command in the message text (or photo caption), or None."""
    m = COMMAND.match(text or "")
    if not m or m.group(2).lower() not in VERBS or NOT_COMMANDS.match(text):
        return None
    slash, verb = m.group(1), VERBS[m.group(2).lower()]
    rest = " ".join((m.group(3) or "").split())
    if verb == "start" and not slash:
        return None  # "start" in a citizen's sentence
    if verb in ("link", "start"):
        code = rest.split(" ")[0] if rest else ""
        if verb == "link" and not CODE.match(code):
            return None
        return Command(verb, note=code if CODE.match(code) else "")
    ref_match = _ref_pattern().match(rest)
    if ref_match:
        ref = f"{settings.ADUAN_REF_PREFIX}-{ref_match.group(1)}-{ref_match.group(2)}"
        return Command(verb, ref=ref, note=ref_match.group(3).strip())
    return Command(verb, note=rest)


def handle(account: ChannelAccount, msg: ChatMessage, photos: list[bytes]
           ) -> tuple[bool, Complaint | None]:
    """Handle a link code or a linked official's message. (False, None): not ours, the
    message is a citizen's. Runs inside the inbound event's transaction."""
    if account.kind not in KINDS:
        return False, None
    command = parse(msg.text)
    with translation.override("id"):
        if command is not None and command.verb in ("link", "start") and command.note:
            _reply(account, msg, _link(account, msg.sender, command.note))
            return True, None
        user = linking.linked_user(account.kind, msg.sender)
        if user is None:
            return False, None
        complaint, text = run(user, command, photos, account.kind)
        _reply(account, msg, text)
        return True, complaint


def _reply(account: ChannelAccount, msg: ChatMessage, text: str) -> None:
    outbox.queue_text(account, None, f"official-reply:{account.pk}:{msg.provider_id}",
                      msg.sender, text)


LINK_REFUSALS = {
    "wrong": "Kode tautan tidak dikenal atau sudah dipakai. Buat kode baru di halaman "
             "petugas (Tautkan chat), lalu kirim lagi.",
    "expired": "Kode tautan sudah kedaluwarsa. Buat kode baru di halaman petugas "
               "(Tautkan chat), lalu kirim dalam 15 menit.",
    "no_position": "Akun ini belum memegang jabatan aktif. Hubungi admin Aduan.",
    "blocked": "Terlalu banyak kode salah. Coba lagi satu jam lagi.",
}


def _link(account: ChannelAccount, sender: str, code: str) -> str:
    user, reason = linking.link(account, sender, code)
    if user is None:
        return LINK_REFUSALS[reason]
    from aduan.org.models import Official

    positions = ", ".join(str(p) for p in Official.objects.filter(user=user, is_active=True)
                          .select_related("unit"))
    name = user.get_full_name() or user.get_username()
    return (f"Terhubung. Halo {name} ({positions}). Aduan baru, peringatan tenggat dan "
            f"eskalasi untuk unit Anda akan dikirim ke sini.\n\n" + help_text(account.kind))


def help_text(kind: str = "") -> str:
    prefix = settings.ADUAN_REF_PREFIX
    text = (
        "Perintah petugas Aduan:\n"
        f"TERIMA {prefix}-1234-5678 [catatan] — terima aduan\n"
        f"Foto + keterangan PROGRES {prefix}-1234-5678 catatan — laporkan progres\n"
        f"Foto sesudah + keterangan SELESAI {prefix}-1234-5678 catatan — selesaikan aduan\n"
        "ANTREAN — lima aduan dengan tenggat terdekat\n"
        "BANTUAN — pesan ini\n"
        "Nomor aduan boleh dilewati bila hanya ada satu aduan yang Anda maksud."
    )
    if kind == "telegram":
        text += "\nDi Telegram juga bisa: /terima, /progres, /selesai, /antrean, /bantuan."
    return text


def run(user, command: Command | None, photos: list[bytes], kind: str = ""
        ) -> tuple[Complaint | None, str]:
    """Do what the official asked; returns the complaint acted on and the reply text."""
    if command is None or command.verb in ("link", "start"):
        if photos:
            return None, ("Foto diterima, tetapi belum jelas untuk aduan apa. Kirim ulang foto "
                          "dengan keterangan PROGRES <nomor aduan> catatan, atau SELESAI "
                          "<nomor aduan> catatan untuk foto sesudah.")
        if command is not None:  # /start without a code: already linked
            return None, help_text(kind)
        return None, "Perintah tidak dikenali.\n\n" + help_text(kind)
    if command.verb == "help":
        return None, help_text(kind)
    if command.verb == "queue":
        return None, queue_text(user)
    complaint, problem = _target(user, command)
    if complaint is None:
        return None, problem
    return _act(user, complaint, command, photos)


def _mine(user):
    return Complaint.objects.filter(access_for(user).complaint_q())


def _target(user, command: Command) -> tuple[Complaint | None, str]:
    if command.ref:
        complaint = (Complaint.objects.select_related("owner", "category")
                     .filter(ref=command.ref).first())
        if complaint is None or not access_for(user).may_act_on_complaint(complaint):
            return None, (f"Mohon maaf, aduan {command.ref} tidak ditemukan atau bukan "
                          "wewenang unit Anda. Kirim ANTREAN untuk melihat aduan Anda.")
        return complaint, ""
    statuses = [Status.ASSIGNED] if command.verb == "acknowledge" else [Status.IN_PROGRESS]
    candidates = list(_mine(user).filter(status__in=statuses).select_related("owner", "category")
                      .order_by("next_due", "created_at")[:50])
    if len(candidates) > 1:
        own = [c for c in candidates if c.assignee_id == user.pk]
        candidates = own if len(own) == 1 else candidates
    if len(candidates) == 1:
        return candidates[0], ""
    word = {"acknowledge": "TERIMA", "progress": "PROGRES", "resolve": "SELESAI"}[command.verb]
    if not candidates:
        which = "menunggu diterima" if command.verb == "acknowledge" else "sedang ditangani"
        return None, (f"Tidak ada aduan yang {which} di unit Anda. Tulis nomor aduannya, "
                      f"misalnya {word} {settings.ADUAN_REF_PREFIX}-1234-5678, atau kirim "
                      "ANTREAN.")
    refs = ", ".join(c.ref for c in candidates[:QUEUE_SIZE])
    return None, (f"Ada beberapa aduan: {refs}. Tulis nomor aduannya, misalnya "
                  f"{word} {candidates[0].ref} catatan.")


def _act(user, complaint: Complaint, command: Command, photos: list[bytes]
         ) -> tuple[Complaint | None, str]:
    from aduan.evidence.store import ImageRejected, save_photo

    verb, note, ref = command.verb, command.note, complaint.ref
    try:
        with transaction.atomic():  # a refused action leaves no photo behind
            ids = [save_photo(data, complaint=complaint, tag=PHOTO_TAGS[verb], user=user).pk
                   for data in photos]
            if verb == "acknowledge":  # a photo sent with TERIMA is the "before" photo
                complaint = actions.acknowledge(complaint, user, note)
            elif verb == "progress":
                complaint = actions.note_progress(complaint, user, note, ids)
            else:
                complaint = actions.resolve(complaint, user, note, ids)
    except ImageRejected as exc:
        return None, f"Mohon maaf, foto untuk aduan {ref} tidak bisa dipakai: {exc}"
    except actions.ActionError as exc:
        return None, f"Mohon maaf, aduan {ref} belum bisa diproses: {exc}"
    if verb == "acknowledge":
        return complaint, (f"Terima kasih, aduan {ref} sudah Anda terima dan sedang ditangani. "
                           f"Pelapor sudah diberi tahu. Kirim foto dengan keterangan PROGRES "
                           f"{ref} catatan, dan foto sesudah dengan SELESAI {ref} catatan bila "
                           "sudah beres.")
    photo_words = f" ({len(ids)} foto)" if ids else ""
    if verb == "progress":
        return complaint, f"Progres aduan {ref} tercatat{photo_words}. Pelapor sudah diberi tahu."
    return complaint, (f"Aduan {ref} tercatat selesai{photo_words}. Pelapor diminta "
                       "mengonfirmasi. Terima kasih atas kerjanya!")


def queue_text(user) -> str:
    from aduan.sla.humanize import time_left

    rows = _mine(user).filter(status__in=QUEUE_STATUSES).select_related("category")
    total = rows.count()
    if not total:
        return "Antrean Anda kosong. Terima kasih!"
    lines = [f"Antrean Anda: {total} aduan terbuka, tenggat terdekat dulu:"]
    for n, c in enumerate(rows.order_by("next_due", "created_at")[:QUEUE_SIZE], 1):
        category = c.category.name if c.category else "belum dikategorikan"
        lines.append(f"{n}. {c.ref} · {category} · {c.get_status_display()} · {time_left(c)}")
    lines.append("Balas TERIMA/PROGRES/SELESAI dengan nomor aduan.")
    return "\n".join(lines)
