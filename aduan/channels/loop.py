"""The confirm-and-rate loop on the chat itself: which buttons go with which message, and
what a citizen's button press or typed fallback means. Pure functions, no provider names:
`processing.py` calls the same named actions as the web tracking page
(`complaints.actions.confirm/reopen/rate`) with the reporter's chat identity as `by`.

Button ids: "aduan:confirm:<ref>", "aduan:reopen:<ref>", "aduan:rate:<1-5>:<ref>",
"aduan:status". Typed fallbacks (every channel): SUDAH/1 and BELUM/2 after resolution,
1-5 after confirmation, STATUS at any time.
"""

import re
from dataclasses import dataclass

from django.utils import timezone

from aduan.complaints.models import TERMINAL, Complaint, Status

STATUS_WORD = re.compile(r"^\s*/?(status|cek\s+status|cek)\s*[.!?]*\s*$", re.IGNORECASE)
DIGIT = re.compile(r"^\s*([1-5])\s*[.!)]?\s*$")
STARS = {1: "1 Buruk", 2: "2 Kurang", 3: "3 Cukup", 4: "4 Baik", 5: "5 Sangat baik"}


@dataclass(frozen=True)
class Choice:
    verb: str  # confirm, reopen, rate, status
    ref: str = ""
    stars: int = 0


def buttons_for(kind: str, complaint: Complaint) -> tuple[tuple[str, str], ...]:
    """(id, title) pairs for the message of a timeline event, or none."""
    ref = complaint.ref
    if kind == "resolved":
        return ((f"aduan:confirm:{ref}", "Sudah beres"), (f"aduan:reopen:{ref}", "Belum beres"))
    if kind == "confirmed":
        return tuple((f"aduan:rate:{n}:{ref}", title) for n, title in STARS.items())
    return ()


def rating_question(complaint: Complaint) -> str:
    return (f"Terima kasih, aduan {complaint.ref} kami tutup. Seberapa puas Anda dengan "
            "penanganannya? Pilih atau balas angka 1 (buruk) sampai 5 (sangat baik).")


def maybe(action: str, text: str) -> bool:
    """Could be a choice (decided against the complaint's status later): never opens a
    complaint on the fast first-message path."""
    return bool(action) or bool(STATUS_WORD.match(text) or DIGIT.match(text))


def parse(action: str, text: str, status: str | None) -> Choice | None:
    """A pressed button (`action`) or a typed fallback, read against the status of the
    reporter's latest complaint (None: they have none)."""
    if action.startswith("aduan:"):
        parts = action.split(":")
        if parts[1] in ("confirm", "reopen") and len(parts) == 3:
            return Choice(parts[1], parts[2])
        if parts[1] == "rate" and len(parts) == 4 and parts[2] in "12345" and parts[2]:
            return Choice("rate", parts[3], int(parts[2]))
        if parts[1] == "status":
            return Choice("status")
        return None
    if STATUS_WORD.match(text):
        return Choice("status")
    digit = DIGIT.match(text)
    if digit and status == Status.RESOLVED and digit.group(1) in "12":
        return Choice("confirm" if digit.group(1) == "1" else "reopen")
    if digit and status == Status.CLOSED:
        return Choice("rate", stars=int(digit.group(1)))
    return None


def status_text(complaint: Complaint | None) -> str:
    from aduan.sla.humanize import time_left

    if complaint is None:
        return ("Anda belum punya aduan yang sedang berjalan. Tuliskan aduan Anda: apa "
                "masalahnya dan di mana.")
    text = f"Aduan {complaint.ref}: {complaint.get_status_display()}."
    if complaint.status not in TERMINAL:
        text += f" Tenggat berikutnya: {time_left(complaint)}."
        if complaint.resolution_due and complaint.status != Status.RESOLVED:
            due = timezone.localtime(complaint.resolution_due)
            text += f" Target selesai: {due:%d/%m/%Y %H.%M}."
    if complaint.owner_id:
        text += f" Ditangani oleh {complaint.owner}."
    return text + f"\n{complaint.tracking_url()}"
