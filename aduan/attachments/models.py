"""Voice notes, audio, video, documents and stickers a citizen sent on a chat channel.

Staff only: never part of any public page, API or export (public output goes through
`complaints.public_face`, which reads photos, not attachments). Files are stored through
Django's storage API (local folder or S3, see settings.storages_for) under random names.
"""

from django.db import models


class Attachment(models.Model):
    class Kind(models.TextChoices):
        VOICE = "voice", "Pesan suara"
        AUDIO = "audio", "Audio"
        VIDEO = "video", "Video"
        DOCUMENT = "document", "Dokumen"
        STICKER = "sticker", "Stiker"

    # A first message without text waits on its reporter until the complaint opens.
    complaint = models.ForeignKey("complaints.Complaint", null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="attachments")
    reporter = models.ForeignKey("complaints.Reporter", null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    mime_type = models.CharField(max_length=100, blank=True)
    name = models.CharField(max_length=200, blank=True)  # the sender's file name, shown to staff
    file = models.FileField(upload_to="attachments/%Y/%m/", max_length=300)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    channel = models.CharField(max_length=20, blank=True)
    provider_id = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["reporter", "complaint"], name="attachment_pending_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"

    @property
    def player(self) -> str:
        """How the staff page shows it: audio, video, image or a link."""
        if self.kind in (self.Kind.VOICE, self.Kind.AUDIO) or self.mime_type.startswith("audio/"):
            return "audio"
        if self.mime_type.startswith("video/"):
            return "video"
        if self.mime_type.startswith("image/"):
            return "image"
        return "link"
