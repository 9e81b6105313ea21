from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.Model):
    """An organisational unit that can own complaints, in a tree used for escalation."""

    class Kind(models.TextChoices):
        PEMKOT = "pemkot", _("Pemerintah Kota")
        KECAMATAN = "kecamatan", _("Kantor Kecamatan")
        KELURAHAN = "kelurahan", _("Kantor Kelurahan")
        RW = "rw", _("RW")
        RT = "rt", _("RT")
        DINAS = "dinas", _("Dinas/Badan")
        BIDANG = "bidang", _("Bidang")
        TEAM = "team", _("Tim")
        EXTERNAL = "external", _("Instansi luar")

    code = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60, blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.SET_NULL, related_name="units"
    )
    number = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("RT/RW number"))
    path = models.CharField(max_length=500, db_index=True, editable=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit")
        verbose_name_plural = _("unit")
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "kind", "number"],
                condition=models.Q(number__isnull=False),
                name="unique_rt_rw_number_per_parent",
            )
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def save(self, *args, **kwargs):
        old_path = self.path
        self.path = (self.parent.path if self.parent else "") + f"/{self.code}"
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            for child in self.children.all():
                child.save()

    def ancestors(self) -> list["Unit"]:
        chain, unit = [], self.parent
        while unit is not None:
            chain.append(unit)
            unit = unit.parent
        return chain

    def is_within(self, other: "Unit") -> bool:
        return self.path == other.path or self.path.startswith(other.path + "/")

    def descendants_q(self, field: str = "") -> models.Q:
        prefix = f"{field}__" if field else ""
        return models.Q(**{f"{prefix}path": self.path}) | models.Q(
            **{f"{prefix}path__startswith": self.path + "/"}
        )


class Official(models.Model):
    """A user holding a position in a unit."""

    class Role(models.TextChoices):
        KETUA_RT = "ketua_rt", _("Ketua RT")
        KETUA_RW = "ketua_rw", _("Ketua RW")
        LURAH = "lurah", _("Lurah")
        CAMAT = "camat", _("Camat")
        STAFF = "staff", _("Staf")
        KEPALA = "kepala", _("Kepala")
        TRIAGE = "triage", _("Tim khusus (triase)")
        SEKDA = "sekda", _("Sekretaris Daerah")
        MAYOR = "mayor", _("Wali Kota")

    READ_ONLY_ROLES = {Role.MAYOR, Role.SEKDA}

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="positions"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="officials")
    role = models.CharField(max_length=12, choices=Role.choices)
    title = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    telegram_chat_id = models.CharField(max_length=40, blank=True)
    whatsapp_number = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["unit__path", "role"]
        verbose_name = _("pejabat")
        verbose_name_plural = _("pejabat")

    def __str__(self) -> str:
        return self.title or f"{self.get_role_display()} {self.unit}"

    @property
    def read_only(self) -> bool:
        return self.role in self.READ_ONLY_ROLES
