"""The city's own history teaches the classifier: the team's corrections and settled cases."""

from datetime import datetime

from django.db.models import Exists, OuterRef, Subquery

from aduan.triage import learning

from .models import Complaint, Event, Status


def labelled_examples() -> tuple[list[str], list[str]]:
    """Complaints whose category a person confirmed or corrected, or that were fixed as filed.

    The masked text is used, so no personal data ends up inside the model file.
    """
    confirmed = Event.objects.filter(complaint=OuterRef("pk"), kind="classified",
                                     actor__isnull=False)
    rows = (Complaint.objects.filter(category__isnull=False)
            .filter(Exists(confirmed) | (
                ~Exists(Event.objects.filter(complaint=OuterRef("pk"), kind="returned"))
                & Exists(Event.objects.filter(complaint=OuterRef("pk"), kind="resolved"))
                & ~Exists(Event.objects.filter(complaint=OuterRef("pk"), kind="reopened"))))
            .exclude(status__in=[Status.REJECTED, Status.DUPLICATE])
            .values_list("text_public", "category_id"))
    texts, labels = [], []
    for text, category in rows.iterator():
        if text and text.strip():
            texts.append(text)
            labels.append(category)
    return texts, labels


def labelled_history() -> list[learning.Example]:
    """The same examples with when a person last classified each one (None for settled
    complaints nobody reviewed): the nightly retrain holds recent reviews back to judge."""
    reviewed = (Event.objects.filter(complaint=OuterRef("pk"), kind="classified",
                                     actor__isnull=False).order_by("-created_at"))
    rows = (Complaint.objects.filter(category__isnull=False)
            .annotate(reviewed_at=Subquery(reviewed.values("created_at")[:1]))
            .filter(Exists(reviewed) | (
                ~Exists(Event.objects.filter(complaint=OuterRef("pk"), kind="returned"))
                & Exists(Event.objects.filter(complaint=OuterRef("pk"), kind="resolved"))
                & ~Exists(Event.objects.filter(complaint=OuterRef("pk"), kind="reopened"))))
            .exclude(status__in=[Status.REJECTED, Status.DUPLICATE])
            .values_list("text_public", "category_id", "reviewed_at"))
    return [learning.Example(text, category, when, when is not None)
            for text, category, when in rows.iterator() if text and text.strip()]


def nightly_retrain(now: datetime | None = None) -> None:
    """Periodic job (aduan.worker.PERIODIC_JOBS): once a night per city, retrain the category
    model from the team's reviews and settled complaints; keep it only if it is at least as
    good on the recent reviews (aduan.triage.learning.nightly)."""
    city = learning.current_city()
    if learning.due(now, city):
        learning.nightly(labelled_history(), city, now)
