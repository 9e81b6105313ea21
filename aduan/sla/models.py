"""SLA configuration (working calendars, holidays, policies) and SLA bookkeeping.

Calendars and policies are layer-2 configuration: they never import `aduan.complaints`.
The bookkeeping tables (claims, notifications) refer to complaints by id only,
so this app's migrations do not depend on the complaints app.
"""

from datetime import time, timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

WEEKDAY_NAMES = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]


class WorkingCalendar(models.Model):
    """When a city's offices work: time zone, working days and hours, days off."""

    name = models.CharField(max_length=100, unique=True)
    time_zone = models.CharField(max_length=50, default="Asia/Jakarta")
    working_days = models.CharField(
        max_length=7, default="01234",
        help_text=_("Hari kerja sebagai angka: 0=Senin … 6=Minggu. Bawaan: 01234 (Senin–Jumat)."),
    )
    start_time = models.TimeField(default=time(7, 30))
    end_time = models.TimeField(default=time(16, 0))
    is_24_7 = models.BooleanField(
        default=False, help_text=_("Jam berjalan terus (darurat): abaikan hari, jam dan libur.")
    )
    country = models.CharField(
        max_length=2, default="ID", blank=True,
        help_text=_("Libur nasional dari paket `holidays` untuk negara ini (kosong = tidak ada)."),
    )
    include_cuti_bersama = models.BooleanField(
        default=True, help_text=_("Cuti bersama ASN (SKB 3 Menteri) dari paket `holidays`.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("kalender kerja")
        verbose_name_plural = _("kalender kerja")

    def __str__(self) -> str:
        return self.name


class Holiday(models.Model):
    """A day off added to a calendar (local day, cuti bersama) or a day declared working."""

    class Kind(models.TextChoices):
        NATIONAL = "national", _("Libur nasional")
        CUTI_BERSAMA = "cuti_bersama", _("Cuti bersama")
        LOCAL = "local", _("Libur daerah")

    calendar = models.ForeignKey(WorkingCalendar, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField()
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=14, choices=Kind.choices, default=Kind.LOCAL)
    is_day_off = models.BooleanField(
        default=True,
        help_text=_("Matikan: hari ini tetap hari kerja walau paket `holidays` menyebut libur."),
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("hari libur")
        verbose_name_plural = _("hari libur")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="sla_one_holiday_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class SlaPolicy(models.Model):
    """How long the city may take, matched by category and urgency (most specific wins).

    Durations are working time on the policy's calendar: a day in a duration means one
    working day (on a 24/7 calendar, 24 hours), hours and minutes mean working hours.
    """

    name = models.CharField(max_length=100)
    category_code = models.CharField(
        max_length=40, blank=True, db_index=True, help_text=_("Kode kategori; kosong = semua")
    )
    urgency = models.CharField(
        max_length=10, blank=True, help_text=_("normal/emergency; kosong = semua")
    )
    calendar = models.ForeignKey(WorkingCalendar, on_delete=models.PROTECT, related_name="+")
    first_response = models.DurationField(
        default=timedelta(days=1), help_text=_("Tanggapan pertama (1 hari = 1 hari kerja)")
    )
    next_response = models.DurationField(
        default=timedelta(days=2), help_text=_("Tindak lanjut setelah pelapor menulis lagi")
    )
    resolution = models.DurationField(default=timedelta(days=10), help_text=_("Penyelesaian"))
    warn_before = models.DurationField(
        default=timedelta(hours=2), help_text=_("Peringatan sekian waktu kerja sebelum tenggat")
    )
    escalation_grace = models.DurationField(
        default=timedelta(days=1),
        help_text=_("Tenggat baru bagi unit atasan setelah eskalasi"),
    )
    waiting_days = models.PositiveSmallIntegerField(
        default=7, help_text=_("Hari kalender menunggu jawaban pelapor")
    )
    confirmation_days = models.PositiveSmallIntegerField(
        default=3, help_text=_("Hari kalender menunggu konfirmasi pelapor sebelum ditutup")
    )

    class Meta:
        ordering = ["category_code", "urgency", "name"]
        verbose_name = _("kebijakan SLA")
        verbose_name_plural = _("kebijakan SLA")
        constraints = [
            models.UniqueConstraint(
                fields=["category_code", "urgency"], name="sla_one_policy_per_match"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Claim(models.Model):
    """One SLA action done for one deadline: the unique key makes each happen once.

    Several workers may tick at once; the first to insert (complaint, action, due) does
    the action in the same transaction, the others get an IntegrityError and skip.
    """

    complaint_id = models.BigIntegerField()
    action = models.CharField(max_length=12)  # warn, escalate, notify, close, resume
    due = models.DateTimeField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["complaint_id", "action", "due"], name="sla_claim_once_per_deadline"
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.action} {self.due:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """A message for an official's web inbox (the channels layer may also send it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sla_notifications"
    )
    complaint_id = models.BigIntegerField(db_index=True)
    kind = models.CharField(max_length=20)  # sla_warning, escalated, sla_overdue
    text = models.CharField(max_length=500)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")
        indexes = [models.Index(fields=["user", "read_at", "created_at"])]

    def __str__(self) -> str:
        return self.text


def seed_default_policies() -> dict[str, int]:
    """Default calendars and policies (idempotent); see `aduan.sla.seed`."""
    from .seed import seed_default_policies as seed

    return seed()
