"""Timeline events as people read them, for the public and for staff."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import Event

TITLES = {
    "received": _("Aduan diterima"),
    "classified": _("Kategori/lokasi diperiksa tim triase"),
    "assigned": _("Diteruskan ke unit"),
    "returned": _("Dikembalikan ke tim triase"),
    "acknowledged": _("Diterima petugas, sedang ditangani"),
    "reply": _("Balasan petugas"),
    "progress": _("Perkembangan pekerjaan"),
    "asked_citizen": _("Petugas meminta informasi"),
    "citizen_message": _("Informasi dari pelapor"),
    "citizen_reaction": _("Reaksi atau stiker dari pelapor"),
    "reporter_moved": _("Pelapor melanjutkan percakapan lewat kanal lain"),
    "resolved": _("Dilaporkan selesai"),
    "confirmed": _("Pelapor mengonfirmasi selesai"),
    "confirmation_recorded": _("Konfirmasi pelapor dicatat petugas (bukan oleh pelapor)"),
    "about_official": _("Aduan tentang petugas: unit yang diadukan dilewati"),
    "closed": _("Ditutup"),
    "reopened": _("Pelapor menyatakan belum beres"),
    "rated": _("Pelapor memberi nilai"),
    "rejected": _("Aduan ditolak"),
    "forwarded": _("Dialihkan ke instansi lain"),
    "merged": _("Digabung dengan aduan lain"),
    "merged_in": _("Aduan lain digabung ke sini"),
    "published": _("Teks publik disetujui tim triase"),
    "survivor_resolved": _("Aduan yang sama sudah diselesaikan"),
    "wait_expired": _("Batas waktu menunggu jawaban pelapor habis"),
    "escalated": _("Dinaikkan ke atasan (batas waktu terlewat)"),
    "sla_warning": _("Peringatan batas waktu"),
}


@dataclass
class Line:
    created_at: object
    kind: str
    title: str
    who: str
    note: str
    photos: list


def _who(event, public: bool) -> str:
    if public and event.kind == "citizen_message":
        return str(_("Pelapor"))
    if event.actor_id is None and event.actor_label == "Sistem":  # actions._label(None)
        return str(_("Sistem"))
    return event.actor_label


def lines(events, *, public: bool, photos_by_id: dict | None = None,
          complaint=None) -> list[Line]:
    """Staff lines (public=False). Public lines come from `public_face.timeline` only;
    `public=True` is kept for old callers and masks the same way."""
    from aduan.triage.pii import mask_public

    from .public_face import clean, known_values

    photos_by_id = photos_by_id or {}
    known = known_values(complaint) if public and complaint is not None else []
    result = []
    for event in events:
        if public and not event.public:
            continue
        note = event.note
        if event.kind in ("assigned", "forwarded") and event.data.get("unit"):
            note = f"{event.data['unit']}. {note}".strip(". ") if note else event.data["unit"]
        if event.kind == "merged" and event.data.get("into"):
            note = f"{_('Ikuti aduan')} {event.data['into']}"
        if event.kind == "rated":
            note = f"{event.data.get('stars', '')}★ {note}".strip()
        if not public and complaint is not None and complaint.token:
            # Older acknowledgements stored the citizen's private link: staff never see it.
            note = note.replace(complaint.token, "…")
        if public:
            # The acknowledgement carries the private tracking link: never on a public page.
            note = "" if event.kind == "received" else (
                clean(complaint, note, known) if complaint is not None else mask_public(note))
        result.append(Line(
            created_at=event.created_at, kind=event.kind,
            title=str(TITLES.get(event.kind, event.kind)),
            who=_who(event, public),
            note=note,
            photos=[photos_by_id[i] for i in event.data.get("photos", []) if i in photos_by_id],
        ))
    return result


def for_complaint(complaint, *, public: bool) -> list[Line]:
    from .public_face import public_photos

    photos = {p.pk: p for p in (public_photos(complaint) if public else complaint.photos.all())}
    events = Event.objects.filter(complaint=complaint).order_by("created_at", "id")
    return lines(events, public=public, photos_by_id=photos, complaint=complaint)
