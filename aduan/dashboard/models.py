from django.db import models
from django.utils.translation import gettext_lazy as _


class ComplaintFact(models.Model):
    """What one complaint contributes to the figures, as plain indexed columns.

    Written by `facts.refresh` in the same transaction as every timeline event (receiver
    of `event_recorded`), so the command centre aggregates columns instead of replaying
    timelines on the working calendar. Working minutes leave out the time spent waiting
    for the citizen (`waiting_citizen`) and run to the last resolution when reopened.
    """

    complaint = models.OneToOneField("complaints.Complaint", primary_key=True,
                                     on_delete=models.CASCADE, related_name="fact")
    created_at = models.DateTimeField()
    week = models.PositiveIntegerField(help_text=_("ISO year*100 + week, Jakarta time"))
    unit_id = models.BigIntegerField(help_text=_("Unit pemegang aduan (pemilik)"))
    category_code = models.CharField(max_length=40, blank=True)
    channel = models.CharField(max_length=20)
    region_code = models.CharField(max_length=16, blank=True)
    counted = models.BooleanField(default=True, help_text=_("False for merged duplicates"))
    # None = still possible (not answered, the working day has not passed, or paused).
    answered_met = models.BooleanField(null=True)
    answer_by = models.DateTimeField(null=True)
    followed_met = models.BooleanField(null=True)
    follow_by = models.DateTimeField(null=True)
    first_response_minutes = models.PositiveIntegerField(null=True)
    resolution_minutes = models.PositiveIntegerField(null=True)
    paused_minutes = models.PositiveIntegerField(default=0)
    resolved = models.BooleanField(default=False, help_text=_("Pernah diselesaikan"))
    reopened = models.PositiveSmallIntegerField(default=0)
    escalations = models.PositiveSmallIntegerField(default=0)
    rating = models.PositiveSmallIntegerField(null=True)
    after_photo = models.BooleanField(null=True)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("angka aduan")
        verbose_name_plural = _("angka aduan")
        indexes = [
            models.Index(fields=["created_at", "unit_id"], name="fact_period_idx"),
            models.Index(fields=["unit_id", "created_at"], name="fact_unit_period_idx"),
        ]

    def __str__(self) -> str:
        return f"fact {self.complaint_id}"
