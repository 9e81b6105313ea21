import secrets
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection, models
from django.db.models.functions import Coalesce
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    """What a complaint is about, with who owns it by default and what proof it needs."""

    class OwnerRule(models.TextChoices):
        UNIT = "unit", _("Unit pemilik tetap")
        KELURAHAN = "kelurahan", _("Kelurahan wilayah aduan")
        RT = "rt", _("RT wilayah aduan (atau kelurahan)")
        TRIAGE = "triage", _("Tim triase")

    code = models.SlugField(max_length=40, primary_key=True)
    name = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120, blank=True)
    description = models.CharField(max_length=300, blank=True)
    owner = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner_rule = models.CharField(max_length=12, choices=OwnerRule.choices, default="unit")
    requires_after_photo = models.BooleanField(default=True)
    may_hold_identity = models.BooleanField(
        default=False, help_text=_("Boleh menyimpan NIK/KK (mis. adminduk, bansos)")
    )
    is_emergency = models.BooleanField(default=False)
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("kategori")
        verbose_name_plural = _("kategori")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name people read: English when the visitor chose English and it is known."""
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class RoutingRule(models.Model):
    """(category, region) -> owner unit; the most specific matching rule wins."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="rules")
    region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.CASCADE,
        help_text=_("Kosong = seluruh kota; kecamatan atau kelurahan = wilayah itu"),
    )
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    priority = models.SmallIntegerField(default=0)

    class Meta:
        ordering = ["-priority"]
        verbose_name = _("aturan rute")
        verbose_name_plural = _("aturan rute")

    def __str__(self) -> str:
        return f"{self.category_id} / {self.region_id or '*'} → {self.unit}"


class Reporter(models.Model):
    """Who complained, as the channel knows them. Personal data: never shown publicly."""

    channel = models.CharField(max_length=20)
    handle = models.CharField(max_length=200, blank=True, help_text=_("ID di kanal"))
    name = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    # The phone number as the channel proved it (E.164 digits: a WhatsApp wa_id, a Telegram
    # contact the user shared of themselves); never a number the citizen typed. Reporters
    # with the same verified phone are one citizen (complaints/identity.py).
    verified_phone = models.CharField(max_length=16, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "handle"], condition=~models.Q(handle=""),
                name="unique_reporter_handle_per_channel",
            )
        ]
        # Lookups by (channel, handle): SQLite uses the partial unique index above only
        # when a query repeats its condition as a literal, so every chat message's
        # reporter lookup read the whole table.
        indexes = [models.Index(fields=["channel", "handle"], name="reporter_channel_handle_idx")]

    def __str__(self) -> str:
        return self.name or f"{self.channel}:{self.pk}"

    def learn(self, given: dict[str, str]) -> list[str]:
        """Take what a message tells that no earlier one did (never overwrites), cut to each
        field's length; the fields it set."""
        changed = []
        for attr, value in given.items():
            if value and not getattr(self, attr):
                setattr(self, attr, value[: self._meta.get_field(attr).max_length])
                changed.append(attr)
        return changed


class Status(models.TextChoices):
    NEW = "new", _("Baru")
    ASSIGNED = "assigned", _("Diteruskan ke unit")
    IN_PROGRESS = "in_progress", _("Sedang ditangani")
    WAITING_CITIZEN = "waiting_citizen", _("Menunggu informasi pelapor")
    RESOLVED = "resolved", _("Selesai, menunggu konfirmasi")
    CLOSED = "closed", _("Ditutup")
    REJECTED = "rejected", _("Ditolak")
    FORWARDED = "forwarded", _("Dialihkan ke instansi lain")
    DUPLICATE = "duplicate", _("Digabung")


TERMINAL = {Status.CLOSED, Status.REJECTED, Status.FORWARDED, Status.DUPLICATE}
OPEN = [s for s in Status.values if s not in TERMINAL]


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Biasa")
    EMERGENCY = "emergency", _("Darurat")


class PublicText(models.TextChoices):
    """Whether the public may read the complaint's wording (see complaints/public_face.py)."""

    PENDING = "pending", _("Menunggu persetujuan tim triase")
    AUTO = "auto", _("Disamarkan otomatis")
    APPROVED = "approved", _("Disetujui tim triase")


def new_token() -> str:
    return secrets.token_urlsafe(18)


# Staff queues: soonest deadline first, a complaint without one (which `aduan sla-audit`
# reports and the worker repairs) last. The order of `complaint_queue_idx`, so a queue
# reads its first rows straight from the index; a plain next_due index does not serve
# on SQLite, which sorts NULLs (every closed complaint) first.
NO_DEADLINE = models.ExpressionWrapper(models.Q(next_due__isnull=True),
                                       output_field=models.BooleanField())
QUEUE_ORDER = (NO_DEADLINE.asc(), "next_due", "id")
# The same order that no index gives, for SQLite's queues of one part of the city.
NEVER_DUE = datetime(9999, 12, 31, tzinfo=UTC)
SORTED_QUEUE_ORDER = (Coalesce("next_due", models.Value(NEVER_DUE)).asc(), "id")


def queue_order(whole_city: bool) -> tuple:
    """The staff queue's order for a query. SQLite's planner walks the deadline index
    for every queue, and for a lurah whose four open complaints lie far down it read
    through a third of the city first (320 ms at a million complaints); an order no
    index gives makes it take the owner index and sort the few matches (1 ms; a dinas
    with 3,000 open complaints: 12 ms either way). The whole city's queue keeps the
    index walk (4 ms instead of sorting 22,000 rows), and PostgreSQL plans well from its
    statistics both ways (2-11 ms), so it keeps the index order."""
    if whole_city or connection.vendor != "sqlite":
        return QUEUE_ORDER
    return SORTED_QUEUE_ORDER


class ComplaintQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN)


class Complaint(models.Model):
    ref = models.CharField(max_length=20, unique=True)
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    channel = models.CharField(max_length=20, default="web", db_index=True)
    channel_account_id = models.PositiveIntegerField(null=True, blank=True)
    reporter = models.ForeignKey(
        Reporter, null=True, blank=True, on_delete=models.SET_NULL, related_name="complaints"
    )
    anonymous = models.BooleanField(default=False)
    confidential = models.BooleanField(
        default=False, help_text=_("Identitas pelapor hanya diketahui tim triase"))
    about_official = models.BooleanField(
        default=False, help_text=_("Aduan tentang petugas/unit (ditandai pelapor atau triase)"))
    about_unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("Unit yang diadukan: dilewati, tidak pernah melihat aduan ini"))

    text = models.TextField(help_text=_("Teks asli (privat)"))
    text_public = models.TextField(blank=True, help_text=_("Teks dengan data pribadi disamarkan"))
    pii = models.JSONField(default=list, blank=True)
    public_text_state = models.CharField(
        max_length=10, choices=PublicText.choices, default=PublicText.AUTO,
        help_text=_("Teks publik: otomatis bila penyamar yakin, selain itu menunggu tim triase"))
    public_wording = models.TextField(
        blank=True, help_text=_("Kata-kata publik yang disetujui tim triase"))

    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    category_confidence = models.FloatField(default=0)
    suggestions = models.JSONField(default=list, blank=True)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)

    region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rw = models.PositiveSmallIntegerField(null=True, blank=True)
    rt = models.PositiveSmallIntegerField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    address = models.CharField(max_length=300, blank=True, help_text=_("Privat"))

    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.NEW, db_index=True
    )
    status_before_wait = models.CharField(max_length=16, blank=True)
    owner = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="owned")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    forwarded_to = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    possible_duplicates = models.JSONField(default=list, blank=True,
                                           help_text=_("[{ref, score}] offered to the team"))
    # Character n-grams of the public text, counted once at intake (triage.duplicates).
    signature = models.BinaryField(default=b"", blank=True, editable=False)

    created_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    first_response_due = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(null=True, blank=True)
    next_due = models.DateTimeField(null=True, blank=True, db_index=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)

    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = models.CharField(max_length=500, blank=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("aduan")
        verbose_name_plural = _("aduan")
        indexes = [
            models.Index(fields=["owner", "status", "next_due"]),
            # The triage inbox: new complaints, emergencies first, then by deadline.
            models.Index(fields=["status", "-urgency", "next_due"], name="complaint_inbox_idx"),
            models.Index(NO_DEADLINE, models.F("next_due"), models.F("id"),
                         name="complaint_queue_idx"),
            # Public lists (Open311, API, activity): newest first with a stable tie-break.
            models.Index(fields=["created_at", "id"], name="complaint_created_id_idx"),
            # Duplicate search: recent complaints of one place and category.
            models.Index(fields=["region", "category", "created_at"], name="complaint_dup_idx"),
            # The data's version for cached counts (complaints/counting.py) and `since`.
            models.Index(fields=["updated_at"], name="complaint_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.ref

    @property
    def is_open(self) -> bool:
        return self.status not in TERMINAL

    @property
    def public_text(self) -> str:
        return self.text_public or ""

    def tracking_path(self) -> str:
        from django.urls import reverse

        return reverse("citizen:track", args=[self.token])

    def tracking_url(self) -> str:
        return settings.PUBLIC_URL + self.tracking_path()


class Event(models.Model):
    """One line of a complaint's timeline: who did what, when and why."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    public = models.BooleanField(default=False)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # Report cards and activity records: what these officials did in a period.
            # (actor, kind, created_at): counted per kind from the index alone.
            models.Index(fields=["actor", "kind", "created_at"],
                         name="event_actor_kind_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind}"


class CitizenLinkCode(models.Model):
    """A one-time code on the tracking page of a web or e-mail complaint. Sent from
    WhatsApp or Telegram it makes that chat the complaint's conversation (and, when the
    channel proved the sender's number, joins the complaint to that citizen):
    complaints/citizen_link.py. Only a SHA-256 hash of the code is stored, with the salt
    the page derives the same code from again (with SECRET_KEY) while it is valid."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True)
    salt = models.CharField(max_length=32)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("kode sambung chat pelapor")
        verbose_name_plural = _("kode sambung chat pelapor")

    def __str__(self) -> str:
        return f"chat link code of complaint {self.complaint_id}"


class AcceptedComplaint(models.Model):
    """A web-form complaint that is stored but not opened yet (complaints/accepted.py).

    The form answers as soon as this row and its job are committed; the worker then
    triages, routes and acknowledges it under the reference and tracking token the
    citizen was already given, and deletes the row. Holds the citizen's words and contact
    (personal data) for those seconds only."""

    ref = models.CharField(max_length=20, unique=True)
    token = models.CharField(max_length=40, unique=True)
    message = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("aduan diterima, belum diproses")
        verbose_name_plural = _("aduan diterima, belum diproses")

    def __str__(self) -> str:
        return self.ref
