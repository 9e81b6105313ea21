"""What the triage engine remembers about its own learning (no complaint data here).

`TrainingRun`: one row per city and night, claimed before the nightly retrain starts (so
any number of workers retrain once), with the scores that decided keep or discard.
`WeeklyAccuracy`: the kept model's accuracy on the triage team's corrections of each week,
shown in the command centre (`aduan.triage.learning.weekly_accuracy`).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TrainingRun(models.Model):
    city = models.CharField(max_length=16, blank=True)
    day = models.DateField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    examples = models.PositiveIntegerField(default=0)
    held_back = models.PositiveIntegerField(default=0)
    score_before = models.FloatField(null=True, blank=True)
    score_after = models.FloatField(null=True, blank=True)
    kept = models.BooleanField(default=False)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["city", "day"],
                                               name="triage_one_run_per_city_day")]
        verbose_name = _("pelatihan ulang model")

    def __str__(self) -> str:
        return f"{self.city or '-'} {self.day} {'kept' if self.kept else 'discarded'}"


class WeeklyAccuracy(models.Model):
    city = models.CharField(max_length=16, blank=True)
    week = models.DateField(help_text=_("Senin awal minggu"))
    corrections = models.PositiveIntegerField(default=0)
    correct = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["city", "week"],
                                               name="triage_one_score_per_city_week")]
        ordering = ["city", "week"]
        verbose_name = _("akurasi mingguan triase")

    def __str__(self) -> str:
        return f"{self.city or '-'} {self.week}: {self.correct}/{self.corrections}"

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.corrections if self.corrections else None
