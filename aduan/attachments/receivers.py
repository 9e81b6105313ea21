"""A complaint opened after a message without text takes the attachments that waited."""

from django.dispatch import receiver

from aduan.complaints.signals import event_recorded

from .store import adopt_pending


@receiver(event_recorded, dispatch_uid="aduan.attachments.adopt")
def adopt(sender, event, **kwargs) -> None:
    if event.kind == "received":
        adopt_pending(event.complaint)
