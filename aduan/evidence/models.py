from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def upload_original(instance, filename):
    return f"photos/original/{instance.sha256[:2]}/{instance.sha256}"


def upload_public(instance, filename):
    return f"photos/public/{instance.sha256[:2]}/{instance.sha256}.jpg"


def upload_thumb(instance, filename):
    return f"photos/thumb/{instance.sha256[:2]}/{instance.sha256}.jpg"


class Photo(models.Model):
    """A photo on a complaint (before, progress, after) or on an activity post."""

    class Tag(models.TextChoices):
        BEFORE = "before", _("Sebelum")
        PROGRESS = "progress", _("Proses")
        AFTER = "after", _("Sesudah")

    complaint = models.ForeignKey(
        "complaints.Complaint", null=True, blank=True, on_delete=models.CASCADE,
        related_name="photos",
    )
    tag = models.CharField(max_length=10, choices=Tag.choices, default=Tag.BEFORE)
    original = models.FileField(upload_to=upload_original, help_text=_("Privat, dengan EXIF"))
    public = models.FileField(upload_to=upload_public)
    thumb = models.FileField(upload_to=upload_thumb)
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    taken_at = models.DateTimeField(null=True, blank=True)
    gps_lat = models.FloatField(null=True, blank=True)
    gps_lng = models.FloatField(null=True, blank=True)
    phash = models.CharField(max_length=32, blank=True, db_index=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    by_citizen = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("foto")
        verbose_name_plural = _("foto")

    def __str__(self) -> str:
        return f"{self.get_tag_display()} {self.sha256[:8]}"
