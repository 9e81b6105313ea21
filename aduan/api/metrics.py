"""`/metrics` in the Prometheus text format: a few aggregate queries, no personal data."""

import hmac

from django.conf import settings
from django.db.models import Count
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone

from aduan.complaints.models import Complaint, Status
from aduan.guard import refusals
from aduan.jobs.queue import counts as job_counts

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _family(lines: list[str], name: str, kind: str, help_text: str, samples) -> None:
    lines.append(f"# HELP {name} {help_text}")
    lines.append(f"# TYPE {name} {kind}")
    for labels, value in samples:
        label_text = ",".join(f'{k}="{v}"' for k, v in labels.items())
        lines.append(f"{name}{{{label_text}}} {value}" if label_text else f"{name} {value}")


def _channel_samples(lines: list[str]) -> None:
    try:
        from aduan.channels.models import InboundEvent, OutboxMessage
    except ImportError:
        return
    outbox = dict(OutboxMessage.objects.values_list("status").annotate(n=Count("id")))
    _family(lines, "aduan_outbox_messages", "gauge", "Outbox messages by status.",
            [({"status": s}, outbox.get(s, 0)) for s in OutboxMessage.Status.values])
    pending = InboundEvent.objects.filter(processed_at__isnull=True).count()
    failed = InboundEvent.objects.exclude(error="").count()
    _family(lines, "aduan_inbound_events_unprocessed", "gauge",
            "Inbound channel events stored but not processed yet.", [({}, pending)])
    _family(lines, "aduan_inbound_events_failed", "gauge",
            "Inbound channel events whose processing recorded an error.", [({}, failed)])
    from aduan.channels.models import ChannelAccount

    accounts = ChannelAccount.objects.filter(is_active=True).only("kind", "account_id",
                                                                   "settings")
    _family(lines, "aduan_channel_unhealthy", "gauge",
            "1 when the provider refused the account's configuration (token, permission).",
            [({"kind": a.kind, "account": a.pk}, int("unhealthy" in a.settings))
             for a in accounts])


def _job_samples(lines: list[str]) -> None:
    _family(lines, "aduan_jobs", "gauge",
            "Background jobs by state (dead: failed after the last attempt, see "
            "/petugas/antrean-kerja/).", [({"state": s}, n) for s, n in job_counts().items()])


def render() -> str:
    lines: list[str] = []
    by_status = dict(Complaint.objects.values_list("status").annotate(n=Count("id")))
    _family(lines, "aduan_complaints", "gauge", "Complaints by status.",
            [({"status": s}, by_status.get(s, 0)) for s in Status.values])
    overdue = Complaint.objects.open().filter(next_due__lt=timezone.now()).count()
    _family(lines, "aduan_complaints_overdue", "gauge",
            "Open complaints past their next deadline.", [({}, overdue)])
    unowned = Complaint.objects.open().filter(next_due__isnull=True).count()
    _family(lines, "aduan_complaints_open_without_deadline", "gauge",
            "Open complaints without a next deadline (should be 0).", [({}, unowned)])
    _channel_samples(lines)
    _job_samples(lines)
    _family(lines, "aduan_refused_inputs_total", "counter",
            "Inputs refused (bad, hostile or over a limit), by source and reason.",
            [({"source": src, "reason": why}, n) for src, why, n in refusals.counts()])
    return "\n".join(lines) + "\n"


def _allowed(request) -> bool:
    """`Authorization: Bearer <ADUAN_METRICS_TOKEN>`; without a token set, only the demo
    and debug runs answer (the numbers say how the city works, and how it is attacked)."""
    token = settings.ADUAN_METRICS_TOKEN
    if not token:
        return settings.DEBUG or settings.DEMO
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return hmac.compare_digest(given.encode(), token.encode())


def metrics(request):
    if not _allowed(request):
        return HttpResponse("metrics need Authorization: Bearer <ADUAN_METRICS_TOKEN>\n",
                            status=401 if settings.ADUAN_METRICS_TOKEN else 403,
                            content_type="text/plain", headers={"WWW-Authenticate": "Bearer"})
    return HttpResponse(render(), content_type=CONTENT_TYPE)


urlpatterns = [path("", metrics, name="metrics")]
