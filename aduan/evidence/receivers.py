"""Evidence's reactions to complaint events (sent inside the action's transaction)."""

from django.dispatch import receiver

from aduan.complaints.signals import event_recorded

RECHECK_KINDS = {"classified", "resolved", "merged", "merged_in"}


@receiver(event_recorded, dispatch_uid="aduan.evidence.receivers")
def on_event_recorded(sender, event, **kwargs) -> None:
    if event.kind not in RECHECK_KINDS and event.kind != "resolved":
        return
    from .checks import refresh

    refresh(event.complaint)  # the place or the links may have changed
    if event.kind == "resolved":
        from .tasks import build_before_after

        # Queued in the same transaction: durable with the resolution, built off-request.
        build_before_after.enqueue(event.complaint_id)
