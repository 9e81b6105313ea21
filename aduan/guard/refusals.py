"""Record a refused input: one log line and one counter row (shown by /metrics).

The content of what was refused is never logged: only where it came from and why.
"""

import logging

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import Refusal

logger = logging.getLogger("aduan.guard")


def record(source: str, reason: str, detail: str = "") -> None:
    source, reason = source[:40], reason[:60]
    logger.warning("refused %s input: %s%s", source, reason, f" ({detail[:200]})" if detail else "")
    now = timezone.now()
    rows = Refusal.objects.filter(source=source, reason=reason)
    if rows.update(count=F("count") + 1, last_at=now):
        return
    try:
        with transaction.atomic():
            Refusal.objects.create(source=source, reason=reason, count=1, last_at=now)
    except IntegrityError:  # created by a concurrent request meanwhile
        rows.update(count=F("count") + 1, last_at=now)


def counts() -> list[tuple[str, str, int]]:
    return list(Refusal.objects.order_by("source", "reason")
                .values_list("source", "reason", "count"))
