"""Background jobs of the evidence app. Each takes ids and is idempotent."""

from django_tasks import task


@task()
def build_before_after(complaint_id: int) -> None:
    """The before/after picture of a resolved complaint, sent to the citizen once."""
    from .beforeafter import build

    build(complaint_id)


@task()
def finish_instagram(post_id: int, attempt: int = 0) -> str:
    """Publish an activity post's Instagram container once it has been created."""
    from .notify import finish_instagram as finish

    return finish(post_id, attempt)
