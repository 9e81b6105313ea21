"""The job queue: one row per queued task, claimed by a worker under a lease.

A worker claims ready rows with one conditional UPDATE (PostgreSQL: `FOR UPDATE SKIP
LOCKED`), holds a lease it renews while alive, and deletes the row when the task
succeeds. A row whose lease ran out (its worker died) is ready again; a failure is
recorded and retried with exponential backoff; after the last attempt the row is `dead`
and waits for staff on `/petugas/antrean-kerja/`.
"""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    class State(models.TextChoices):
        READY = "ready", _("Menunggu")
        RUNNING = "running", _("Berjalan")
        DEAD = "dead", _("Gagal permanen")

    task_path = models.CharField(max_length=200)
    queue = models.CharField(max_length=32, default="default")
    args = models.JSONField(default=dict, help_text=_("{'args': [...], 'kwargs': {...}}"))
    state = models.CharField(max_length=10, choices=State.choices, default=State.READY)
    priority = models.SmallIntegerField(default=0, help_text=_("Higher first"))
    run_after = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=5)
    lease_until = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=100, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("pekerjaan latar")
        verbose_name_plural = _("pekerjaan latar")
        indexes = [
            models.Index(F("priority").desc(), "run_after", "id", condition=Q(state="ready"),
                         name="jobs_ready_order_idx"),
            models.Index(fields=["lease_until"], condition=Q(state="running"),
                         name="jobs_running_idx"),
            models.Index(fields=["state"], name="jobs_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task_path} #{self.pk} ({self.state})"
