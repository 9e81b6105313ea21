"""Evidence's reactions to complaint events (sent inside the action's transaction)."""

from django.dispatch import receiver

from aduan.complaints.signals import event_recorded

RECHECK_KINDS = {"classified", "resolved"}  # the place or the photos' roles may have changed


@receiver(event_recorded, dispatch_uid="aduan.evidence.receivers")
def on_event_recorded(sender, event, **kwargs) -> None:
    from .checks import refresh

    if event.kind == "merged":  # its pair, `merged_in` on the survivor, is handled here
        _recheck_merge(event.complaint)
    elif event.kind in RECHECK_KINDS:
        refresh(event.complaint)
    if event.kind == "resolved":
        from .tasks import build_before_after

        # Queued in the same transaction: durable with the resolution, built off-request.
        build_before_after.enqueue(event.complaint_id)


def _recheck_merge(duplicate) -> None:
    """A merge makes the two complaints one case, so a picture on both stops counting as
    reused. Only the merged complaint's photos can be on both: without any (most chat
    duplicates, merged at intake) neither side's warnings change, and nothing is read
    again but that one answer."""
    from .checks import refresh
    from .models import Photo

    if not Photo.objects.filter(complaint_id=duplicate.pk).exists():
        return
    refresh(duplicate)
    if duplicate.duplicate_of_id:
        refresh(duplicate.duplicate_of)
