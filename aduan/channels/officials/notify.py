"""New assignments, escalations and SLA warnings to the receiving unit's linked officials.

Listens to `event_recorded` (inside the transaction that made the change) and queues one
outbox message per (event, official, chat kind), key `official:<event>:<user>:<kind>`, so
each is sent once. The official who made the change is not told about it.

Which account sends: the account of that kind the official last wrote to (a Telegram bot
can only write to people who started it; WhatsApp's 24-hour window is per number); else
an active account tied to the unit or its nearest ancestor (`ChannelAccount.unit`); else
the city's first active account of that kind. WhatsApp outside the 24-hour window uses
the account's template (`template_name`), exactly like messages to citizens.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.dispatch import receiver
from django.urls import reverse

from aduan.complaints.models import Complaint, Event
from aduan.complaints.signals import event_recorded
from aduan.org.models import Official, Unit

from ..models import ChannelAccount, InboundEvent
from ..outbox import queue_text
from . import whatsapp_id

logger = logging.getLogger("aduan.channels")

# Event kind -> the key in event.data naming the unit that receives the complaint.
UNIT_KEYS = {"assigned": "to", "escalated": "to", "sla_warning": "unit"}
HEADINGS = {
    "assigned": "Aduan baru untuk {unit}",
    "escalated": "Eskalasi ke {unit}",
    "sla_warning": "Peringatan tenggat untuk {unit}",
}


@receiver(event_recorded, dispatch_uid="aduan.channels.officials")
def on_event_recorded(sender, event: Event, **kwargs) -> None:
    key = UNIT_KEYS.get(event.kind)
    unit_id = event.data.get(key) if key else None
    if not unit_id:
        return
    ids = linked_officials(unit_id)
    if not ids:  # most units: no official has linked a chat
        return
    officials = list(Official.objects.filter(pk__in=ids).select_related("unit").order_by("pk"))
    complaint = event.complaint
    text = compose(event, complaint, officials[0].unit)
    for official in officials:
        if event.actor_id and official.user_id == event.actor_id:
            continue
        for kind, recipient in (("telegram", official.telegram_chat_id),
                                ("whatsapp", whatsapp_id(official.whatsapp_number))):
            if not recipient:
                continue
            account = account_for(kind, recipient, official.unit)
            if account is None:
                logger.info("no active %s account to notify an official", kind)
                continue
            queue_text(account, complaint, f"official:{event.pk}:{official.user_id}:{kind}",
                       recipient, text)


def linked_officials(unit_id: int) -> list[int]:
    """Active positions of the unit, of active users, with a Telegram chat or a WhatsApp
    number. Plain SQL: it runs on every assignment, and the answer is almost always none."""
    table = connection.ops.quote_name(Official._meta.db_table)
    users = connection.ops.quote_name(get_user_model()._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT o.id FROM {table} o INNER JOIN {users} u ON u.id = o.user_id "
            "WHERE o.unit_id = %s AND o.is_active = %s AND u.is_active = %s "
            "AND (o.telegram_chat_id <> '' OR o.whatsapp_number <> '') ORDER BY o.id",
            [unit_id, True, True])
        return [pk for (pk,) in cursor.fetchall()]


def account_for(kind: str, recipient: str, unit: Unit) -> ChannelAccount | None:
    last = (InboundEvent.objects.filter(sender=recipient, account__kind=kind,
                                        account__is_active=True)
            .order_by("-received_at").values_list("account_id", flat=True).first())
    if last is not None:
        return ChannelAccount.objects.get(pk=last)
    return unit_account(kind, unit)


def unit_account(kind: str, unit: Unit) -> ChannelAccount | None:
    """The unit's own account (or its nearest ancestor's), else the city's first."""
    accounts = ChannelAccount.objects.filter(kind=kind, is_active=True).order_by("pk")
    for candidate in [unit, *unit.ancestors()]:
        account = accounts.filter(unit=candidate).first()
        if account is not None:
            return account
    return accounts.filter(unit__isnull=True).first() or accounts.first()


def compose(event: Event, complaint: Complaint, unit: Unit) -> str:
    ref = complaint.ref
    lines = [f"{HEADINGS[event.kind].format(unit=unit)}: {ref}",
             f"Kategori: {complaint.category.name if complaint.category else 'belum ditentukan'}",
             f"Lokasi: {place(complaint)}",
             f"Tenggat: {deadline_words(event, complaint)}"]
    if complaint.text_public:
        excerpt = " ".join(complaint.text_public.split())
        lines.append(f"Isi: {excerpt[:200]}{'…' if len(excerpt) > 200 else ''}")
    if event.kind in ("escalated", "sla_warning") and event.note:
        lines.append(event.note)
    lines.append(f"Buka: {settings.PUBLIC_URL}{reverse('staff:detail', args=[ref])}")
    if complaint.status == "assigned":
        lines.append(f"Balas TERIMA {ref} untuk menerima.")
    lines.append(f"Foto + keterangan PROGRES {ref} catatan untuk progres; foto sesudah + "
                 f"SELESAI {ref} catatan bila sudah beres. ANTREAN untuk daftar aduan.")
    return "\n".join(lines)


def place(complaint: Complaint) -> str:
    parts = []
    if complaint.region_id:
        parts.append(complaint.region.name)
    if complaint.rt or complaint.rw:
        parts.append(" ".join(p for p in (f"RT {complaint.rt:02d}" if complaint.rt else "",
                                          f"RW {complaint.rw:02d}" if complaint.rw else "") if p))
    if complaint.lat is not None and complaint.lng is not None:
        parts.append(f"https://maps.google.com/?q={complaint.lat:.6f},{complaint.lng:.6f}")
    return ", ".join(parts) or "belum diketahui"


def deadline_words(event: Event, complaint: Complaint) -> str:
    """The next deadline in words. An escalation records its event before the tick sets
    the supervisor's new deadline, so that one is computed here the way the tick does."""
    from aduan.sla import clock, deadlines
    from aduan.sla.humanize import time_left

    if event.kind != "escalated":
        return time_left(complaint)
    now = event.created_at
    due = deadlines.escalation_due(complaint.category_id, complaint.urgency, now)
    if (event.data.get("deadline") != clock.RESOLUTION and complaint.resolution_due
            and complaint.resolution_due > now):
        due = min(due, complaint.resolution_due)
    return time_left(due, now, complaint.category_id, complaint.urgency)
