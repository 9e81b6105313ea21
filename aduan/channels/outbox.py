"""The durable outbox: every message to a citizen is a row, written in the transaction
that caused it, sent by a job that claims the row with a conditional UPDATE.

Retries: 5xx, 429, timeouts and connection errors are retried MAX_ATTEMPTS - 1 times with
exponential backoff (1 s, 2 s, 4 s, ...); other 4xx park the row for staff. A row left in
`sending` by a crashed worker is parked by the sweeper, never sent again on its own: the
provider may already have it.
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.dispatch import receiver
from django.utils import timezone
from django_tasks import task

from aduan import plainsql
from aduan.complaints import lookups
from aduan.complaints.intake import acknowledgement_text
from aduan.complaints.models import Complaint, Event
from aduan.complaints.signals import event_recorded

from . import errors, loop
from .current import CURRENT
from .http import TIMEOUT, ProviderError, Rejected, Retryable
from .models import ChannelAccount, OutboxMessage, OutboxThrottle
from .registry import CHANNELS
from .types import Park

logger = logging.getLogger("aduan.channels")
S = OutboxMessage.Status

MAX_ATTEMPTS = 6  # the first send and five retries
BACKOFF_START = 1.0
BACKOFF_CAP = 300.0
PACE_RECHECK = 0.2  # seconds before a row behind an earlier one to the same person looks again
SLOT_AHEAD = 1.0  # seconds: a worker takes an account's send slot at most this far ahead

# Public timeline events the citizen hears about on their channel.
NOTIFY_KINDS = {"received", "assigned", "acknowledged", "reply", "progress", "asked_citizen",
                "resolved", "closed", "rejected", "forwarded", "merged", "reopened",
                "survivor_resolved", "confirmed"}


def text_for(event: Event, complaint: Complaint) -> str:
    ref, note, link = complaint.ref, event.note.strip(), complaint.tracking_url()
    unit = event.data.get("unit", "")
    texts = {
        # The tracking link, sent not stored; and a merge decided at intake.
        "received": acknowledgement_text(complaint, event.data.get("merged_into", "")),
        "assigned": f"Aduan {ref} diteruskan ke {unit} untuk ditangani.",
        "acknowledged": f"Aduan {ref} sudah diterima petugas dan sedang ditangani."
                        + (f" {note}" if note else ""),
        "reply": f"Balasan petugas untuk aduan {ref}:\n{note}",
        "progress": f"Perkembangan aduan {ref}:\n{note}\n{link}",
        "asked_citizen": f"Petugas membutuhkan informasi untuk aduan {ref}:\n{note}\n"
                         "Balas pesan ini untuk menjawab.",
        "resolved": f"Aduan {ref} dilaporkan selesai: {note}\nFoto sebelum/sesudah: {link}\n"
                    "Balas SUDAH (1) bila sudah beres, atau BELUM (2) bila belum beres. "
                    "Balas STATUS kapan saja untuk melihat keadaan aduan.",
        "confirmed": loop.rating_question(complaint),
        "closed": f"Aduan {ref} ditutup. Terima kasih telah melapor.",
        "rejected": f"Mohon maaf, aduan {ref} tidak dapat kami proses: {note}",
        "forwarded": f"Aduan {ref} berada di luar wewenang Pemerintah Kota dan sudah kami "
                     f"teruskan ke {unit}." + (f" {note}" if note else ""),
        "merged": f"Aduan {ref} digabung dengan aduan {event.data.get('into', '')} tentang "
                  f"masalah yang sama. Pantau di {link}",
        "reopened": f"Aduan {ref} dibuka kembali dan akan ditangani lagi. {link}",
        "survivor_resolved": f"Masalah yang Anda laporkan ({ref}) sudah diselesaikan bersama "
                             f"aduan {event.data.get('survivor', '')}: {note}\n{link}",
    }
    return texts.get(event.kind, note)


@receiver(event_recorded, dispatch_uid="aduan.channels.outbox")
def on_event_recorded(sender, event: Event, **kwargs) -> None:
    if not event.public or event.kind not in NOTIFY_KINDS:
        return
    if event.kind in ("assigned", "merged") and event.data.get("automatic"):
        return  # decided with the acknowledgement: one message (which names a merge) is enough
    complaint = event.complaint
    # The conversation is the complaint's account and reporter, wherever the complaint
    # arrived: a web complaint has none until a chat joins it (citizen_link.py).
    if not complaint.channel_account_id:
        return
    if complaint.reporter_id is None or not complaint.reporter.handle:
        return
    account = lookups.memo(("channel-account-pk", complaint.channel_account_id),
                           lambda: ChannelAccount.objects.filter(
                               pk=complaint.channel_account_id).first())
    if account is None or account.kind not in CHANNELS:
        return
    queue_text(account, complaint, f"event:{event.pk}", complaint.reporter.handle,
               text_for(event, complaint), acknowledgement=event.kind == "received",
               buttons=loop.buttons_for(event.kind, complaint),
               image=loop.photo_url(event.kind, complaint, event.data.get("photos") or ()),
               ask_location=event.kind == "received" and loop.needs_place(complaint))


def queue_text(account: ChannelAccount, complaint: Complaint | None, key: str, recipient: str,
               text: str, *, acknowledgement: bool = False,
               buttons: tuple[tuple[str, str], ...] = (), image: str = "",
               ask_location: bool = False) -> OutboxMessage:
    """Compose under the provider's rules and queue one send (inside the caller's
    transaction). A rule that forbids sending parks the row with the reason.

    What a channel cannot carry falls back to words: no buttons (the text says what to
    type), no image (the text links the before/after page), no location button (a
    sentence asks for the street and kelurahan). A send module declares what it carries
    with BUTTONS, IMAGES and LOCATION_REQUEST."""
    origin = CURRENT.get()
    if origin is not None and origin.sender != recipient:
        origin = None
    status, error = S.QUEUED, ""
    sender = CHANNELS[account.kind].send
    extra = {"buttons": buttons} if buttons and getattr(sender, "BUTTONS", False) else {}
    if image and getattr(sender, "IMAGES", False):
        extra["image"] = image
    if ask_location:
        button = getattr(sender, "LOCATION_REQUEST", False)
        text = f"{text}\n\n{loop.location_question(button)}"
        if button:
            extra["ask_location"] = True
    try:
        payload = sender.compose(
            account, recipient, text, origin=origin, acknowledgement=acknowledgement, **extra)
    except Park as exc:
        payload, status, error = {"text": text}, S.PARKED, str(exc)
    key = payload.pop("key", None) or key
    return queue(account, complaint, key, recipient, payload, status=status, error=error)


def answer_press(account: ChannelAccount, msg) -> None:
    """A button press the provider wants answered (Telegram: the client shows a spinner
    until answerCallbackQuery), queued once per press (the key is the press id). Not a
    message to the person: queued without a recipient, so it is neither held behind their
    messages nor paced (`_wait_for_turn`)."""
    sender = CHANNELS[account.kind].send
    if msg.press_id and hasattr(sender, "answer_press"):
        queue(account, None, f"press:{account.pk}:{msg.press_id}", "",
              sender.answer_press(account, msg.press_id))


def queue(account, complaint, key, recipient, payload, *, status=S.QUEUED, error=""):
    """One row per key (inside the caller's transaction) and, when queued, its send job.
    Keys are new almost always: insert first, read only when it was queued before."""
    row = OutboxMessage(account=account, complaint=complaint, key=key[:200],
                        recipient=recipient[:200], payload=payload, status=status,
                        last_error=error)
    if plainsql.insert(row, unless_taken="key") is None:
        return OutboxMessage.objects.get(key=row.key)
    if status == S.QUEUED:
        deliver_outbox.enqueue(row.pk)
    return row


def backoff(attempts: int, retry_after: float | None = None) -> float:
    delay = min(BACKOFF_CAP, BACKOFF_START * 2 ** max(0, attempts - 1))
    return min(BACKOFF_CAP, max(delay, retry_after or 0))


def _wait_for_turn(row: OutboxMessage, now) -> float:
    """Seconds this row must wait: messages to one recipient leave in order, one at a
    time (an earlier row still queued or sending goes first), and at least
    ADUAN_OUTBOX_PACE_SECONDS apart (the provider's per-user pacing). Other recipients
    are not held up."""
    if row.recipient in ("", row.account.account_id):
        return 0.0  # the unit's own page (activity posts), a press answer: no person to pace
    earlier, last = _recipient_state(row)
    if earlier:
        return PACE_RECHECK
    pace = getattr(settings, "ADUAN_OUTBOX_PACE_SECONDS", 1.0)
    return max(0.0, pace - (now - last).total_seconds()) if pace and last else 0.0


def _recipient_state(row: OutboxMessage) -> tuple[bool, object]:
    """Whether an earlier row to the same person is still queued or sending, and when the
    last one to them was sent: one statement over that person's rows (the index
    outbox_recipient_idx), in plain SQL because it runs on every send."""
    table = connection.ops.quote_name(OutboxMessage._meta.db_table)
    mine = f"FROM {table} WHERE account_id = %s AND recipient = %s"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 {mine} AND id < %s AND status IN (%s, %s)), "
            f"(SELECT MAX(sent_at) {mine})",
            [row.account_id, row.recipient, row.pk, S.QUEUED, S.SENDING,
             row.account_id, row.recipient])
        earlier, last = cursor.fetchone()
    convert = getattr(connection.ops, "convert_datetimefield_value", None)  # SQLite: text
    if last is not None and convert is not None:
        last = convert(last, None, connection)
    return bool(earlier), last


def account_rate(account: ChannelAccount) -> float:
    """Sends per second this account may make over all workers (0: no cap): its own
    `max_per_second` setting (set by hand), else the rate learned from the provider
    (`throughput_per_second`, whatsapp/throughput.py), else ADUAN_OUTBOX_ACCOUNT_RATE for
    its kind."""
    own = account.settings if isinstance(account.settings, dict) else {}
    rate = next((own[key] for key in ("max_per_second", "throughput_per_second")
                 if own.get(key) is not None),
                settings.ADUAN_OUTBOX_ACCOUNT_RATE.get(account.kind, 0))
    try:
        return max(0.0, float(rate or 0))
    except (TypeError, ValueError):
        return 0.0


# One statement takes the account's next send slot, on the database's clock (the same for
# every worker host): slots are 1/rate apart; a slot more than SLOT_AHEAD ahead is not
# given. It answers the seconds to wait for the slot, or no row when none was given.
_NOW = {"postgresql": "EXTRACT(EPOCH FROM clock_timestamp())::float8",
        "sqlite": "((julianday('now') - 2440587.5) * 86400.0)"}
_LATER = {"postgresql": "GREATEST", "sqlite": "MAX"}
_SLOT_SQL = {vendor: (
    f"UPDATE {OutboxThrottle._meta.db_table} SET next_slot = {_LATER[vendor]}(next_slot, {now})"
    f" + %s WHERE account_id = %s AND next_slot < {now} + %s RETURNING next_slot - %s - {now}"
) for vendor, now in _NOW.items()}


def _account_slot(account: ChannelAccount) -> float | None:
    """The account's throughput cap, held across workers and processes: take the next
    send slot and answer how many seconds until it (0.0: send now), or None when the
    next SLOT_AHEAD seconds are all taken. One query per send."""
    rate = account_rate(account)
    sql = _SLOT_SQL.get(connection.vendor)
    if rate <= 0 or sql is None:
        return 0.0
    interval = 1.0 / rate
    for _ in range(2):
        with connection.cursor() as cursor:
            cursor.execute(sql, [interval, account.pk, SLOT_AHEAD, interval])
            rows = cursor.fetchall()
        if rows:
            return max(0.0, float(rows[0][0]))
        if OutboxThrottle.objects.filter(account_id=account.pk).exists():
            return None  # every slot of the next SLOT_AHEAD seconds is taken
        try:  # the account's first send
            with transaction.atomic():
                OutboxThrottle.objects.create(account_id=account.pk)
        except IntegrityError:
            pass  # another worker made it first
    return None


def deliver(outbox_id: int) -> str:
    """Send one outbox row at most once. Returns the row's status afterwards.

    The row is marked `sending` only once its send slot has come, right before the
    request: a worker killed while it waits leaves the row queued (the sweeper queues
    it again), and the window in which a kill leaves the provider's answer unknown is
    the request itself."""
    now = timezone.now()
    row = (OutboxMessage.objects.filter(pk=outbox_id, status=S.QUEUED)
           .select_related("account").first())
    if row is None:
        return "skipped"
    wait = _wait_for_turn(row, now)
    if wait > 0:
        return _later(outbox_id, now + timedelta(seconds=wait))
    soon = now + timedelta(seconds=1)
    if row.next_attempt_at > soon:
        return "skipped"
    account = row.account
    usable = account.is_active and (account.token or not CHANNELS[account.kind].needs_token)
    if usable:
        slot = _account_slot(account)
        if slot is None:  # the account is at its throughput: still queued, unsent
            return _later(row.pk, timezone.now() + timedelta(seconds=SLOT_AHEAD / 2))
        if slot:
            time.sleep(slot)
    if not _update(outbox_id, S.QUEUED, {"status": S.SENDING, "claimed_at": timezone.now()},
                   count_attempt=True, due_by=soon):
        return "skipped"  # another worker took it meanwhile
    row.attempts += 1
    try:
        if not account.is_active:
            raise Park("akun kanal tidak aktif")
        if not usable:
            raise Park("akun kanal belum punya token; isi di admin lalu kirim ulang")
        provider_id = CHANNELS[account.kind].send.send(account, row.payload)
    except (Retryable, Rejected) as exc:
        return _refused(row, exc)
    except Park as exc:
        return _finish(row, S.PARKED, error=str(exc))
    except Exception as exc:  # a bug must not leave the row in `sending`
        logger.exception("outbox %s: unexpected error", row.pk)
        return _finish(row, S.PARKED, error=f"{exc.__class__.__name__}: {exc}"[:1000])
    errors.mark_healthy(row.account)  # writes only if the account was marked unhealthy
    return _finish(row, S.SENT, provider_id=provider_id or "")


# Sends go before the intake backlog: under a burst, each processed message is
# acknowledged at once instead of after the whole backlog.
@task(queue_name="outbox", priority=10)
def deliver_outbox(outbox_id: int) -> str:
    """The job: send one outbox row, at most once; schedules its own retry on 5xx, 429
    and timeouts."""
    return deliver(outbox_id)


def _later(outbox_id: int, when) -> str:
    """Not this row's turn yet (the person's pacing, the account's throughput)."""
    with transaction.atomic():
        OutboxMessage.objects.filter(pk=outbox_id, status=S.QUEUED).update(
            next_attempt_at=when)
        deliver_outbox.using(run_after=when).enqueue(outbox_id)
    return "waiting"


def _refused(row: OutboxMessage, exc) -> str:
    """The provider's error table decides: retry, template, stop, fix configuration."""
    verdict = errors.classify(row.account.kind, exc)
    error = f"{verdict.action}: {verdict.reason}. {exc}"
    if verdict.action == errors.RETRY:
        return _retry_or_park(row, error, verdict.wait)
    if verdict.action == errors.TEMPLATE:
        return _as_template(row, error)
    if verdict.action == errors.PLAIN:
        return _as_template(row, error, plain=True)
    if verdict.action == errors.STOP:
        return _finish(row, S.FAILED, error=error)
    if verdict.action == errors.FIX_CONFIG:
        errors.mark_unhealthy(row.account, error)
    return _finish(row, S.PARKED, error=error)


def after_failed_status(ids: list[int], kind: str, status) -> None:
    """A `failed` status webhook arrived for rows we sent (inside the webhook's
    transaction): read its error code with the provider's table, like a refused send."""
    error = ProviderError(status.error or "failed", code=status.code)
    verdict = errors.classify(kind, error)
    note = f"{verdict.action}: {verdict.reason}. {status.error}"[:2000]
    for row in OutboxMessage.objects.filter(pk__in=ids).select_related("account"):
        again = None
        if verdict.action == errors.RETRY and row.attempts < MAX_ATTEMPTS:
            again = row.payload
        elif verdict.action in (errors.TEMPLATE, errors.PLAIN):
            sender = CHANNELS[kind].send
            remake = getattr(sender, "as_template" if verdict.action == errors.TEMPLATE
                             else "without_media", None)
            try:
                again = remake(row.account, row.payload) if remake else None
            except Park as exc:
                note = f"{note} {exc}"[:2000]
        elif verdict.action == errors.FIX_CONFIG:
            errors.mark_unhealthy(row.account, note)
        if again is None:
            OutboxMessage.objects.filter(pk=row.pk).update(last_error=note)
            continue
        when = timezone.now() + timedelta(seconds=backoff(row.attempts, verdict.wait))
        # The failed message id is cleared: a repeated webhook for it changes nothing.
        OutboxMessage.objects.filter(pk=row.pk, status=S.FAILED).update(
            status=S.QUEUED, payload=again, next_attempt_at=when, provider_message_id="",
            delivery_status="", last_error=note)
        deliver_outbox.using(run_after=when).enqueue(row.pk)


def _as_template(row: OutboxMessage, error: str, *, plain: bool = False) -> str:
    """Outside the 24-hour window: the same text through the approved template, once.
    `plain`: the provider could not fetch the image; the same words without it, once."""
    sender = CHANNELS[row.account.kind].send
    try:
        payload = (sender.without_media if plain else sender.as_template)(
            row.account, row.payload)
    except (Park, AttributeError) as exc:
        return _finish(row, S.PARKED, error=f"{error} {exc}")
    with transaction.atomic():
        OutboxMessage.objects.filter(pk=row.pk, status=S.SENDING).update(
            status=S.QUEUED, payload=payload, next_attempt_at=timezone.now(),
            last_error=error[:2000])
        deliver_outbox.enqueue(row.pk)
    return S.QUEUED


def _finish(row: OutboxMessage, status: str, *, error: str = "", provider_id: str = "") -> str:
    fields = {"status": status, "last_error": error[:2000]}
    if status == S.SENT:
        fields.update(sent_at=timezone.now(), provider_message_id=provider_id[:300])
        if provider_id:
            fields["delivery_status"] = "sent"
    _update(row.pk, S.SENDING, fields)
    if status == S.PARKED:
        logger.warning("outbox %s parked: %s", row.pk, error[:300])
    return status


def _update(outbox_id: int, was: str, values: dict, *, count_attempt: bool = False,
            due_by=None) -> int:
    """Change one row only while it is in status `was` (and, with `due_by`, due by then):
    the conditional UPDATE of every send, twice, in plain SQL. Returns the rows changed."""
    meta, quote = OutboxMessage._meta, connection.ops.quote_name
    sets = [f"{quote(meta.get_field(name).column)} = %s" for name in values]
    params = [meta.get_field(name).get_db_prep_save(value, connection)
              for name, value in values.items()]
    if count_attempt:
        sets.append(f"{quote('attempts')} = {quote('attempts')} + 1")
    where = f"{quote('id')} = %s AND {quote('status')} = %s"
    params += [outbox_id, was]
    if due_by is not None:
        where += f" AND {quote('next_attempt_at')} <= %s"
        params.append(connection.ops.adapt_datetimefield_value(due_by))
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {quote(meta.db_table)} SET {', '.join(sets)} WHERE {where}",
                       params)
        return cursor.rowcount


