"""Background jobs of the channels app. Each takes an id and is idempotent."""

from django_tasks import task


@task(queue_name="intake")
def process_inbound(event_id: int) -> None:
    """One stored webhook event becomes complaint changes (and the acknowledgement)."""
    from .processing import process

    process(event_id)


# Sends go before the intake backlog: under a burst, each processed message is
# acknowledged at once instead of after the whole backlog.
@task(queue_name="outbox", priority=10)
def deliver_outbox(outbox_id: int) -> str:
    """Send one outbox message, at most once; schedules its own retry on 5xx/429/timeouts."""
    from .outbox import deliver

    return deliver(outbox_id)
