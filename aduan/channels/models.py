"""Channel accounts, the raw inbound events they deliver, and the outbox of replies."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ChannelAccount(models.Model):
    """One provider account the city answers on (the city's WhatsApp number, a dinas's
    Instagram, a Telegram bot, a mailbox). The token is a secret: never logged or shown."""

    class Kind(models.TextChoices):
        WHATSAPP = "whatsapp", "WhatsApp"
        INSTAGRAM = "instagram", "Instagram"
        FACEBOOK = "facebook", "Facebook Messenger"
        TELEGRAM = "telegram", "Telegram"
        EMAIL = "email", "E-mail"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    account_id = models.CharField(
        max_length=200, help_text=_("WhatsApp phone number id, Instagram account id, Page id, "
                                    "Telegram bot id, or the e-mail address"))
    name = models.CharField(max_length=200, blank=True)
    token = models.TextField(blank=True, help_text=_("Access token (rahasia)"))
    secret = models.TextField(blank=True, help_text=_("Telegram webhook secret or SMTP URL"))
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    settings = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("akun kanal")
        verbose_name_plural = _("akun kanal")
        constraints = [models.UniqueConstraint(fields=["kind", "account_id"],
                                               name="unique_channel_account")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name or self.account_id}"

    def __repr__(self) -> str:  # never the token
        return f"<ChannelAccount {self.pk} {self.kind}:{self.account_id}>"


class InboundEvent(models.Model):
    """A provider event exactly as received, stored with the job that processes it."""

    account = models.ForeignKey(ChannelAccount, on_delete=models.CASCADE, related_name="events")
    provider_id = models.CharField(max_length=300, help_text=_("wamid, mid, comment id, "
                                                               "update_id, Message-ID"))
    kind = models.CharField(max_length=20, default="message")
    sender = models.CharField(max_length=200, blank=True, db_index=True)
    body = models.TextField(help_text=_("Raw payload as delivered"))
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    complaint = models.ForeignKey("complaints.Complaint", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    error = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "provider_id"],
                                               name="unique_inbound_event")]
        indexes = [models.Index(fields=["account", "sender", "received_at"])]

    def __str__(self) -> str:
        return f"{self.account_id}:{self.provider_id}"


class OutboxMessage(models.Model):
    """One message to a citizen (or official), sent at most once, retried until parked."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Antre")
        SENDING = "sending", _("Sedang dikirim")
        SENT = "sent", _("Terkirim")
        FAILED = "failed", _("Gagal (ditolak penyedia setelah terkirim)")
        PARKED = "parked", _("Diparkir, perlu petugas")

    account = models.ForeignKey(ChannelAccount, on_delete=models.CASCADE, related_name="outbox")
    complaint = models.ForeignKey("complaints.Complaint", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    key = models.CharField(max_length=200, unique=True,
                           help_text=_("What this message is for, e.g. event:123; one send"))
    recipient = models.CharField(max_length=200)
    payload = models.JSONField(help_text=_("Provider request: path and JSON body"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED,
                              db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_message_id = models.CharField(max_length=300, blank=True, db_index=True)
    delivery_status = models.CharField(max_length=20, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("pesan keluar")
        verbose_name_plural = _("pesan keluar")
        indexes = [
            # Order and pacing per person (outbox._wait_for_turn): that person's rows only.
            models.Index(fields=["account", "recipient", "sent_at"], name="outbox_recipient_idx"),
        ]

    def __str__(self) -> str:
        return self.key


class OutboxThrottle(models.Model):
    """The account's send schedule, shared by every worker: the time (seconds since the
    epoch, on the database's clock) of the next free send slot. A send takes a slot with
    one conditional UPDATE (`outbox._account_slot`), so workers together stay under the
    provider's throughput (WhatsApp 80 messages/s per number, Telegram about 30/s)."""

    account = models.OneToOneField(ChannelAccount, on_delete=models.CASCADE,
                                   primary_key=True, related_name="+")
    next_slot = models.FloatField(default=0.0)

    def __str__(self) -> str:
        return f"{self.account_id}: {self.next_slot}"


class LinkCode(models.Model):
    """A one-time code an official sends from Telegram or WhatsApp to link that chat to
    their account. Only a hash is stored; the code expires after a few minutes."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    account = models.ForeignKey(ChannelAccount, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    sender = models.CharField(max_length=200, blank=True,
                              help_text=_("Telegram chat id or WhatsApp number that used it"))

    class Meta:
        verbose_name = _("kode tautan petugas")
        verbose_name_plural = _("kode tautan petugas")

    def __str__(self) -> str:
        return f"link code of user {self.user_id}"
