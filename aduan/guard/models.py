"""What the guard keeps: a counter of refused inputs per source and reason (for /metrics)."""

from django.db import models
from django.utils import timezone


class Refusal(models.Model):
    """How many inputs from one source were refused for one reason (never their content)."""

    source = models.CharField(max_length=40)
    reason = models.CharField(max_length=60)
    count = models.PositiveBigIntegerField(default=0)
    last_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "reason"],
                                               name="unique_refusal_reason")]

    def __str__(self) -> str:
        return f"{self.source}:{self.reason}={self.count}"


class RateCounter(models.Model):
    """Hits of one key (limit group + client address or reporter) in the current window.
    Updated with one INSERT .. ON CONFLICT statement per hit (throttle.py)."""

    key = models.CharField(max_length=250, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    window_end = models.BigIntegerField(help_text="Unix time the window closes")

    def __str__(self) -> str:
        return f"{self.key}={self.count}"
