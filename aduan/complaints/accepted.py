"""A web complaint of words only is accepted in one short write and opened by the worker.

The form answers as soon as the citizen's reference and tracking token are stored with
a job (`accept`: one row and one job, one transaction); triage, place, deadlines,
duplicates, routing and the acknowledgement then run in the worker (`open_accepted`),
under that same reference and token. Exactly once: a complaint's token is unique, so a
job run twice (a lease that ran out, a retry) finds the complaint and only removes the
row. Until then the tracking page says the complaint is received and being recorded.

Complaints with photos are opened while the citizen waits, as before: checking and
storing the photos is the slow part of them, and photo bytes do not belong in a row.
"""

import dataclasses
from contextlib import nullcontext
from datetime import datetime

from django.db import IntegrityError
from django.db.models import IntegerField
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast
from django.utils import timezone
from django_tasks import task

from aduan import plainsql
from aduan.jobs.models import Job
from aduan.writelock import writing

from . import actions
from .intake import IncomingMessage, open_complaint
from .models import AcceptedComplaint, Complaint, new_token
from .reference import new_reference

FIELDS = {f.name for f in dataclasses.fields(IncomingMessage)}
# What a stored message holds about how to reach the citizen (IncomingMessage's fields).
CONTACT = ("name", "phone", "email", "handle")
# Set in the stored message by a citizen's erasure (privacy/citizen.py) while the row
# waited: {"by": who, "note": the timeline's words}; the opened complaint's timeline says so.
ERASED = "personal_data_erased"


def applies(msg: IncomingMessage) -> bool:
    return not msg.photos


def accept(msg: IncomingMessage) -> AcceptedComplaint:
    """Store the message with its job; the reference and token are the citizen's now."""
    now = msg.received_at or timezone.now()
    message = dataclasses.asdict(dataclasses.replace(msg, photos=[], received_at=None))
    message["received_at"] = now.isoformat()
    row = AcceptedComplaint(ref=new_reference(), token=new_token(), message=message,
                            created_at=now)
    with writing():
        plainsql.insert(row)  # nothing listens to these rows' signals
        open_accepted.enqueue(row.pk)
    return row


def waiting(token: str) -> AcceptedComplaint | None:
    """The accepted complaint behind a tracking token, while it is not opened yet."""
    return AcceptedComplaint.objects.filter(token=token).first()


@task(queue_name="intake")
def open_accepted(accepted_id: int) -> None:
    """The job: open the accepted complaint (idempotent), then remove its row."""
    row = AcceptedComplaint.objects.filter(pk=accepted_id).first()
    if row is None:
        return  # opened and removed before
    if not Complaint.objects.filter(token=row.token).exists():
        fields = {k: v for k, v in row.message.items() if k in FIELDS}
        fields.update(received_at=datetime.fromisoformat(fields["received_at"]),
                      ref=row.ref, token=row.token)
        erased = row.message.get(ERASED)
        erased = erased if isinstance(erased, dict) else None
        try:
            # De-identified before it opened: the complaint and the event saying so are one
            # write (rare, so computing under the write lock here costs nothing that counts).
            with writing() if erased else nullcontext():
                complaint = open_complaint(IncomingMessage(**fields))
                if erased:
                    actions.record(complaint, ERASED, str(erased.get("by", "")),
                                   note=str(erased.get("note", "")), data={"accepted": row.ref})
        except IntegrityError:  # another run opened it a moment ago
            if not Complaint.objects.filter(token=row.token).exists():
                raise
    AcceptedComplaint.objects.filter(pk=row.pk).delete()


def opening_jobs(*states: str):
    """The `open_accepted` jobs in these states, each annotated with the id of the row it
    opens (`row`): what retention and a citizen's erasure ask before touching a row."""
    row = Cast(KeyTextTransform("0", KeyTransform("args", "args")), IntegerField())
    return (Job.objects.filter(task_path=open_accepted.module_path, state__in=states)
            .annotate(row=row))
