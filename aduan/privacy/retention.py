"""The retention job: personal data is removed when its city's policy says so.

- raw webhook bodies: emptied `webhook_body_days` after receipt (the row and its
  idempotency key stay, so a late redelivery still changes nothing);
- photo originals: replaced by a copy without EXIF/GPS `photo_original_days` after the
  complaint closed;
- reporter contact (name, phone, e-mail, channel handle): wiped `reporter_contact_days`
  after the reporter's last complaint closed, when none is still open;
- web complaints accepted but never opened (`complaints/accepted.py`: their job died, or
  is gone): the row (the citizen's words and contact) and its dead job deleted
  `reporter_contact_days` after acceptance; its tracking link then answers 404 as for an
  unknown token. A row whose job still waits or runs stays, however old.

`run()` is listed in `aduan/worker.py:PERIODIC_JOBS`; it works at most once per
`EVERY` (the worker calls it every 30 s), logs counts and stores a `RetentionRun`.
Idempotent: a second worker running it at the same time finds nothing left to do.
"""

import logging
import time
from collections import Counter
from datetime import datetime, timedelta

from django.db.models import Max, Q
from django.utils import timezone

from aduan.channels.models import InboundEvent
from aduan.complaints.accepted import opening_jobs
from aduan.complaints.models import OPEN, TERMINAL, AcceptedComplaint, Complaint, Reporter
from aduan.evidence.models import Photo
from aduan.jobs.models import Job

from .models import RetentionPolicy, RetentionRun
from .photos import STRIPPED_PREFIX, strip_original

logger = logging.getLogger("aduan.privacy")

EVERY = timedelta(hours=1)
BATCH = 1000  # rows per statement
BUDGET_SECONDS = 60.0  # per run; a first run over years of backlog goes on the next hour
ERASED_BODY = ""


def _policies() -> tuple[RetentionPolicy, list[RetentionPolicy]]:
    default = RetentionPolicy.default()
    cities = list(RetentionPolicy.objects.filter(city__isnull=False).select_related("city"))
    return default, cities


def _complaints_of(policy: RetentionPolicy, cities: list[RetentionPolicy]) -> Q:
    """Complaints a policy governs: in its city, or (the default) in no city with its own."""
    if policy.city_id:
        return Q(region__code__startswith=policy.city_id + ".")
    others = Q()
    for city in cities:
        others |= Q(region__code__startswith=city.city_id + ".")
    return ~others if cities else Q()


def webhook_bodies(now: datetime, stats: Counter) -> int:
    batch = BATCH
    # Webhook rows carry no city before they are read: the strictest policy applies.
    default, cities = _policies()
    days = min([default.webhook_body_days, *[c.webhook_body_days for c in cities]])
    old = (InboundEvent.objects.filter(received_at__lt=now - timedelta(days=days))
           .exclude(body=ERASED_BODY).values_list("pk", flat=True)[:batch])
    done = InboundEvent.objects.filter(pk__in=list(old)).update(body=ERASED_BODY)
    stats["webhook_bodies"] += done
    return done


def photo_originals(now: datetime, stats: Counter) -> int:
    batch = BATCH
    default, cities = _policies()
    done = 0
    for policy in [default, *cities]:
        closed = (Complaint.objects.filter(_complaints_of(policy, cities))
                  .filter(status__in=list(TERMINAL),
                          closed_at__lt=now - timedelta(days=policy.photo_original_days)))
        photos = (Photo.objects.filter(complaint__in=closed)
                  .exclude(original__startswith=STRIPPED_PREFIX)
                  .order_by("pk")[:batch])
        for photo in photos:
            done += 1  # looked at: a row already stripped keeps the loop from spinning
            if strip_original(photo):
                stats["photo_originals"] += 1
    return done


def reporter_contacts(now: datetime, stats: Counter) -> int:
    batch = BATCH
    default, cities = _policies()
    done = 0
    has_contact = ~Q(name="", phone="", email="", handle="", verified_phone="")
    for policy in [default, *cities]:
        cutoff = now - timedelta(days=policy.reporter_contact_days)
        their = Complaint.objects.filter(_complaints_of(policy, cities))
        candidates = (
            Reporter.objects.filter(has_contact, complaints__in=their)
            .exclude(complaints__status__in=OPEN)
            .annotate(last_closed=Max("complaints__closed_at"))
            .filter(last_closed__lt=cutoff).values_list("pk", flat=True).distinct()[:batch])
        wiped = wipe_reporters(list(candidates))
        stats["reporter_contacts"] += wiped
        done += wiped
    return done


def wipe_reporters(ids: list[int]) -> int:
    """Name, phone (typed and verified), e-mail and channel handle gone; the row stays for
    the complaints."""
    if not ids:
        return 0
    return Reporter.objects.filter(pk__in=ids).update(name="", phone="", email="", handle="",
                                                      verified_phone="")


def accepted_complaints(now: datetime, stats: Counter) -> int:
    # Rows are not read yet, so they have no city: the strictest contact policy applies.
    default, cities = _policies()
    days = min([default.reporter_contact_days, *[c.reporter_contact_days for c in cities]])
    live = opening_jobs(Job.State.READY, Job.State.RUNNING).values("row")  # maybe just behind
    old = list(AcceptedComplaint.objects.filter(created_at__lt=now - timedelta(days=days))
               .exclude(pk__in=live).order_by("pk").values_list("pk", flat=True)[:BATCH])
    if not old:
        return 0
    # The dead jobs first, each only while still dead: a staff retry that wins leaves a
    # ready job, and the row then stays (the live jobs are read again by the DELETE).
    opening_jobs(Job.State.DEAD).filter(row__in=old).delete()
    done, _ = AcceptedComplaint.objects.filter(pk__in=old).exclude(pk__in=live).delete()
    stats["accepted_complaints"] += done
    return done


def run(now: datetime | None = None, force: bool = False) -> dict | None:
    """One retention pass (None when the last one is younger than EVERY)."""
    now = now or timezone.now()
    if not force and RetentionRun.objects.filter(started_at__gt=now - EVERY).exists():
        return None
    record = RetentionRun.objects.create(started_at=now)
    stats: Counter = Counter({"webhook_bodies": 0, "photo_originals": 0,
                              "reporter_contacts": 0, "accepted_complaints": 0})
    started = time.monotonic()
    for step in (webhook_bodies, photo_originals, reporter_contacts, accepted_complaints):
        # Batch after batch while there is work and time; the next run does the rest.
        while step(now, stats) >= BATCH and time.monotonic() - started < BUDGET_SECONDS:
            logger.info("retention: %s so far", dict(stats))
    record.removed, record.finished_at = dict(stats), timezone.now()
    record.save(update_fields=["removed", "finished_at"])
    logger.info("retention: removed webhook_bodies=%d photo_originals=%d reporter_contacts=%d "
                "accepted_complaints=%d", stats["webhook_bodies"], stats["photo_originals"],
                stats["reporter_contacts"], stats["accepted_complaints"])
    return dict(stats)
