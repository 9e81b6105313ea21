from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import images
from .filenames import photo_name


def upload_original(instance, filename):
    return photo_name("original", instance.sha256)


def upload_public(instance, filename):
    return photo_name("public", instance.sha256, ".jpg")


def upload_thumb(instance, filename):
    return photo_name("thumb", instance.sha256, ".jpg")


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
    activity = models.ForeignKey(
        "evidence.ActivityPost", null=True, blank=True, on_delete=models.CASCADE,
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
    # The perceptual hash's four 16-bit bands (images.hash_bands), each indexed: the
    # reuse check finds near-identical photos among all stored ones through them.
    phash_band0 = models.IntegerField(null=True, blank=True, db_index=True, editable=False)
    phash_band1 = models.IntegerField(null=True, blank=True, db_index=True, editable=False)
    phash_band2 = models.IntegerField(null=True, blank=True, db_index=True, editable=False)
    phash_band3 = models.IntegerField(null=True, blank=True, db_index=True, editable=False)
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
        indexes = [
            # Report cards: after photos these officials posted in a period.
            models.Index(fields=["uploaded_by", "tag", "created_at"],
                         name="photo_uploader_tag_time_idx",
                         condition=models.Q(complaint__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.get_tag_display()} {self.sha256[:8]}"

    def save(self, *args, **kwargs):
        self.__dict__.update(band_fields(self.phash))
        super().save(*args, **kwargs)


BAND_FIELDS = tuple(f"phash_band{i}" for i in range(images.BANDS))


def band_fields(phash: str) -> dict[str, int | None]:
    """The band columns of a photo with this perceptual hash (all None without bands),
    for every way a photo row is written (save, bulk inserts, generated data)."""
    bands = images.hash_bands(phash) or (None,) * images.BANDS
    return dict(zip(BAND_FIELDS, bands, strict=True))


def upload_composite(instance, filename):
    return f"photos/before-after/{instance.complaint_id or 'post'}-{filename}"


class ProofWarning(models.Model):
    """Something about a complaint's photos that a person should look at. Never blocks;
    recomputed by `checks.refresh` whenever a photo arrives or the complaint resolves."""

    class Kind(models.TextChoices):
        AFTER_BEFORE_BEFORE = "after_before_before", _("Foto sesudah diambil sebelum foto sebelum")
        AFTER_BEFORE_COMPLAINT = "after_before_complaint", _(
            "Foto sesudah diambil sebelum aduan masuk")
        FAR = "far", _("Lokasi foto jauh dari lokasi aduan")
        OUTSIDE = "outside", _("Lokasi foto di luar kelurahan aduan")
        SAME_BEFORE_AFTER = "same_before_after", _("Foto sebelum dan sesudah sama")
        REUSED = "reused", _("Foto yang sama dipakai di aduan lain")
        NO_CAPTURE = "no_capture", _("Foto tanpa data pengambilan (EXIF)")

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE,
                                  related_name="proof_warnings")
    photo = models.ForeignKey(Photo, on_delete=models.CASCADE, related_name="warnings")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    other_photo = models.ForeignKey(Photo, null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="+")
    other_complaint = models.ForeignKey("complaints.Complaint", null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("peringatan bukti")
        verbose_name_plural = _("peringatan bukti")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind}"

    @property
    def key(self) -> tuple:
        return (self.kind, self.photo_id, self.other_photo_id)


class BeforeAfter(models.Model):
    """The side-by-side picture made when a complaint is resolved; gallery row."""

    complaint = models.OneToOneField("complaints.Complaint", on_delete=models.CASCADE,
                                     related_name="before_after")
    before = models.ForeignKey(Photo, null=True, on_delete=models.SET_NULL, related_name="+")
    after = models.ForeignKey(Photo, null=True, on_delete=models.SET_NULL, related_name="+")
    image = models.FileField(upload_to=upload_composite)
    thumb = models.FileField(upload_to=upload_composite)
    # Copied from the complaint so the gallery filters on one table's indexes.
    category = models.ForeignKey("complaints.Category", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    kelurahan = models.ForeignKey("regions.Region", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    kecamatan = models.ForeignKey("regions.Region", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("foto sebelum/sesudah")
        verbose_name_plural = _("foto sebelum/sesudah")
        indexes = [models.Index(fields=["kecamatan", "created_at"]),
                   models.Index(fields=["kelurahan", "created_at"]),
                   models.Index(fields=["category", "created_at"])]

    def __str__(self) -> str:
        return f"before/after {self.complaint_id}"


class ActivityPost(models.Model):
    """An official's post about their work (kegiatan), with or without a complaint."""

    class Social(models.TextChoices):
        NONE = "", _("Tidak diterbitkan")
        QUEUED = "queued", _("Dalam antrean")
        PUBLISHED = "published", _("Terbit")
        FAILED = "failed", _("Gagal")

    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    official = models.ForeignKey("org.Official", on_delete=models.CASCADE,
                                 related_name="activity_posts")
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="activity_posts")
    text = models.TextField(max_length=2000)
    complaint = models.ForeignKey("complaints.Complaint", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="activity_posts")
    image = models.FileField(upload_to=upload_composite, blank=True,
                             help_text=_("Sebelum/sesudah, bila ada keduanya"))
    published_at = models.DateTimeField(db_index=True)
    is_public = models.BooleanField(default=True)
    publish_to_social = models.BooleanField(default=False)
    social_status = models.CharField(max_length=10, choices=Social.choices, blank=True,
                                     default="")
    social_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("kegiatan")
        verbose_name_plural = _("kegiatan")
        indexes = [models.Index(fields=["official", "published_at"]),
                   models.Index(fields=["unit", "published_at"]),
                   models.Index(fields=["is_public", "published_at"])]

    def __str__(self) -> str:
        return f"{self.official} {self.published_at:%Y-%m-%d}"


def phash_and_bands(phash: str) -> dict[str, str | int | None]:
    """A perceptual hash with its bands: the fields of a photo row written in bulk."""
    return {"phash": phash, **band_fields(phash)}
