from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A Kemendagri region: provinsi > kabupaten/kota > kecamatan > kelurahan/desa."""

    class Level(models.TextChoices):
        PROVINSI = "provinsi", _("Provinsi")
        KABUPATEN_KOTA = "kabupaten_kota", _("Kabupaten/Kota")
        KECAMATAN = "kecamatan", _("Kecamatan")
        KELURAHAN = "desa_kelurahan", _("Kelurahan/Desa")

    code = models.CharField(max_length=16, primary_key=True)
    name = models.CharField(max_length=120)
    level = models.CharField(max_length=16, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    aliases = models.JSONField(default=list, blank=True, help_text=_("Other spellings"))
    boundary = models.JSONField(null=True, blank=True, help_text=_("GeoJSON geometry"))
    centroid_lat = models.FloatField(null=True, blank=True)
    centroid_lng = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def kecamatan(self) -> "Region | None":
        if self.level == self.Level.KELURAHAN:
            return self.parent
        return self if self.level == self.Level.KECAMATAN else None
