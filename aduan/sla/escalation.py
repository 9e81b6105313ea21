"""The SLA tick: warn before deadlines, escalate after them, move citizen clocks on.

`tick(now)` is called every ~30 s by `aduan worker`, possibly by several processes at
once. Each action for one deadline happens exactly once: it runs in one transaction that
locks the complaint row, re-checks that the deadline is still the one selected, and
inserts a `Claim` row unique on (complaint, action, due); a second worker either waits
for the lock and sees a moved deadline, or fails the insert and skips.

Layer 4: acts on complaints through their named actions.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from aduan.complaints import actions
from aduan.complaints.models import OPEN, Complaint, Status
from aduan.org.models import Official, Unit
from aduan.org.staffing import nearest_staffed

from . import clock, deadlines
from .models import Claim, Notification

log = logging.getLogger(__name__)

BATCH = 500  # complaints per phase per tick; the next tick takes the rest


def tick(now: datetime | None = None, batch: int = BATCH) -> dict:
    """One pass of the SLA clock. Returns counts of what it did (for logs and metrics)."""
    now = now or timezone.now()
    stats: Counter = Counter()
    _repair_missing_deadlines(now, stats, batch)
    for pk, due in (
        Complaint.objects.filter(status__in=OPEN, next_due__lte=now)
        .order_by("next_due").values_list("pk", "next_due")[:batch]
    ):
        try:
            _handle_due(pk, due, now, stats)
        except actions.ActionError as exc:  # changed under us in a way we did not foresee
            log.warning("sla tick: complaint %s: %s", pk, exc)
            stats["errors"] += 1
        except Exception:  # one broken complaint must not stop the others (rolled back)
            log.exception("sla tick: complaint %s failed", pk)
            stats["errors"] += 1
    _warn(now, stats, batch)
    return dict(stats)


# --- claims -------------------------------------------------------------------------------

def _claim(complaint_id: int, action: str, due: datetime, now: datetime) -> bool:
    """Insert the once-per-deadline key; False when another worker already has it."""
    try:
        with transaction.atomic():
            Claim.objects.create(complaint_id=complaint_id, action=action, due=due, created_at=now)
    except IntegrityError:
        return False
    return True


def _locked(pk: int) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=pk)


# --- deadlines that passed ----------------------------------------------------------------

def _handle_due(pk: int, due: datetime, now: datetime, stats: Counter) -> None:
    with transaction.atomic():
        complaint = _locked(pk)
        if complaint.status not in OPEN or complaint.next_due != due:
            stats["stale"] += 1
            return
        if complaint.status == Status.RESOLVED:
            action = "close"
        elif complaint.status == Status.WAITING_CITIZEN:
            action = "resume"
        else:
            action = "escalate"
        if not _claim(pk, action, due, now):
            if action == "escalate":
                # Under the lock the row still shows a deadline already acted on: something
                # set an old due time back. Give a fresh deadline rather than stall on it.
                Complaint.objects.filter(pk=pk).update(next_due=deadlines.escalation_due(
                    complaint.category_id, complaint.urgency, now))
                stats["renewed"] += 1
            else:
                stats["already_claimed"] += 1
            return
        if action == "close":
            actions.close_unconfirmed(complaint)
            stats["closed_unconfirmed"] += 1
        elif action == "resume":
            _resume_after_wait(complaint, now)
            stats["wait_expired"] += 1
        else:
            _escalate(complaint, due, now, stats)


def _supervisor(unit: Unit) -> Unit | None:
    """The nearest active ancestor of a unit (None at the top of the tree)."""
    parent = unit.parent
    while parent is not None and not parent.is_active:
        parent = parent.parent
    return parent


def _escalate(complaint: Complaint, due: datetime, now: datetime, stats: Counter) -> None:
    kind = clock.deadline_kind(complaint.status, due, complaint.first_response_due,
                               complaint.resolution_due)
    label = clock.LABELS[kind]
    owner = complaint.owner
    # Like routing: pass over units nobody can act for (Pemkot holds only the mayor).
    supervisor = _supervisor(owner)
    parent, unstaffed = nearest_staffed(supervisor) if supervisor else (None, [])
    passed = (f" {', '.join(str(u) for u in unstaffed)} belum punya petugas aktif."
              if unstaffed else "")
    new_due = deadlines.escalation_due(complaint.category_id, complaint.urgency, now)
    if kind != clock.RESOLUTION and complaint.resolution_due and complaint.resolution_due > now:
        new_due = min(new_due, complaint.resolution_due)
    local_due = timezone.localtime(due).strftime("%d-%m-%Y %H:%M")
    if parent is not None:
        reason = f"Tenggat {label} ({local_due}) terlewati oleh {owner}; naik ke {parent}.{passed}"
        actions.escalate(complaint, parent, reason, deadline=kind, next_due=new_due)
        notify_units = [parent, owner]
        event_kind = "escalated"
        stats[f"escalated_to_level_{complaint.escalation_level + 1}"] += 1
    else:
        # The top of the tree: nobody above to escalate to, but the breach still notifies.
        reason = f"Tenggat {label} ({local_due}) terlewati oleh {owner} (unit tertinggi).{passed}"
        actions.record(complaint, "sla_overdue", None, note=reason,
                       data={"deadline": kind, "due": due.isoformat(), "unit": owner.pk,
                             "level": complaint.escalation_level,
                             "unstaffed": [u.code for u in unstaffed]})
        notify_units = [owner]
        event_kind = "sla_overdue"
        stats["overdue_at_top"] += 1
        Complaint.objects.filter(pk=complaint.pk).update(next_due=new_due)
    _notify(notify_units, complaint, event_kind, f"{complaint.ref}: {reason}", now)


def _resume_after_wait(complaint: Complaint, now: datetime) -> None:
    """The citizen did not answer in time: the named action moves the clocks on."""
    actions.resume_after_wait(complaint)
    _notify([complaint.owner], complaint, "wait_expired",
            f"{complaint.ref}: pelapor tidak menjawab; aduan kembali ditangani.", now)


# --- deadlines that are near --------------------------------------------------------------

def _warn(now: datetime, stats: Counter, batch: int) -> None:
    policies = deadlines.all_policies() or [deadlines.policy_for(None)]
    horizon = max(p.add(now, p.warn_before) for p in policies)
    warned = Claim.objects.filter(complaint_id=OuterRef("pk"), action="warn",
                                  due=OuterRef("next_due"))
    candidates = (
        Complaint.objects.filter(status__in=clock.CITY_CLOCK_STATUSES,
                                 next_due__gt=now, next_due__lte=horizon)
        .exclude(Exists(warned))
        .order_by("next_due")
        .values_list("pk", "next_due", "category_id", "urgency")[:batch]
    )
    for pk, due, code, urgency in candidates:
        policy = deadlines.policy_for(code, urgency)
        if policy.add(now, policy.warn_before) < due:
            continue  # this complaint's policy warns later
        with transaction.atomic():
            complaint = _locked(pk)
            if complaint.status not in clock.CITY_CLOCK_STATUSES or complaint.next_due != due:
                stats["stale"] += 1
                continue
            if not _claim(pk, "warn", due, now):
                stats["already_claimed"] += 1
                continue
            kind = clock.deadline_kind(complaint.status, due, complaint.first_response_due,
                                       complaint.resolution_due)
            from .humanize import time_left

            text = (f"Tenggat {clock.LABELS[kind]} {complaint.ref}: "
                    f"{time_left(due, now, code, urgency)}.")
            actions.record(complaint, "sla_warning", None, note=text,
                           data={"deadline": kind, "due": due.isoformat(),
                                 "unit": complaint.owner_id})
            _notify([complaint.owner], complaint, "sla_warning", text, now)
            stats["warned"] += 1


# --- repairs ------------------------------------------------------------------------------

def _repair_missing_deadlines(now: datetime, stats: Counter, batch: int) -> None:
    """Open means owned: give any open complaint without a next deadline one."""
    for complaint in Complaint.objects.filter(status__in=OPEN, next_due__isnull=True)[:batch]:
        code, urgency = complaint.category_id, complaint.urgency
        first_due, resolution_due = complaint.first_response_due, complaint.resolution_due
        if complaint.status == Status.WAITING_CITIZEN:
            next_due = deadlines.waiting_until(now, code, urgency)
        elif complaint.status == Status.RESOLVED:
            next_due = deadlines.confirmation_until(complaint.resolved_at or now, code, urgency)
        else:
            due = deadlines.for_complaint(code, urgency, complaint.created_at)
            first_due = first_due or (None if complaint.first_response_at else due.first_response)
            resolution_due = resolution_due or due.resolution
            next_due = first_due or resolution_due
        with transaction.atomic():
            updated = Complaint.objects.filter(pk=complaint.pk, next_due__isnull=True).update(
                next_due=next_due, first_response_due=first_due, resolution_due=resolution_due,
            )
            if updated:
                actions.record(complaint, "sla_repaired", None,
                               note="Aduan terbuka tanpa tenggat; tenggat dipasang ulang.",
                               data={"next_due": next_due.isoformat()})
                stats["repaired"] += 1


# --- notifications ------------------------------------------------------------------------

def _notify(units: list[Unit], complaint: Complaint, kind: str, text: str,
            now: datetime) -> None:
    users = (
        Official.objects.filter(unit__in=units, is_active=True)
        .values_list("user_id", flat=True).distinct()
    )
    Notification.objects.bulk_create([
        Notification(user_id=user_id, complaint_id=complaint.pk, kind=kind, text=text[:500],
                     created_at=now)
        for user_id in set(users)
    ])