def _retry_or_park(row: OutboxMessage, error: str, retry_after: float | None) -> str:
    if row.attempts >= MAX_ATTEMPTS:
        return _finish(row, S.PARKED, error=f"after {row.attempts} attempts: {error}")
    when = timezone.now() + timedelta(seconds=backoff(row.attempts, retry_after))
    with transaction.atomic():
        OutboxMessage.objects.filter(pk=row.pk, status=S.SENDING).update(
            status=S.QUEUED, next_attempt_at=when, last_error=error[:2000])
        deliver_outbox.using(run_after=when).enqueue(row.pk)
    return S.QUEUED


@transaction.atomic
def retry_parked(outbox_id: int) -> bool:
    """Staff put a parked message back in the queue (a fresh set of attempts)."""
    done = OutboxMessage.objects.filter(pk=outbox_id, status=S.PARKED).update(
        status=S.QUEUED, attempts=0, next_attempt_at=timezone.now(), last_error="")
    if done:
        deliver_outbox.enqueue(outbox_id)
    return bool(done)


def sweep() -> None:
    """Periodic: park rows stuck in `sending`; requeue due rows whose job was lost."""
    now = timezone.now()
    # A send outlives its job's lease and its HTTP timeout only if the worker died
    # mid-send: the provider may or may not have the message, so staff decide.
    stuck_after = timedelta(seconds=max(2 * settings.ADUAN_JOB_LEASE_SECONDS, 2 * TIMEOUT))
    OutboxMessage.objects.filter(status=S.SENDING, claimed_at__lt=now - stuck_after).update(
        status=S.PARKED,
        last_error="worker stopped while sending; the provider may have it. Check first.")
    for pk in OutboxMessage.objects.filter(
            status=S.QUEUED, next_attempt_at__lt=now - timedelta(minutes=2)
    ).values_list("pk", flat=True)[:500]:
        deliver_outbox.enqueue(pk)
