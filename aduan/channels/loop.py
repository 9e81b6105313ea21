"""The confirm-and-rate loop on the chat itself: which buttons go with which message, and
what a citizen's button press or typed fallback means. Pure functions, no provider names:
`processing.py` calls the same named actions as the web tracking page
(`complaints.actions.confirm/reopen/rate`) with the reporter's chat identity as `by`.

Button ids: "aduan:confirm:<ref>", "aduan:reopen:<ref>", "aduan:rate:<1-5>:<ref>",
"aduan:status". Typed fallbacks (every channel): SUDAH/1 and BELUM/2 after resolution,
1-5 after confirmation, STATUS at any time.

Also decided here, for every channel alike: which photo goes with the resolution message
(`photo_url`: the after photo, only when the public may see it) and when the
acknowledgement asks for the place (`needs_place`: no kelurahan and no coordinates).
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
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


def photo_url(kind: str, complaint: Complaint, photo_ids=()) -> str:
    """The after photo that goes with the resolution message, as a URL the provider fetches:
    one the public may see (`public_face.photo_is_public`: never an identity category's,
    never before the public wording is approved), the one named by the event first, else
    the latest. Empty when there is none, or when PUBLIC_URL is a loopback address the
    provider cannot reach (the text keeps the link to the before/after page)."""
    from aduan.complaints.public_face import photo_is_public
    from aduan.evidence.models import Photo

    if kind != "resolved" or urlsplit(settings.PUBLIC_URL).hostname in LOOPBACK:
        return ""
    after = list(Photo.objects.filter(complaint=complaint, tag=Photo.Tag.AFTER)
                 .select_related("complaint__category").order_by("-created_at", "-pk"))
    after.sort(key=lambda p: p.pk not in photo_ids)  # stable: the event's own photos first
    photo = next((p for p in after if photo_is_public(p)), None)
    if photo is None:
        return ""
    return settings.PUBLIC_URL + reverse("photo", args=[photo.pk, "public"])


LOOPBACK = {"127.0.0.1", "localhost", "::1", "0.0.0.0", None}


def needs_place(complaint: Complaint) -> bool:
    """Neither a kelurahan (from the words) nor coordinates: ask where it is."""
    return complaint.region_id is None and complaint.lat is None


def location_question(button: bool) -> str:
    if button:
        return ("Kami belum tahu lokasinya. Tekan tombol Kirim lokasi di bawah, atau balas "
                "dengan nama jalan, RT/RW dan kelurahan.")
    return ("Kami belum tahu lokasinya. Mohon balas dengan nama jalan, RT/RW dan kelurahan, "
            "atau kirim lokasi lewat fitur Lokasi.")


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
