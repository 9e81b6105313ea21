"""Personal data under UU PDP: how long each kind is kept (per city), what the retention
job removed, and who read a reporter's identity."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RetentionPolicy(models.Model):
    """How long personal data is kept, for one city (or, without a city, for all others)."""

    city = models.OneToOneField(
        "regions.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        help_text=_("Kabupaten/kota; kosong = bawaan untuk semua kota lain"))
    webhook_body_days = models.PositiveIntegerField(
        default=90, help_text=_("Isi mentah webhook disimpan sekian hari sejak diterima"))
    photo_original_days = models.PositiveIntegerField(
        default=365, help_text=_("Foto asli (GPS/EXIF) disimpan sekian hari sejak aduan ditutup"))
    reporter_contact_days = models.PositiveIntegerField(
        default=730, help_text=_("Kontak pelapor disimpan sekian hari sejak aduan terakhir "
                                 "ditutup"))

    class Meta:
        verbose_name = _("kebijakan retensi")
        verbose_name_plural = _("kebijakan retensi")
        constraints = [
            models.UniqueConstraint(fields=["city"], condition=models.Q(city__isnull=True),
                                    name="one_default_retention_policy"),
        ]

    def __str__(self) -> str:
        return str(self.city) if self.city_id else str(_("Bawaan"))

    @classmethod
    def default(cls) -> "RetentionPolicy":
        policy = cls.objects.filter(city__isnull=True).first()
        return policy if policy is not None else cls()  # the defaults, unsaved


class RetentionRun(models.Model):
    """One pass of the retention job and what it removed."""

    started_at = models.DateTimeField(db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    removed = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("jalannya retensi")
        verbose_name_plural = _("jalannya retensi")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.removed}"


class IdentityView(models.Model):
    """Someone saw (part of) a reporter's identity: who, when, which complaint, what."""

    class Via(models.TextChoices):
        PAGE = "page", _("Halaman aduan")
        REVEAL = "reveal", _("Tampilkan kontak")
        EXPORT = "export", _("Ekspor permintaan warga")
        ERASE = "erase", _("Penghapusan permintaan warga")
        BREACH = "breach", _("Kueri insiden kebocoran")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    user_label = models.CharField(max_length=200, blank=True)
    complaint = models.ForeignKey("complaints.Complaint", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    reporter = models.ForeignKey("complaints.Reporter", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    fields = models.CharField(max_length=100, help_text=_("first_name, name, phone, e-mail..."))
    via = models.CharField(max_length=10, choices=Via.choices, default=Via.PAGE)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("akses identitas pelapor")
        verbose_name_plural = _("log akses identitas pelapor")
        indexes = [models.Index(fields=["complaint", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user_label} → {self.fields}"
