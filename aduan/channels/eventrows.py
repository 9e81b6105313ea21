"""New provider events and their processing jobs, written many at once (a group commit).

The deliveries a process receives at the same moment have their events written by one of
their requests (writelock.together), each answered once the commit holding its rows is
done. A round is one INSERT ... SELECT FROM (VALUES ...), which skips a repeated delivery
(ON CONFLICT on the unique (account, provider id)) and a sender past the hourly limit (its
WHERE counts the sender's last hour: one index range), and queues a job for each event it
stored: in the same statement on PostgreSQL (a data-modifying CTE), in the same
transaction on SQLite. A sender, and a message id, appear once per round, so each row's
count sees the rows stored before it, as if they were written one at a time.
"""

import json
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from django.conf import settings
from django.db import connection
from django.utils import timezone

from aduan.jobs.backend import insert_for_each_sql
from aduan.jobs.queue import wake_on_commit
from aduan.writelock import together, writing

from .models import InboundEvent
from .processing import process_inbound

NEW, REPEAT, LIMIT = "new", "repeat", "sender_hourly_limit"
HOUR = timedelta(hours=1)
# The rule of ADUAN_MAX_MESSAGES_PER_SENDER_HOUR: the sender's events of the last hour.
SENDER_HOUR = ("SELECT COUNT(*) FROM {table} AS e WHERE e.account_id = {account} "
               "AND e.sender = {sender} AND e.received_at >= {since}")
EVENTS = ("INSERT INTO {table} (account_id, provider_id, kind, sender, body, received_at, "
          "error) SELECT v.column1, v.column2, v.column3, v.column4, v.column5, v.column6, '' "
          "FROM (VALUES {values}) AS v WHERE ({count}) < %s "
          "ON CONFLICT (account_id, provider_id) DO NOTHING RETURNING id, account_id, "
          "provider_id")
ROW = "(%s, %s, %s, %s, %s, %s, %s)"


@dataclass(frozen=True, slots=True)
class EventRow:
    account_id: int
    provider_id: str
    kind: str
    sender: str
    body: str
    received_at: datetime


def add(rows: list[EventRow]) -> list[str]:
    """What became of each row (NEW, REPEAT or LIMIT), once committed."""
    return together(write, rows)


def write(rows: list[EventRow]) -> list[str]:
    """The rows, in rounds. One statement needs no transaction (PostgreSQL, one round)."""
    groups = rounds(rows)
    outcome = [REPEAT] * len(rows)
    one_statement = connection.vendor == "postgresql" and len(groups) == 1
    with nullcontext() if one_statement else writing():
        for group in groups:
            stored = insert_round([rows[i] for i in group])
            for i in group:
                if (rows[i].account_id, rows[i].provider_id) in stored:
                    outcome[i] = NEW
                elif over_hourly_limit(rows[i]):
                    outcome[i] = LIMIT
        if NEW in outcome:
            wake_on_commit(process_inbound.queue_name)
    return outcome


def rounds(rows: list[EventRow]) -> list[list[int]]:
    """Row indexes, in order, split so that each sender and each message id of an
    account appears at most once per round."""
    taken: dict[tuple, int] = {}
    groups: list[list[int]] = []
    for i, row in enumerate(rows):
        keys = (("sender", row.account_id, row.sender), ("id", row.account_id, row.provider_id))
        n = max(taken.get(key, 0) for key in keys)
        for key in keys:
            taken[key] = n + 1
        if n == len(groups):
            groups.append([])
        groups[n].append(i)
    return groups


@cache
def events_sql(vendor: str, size: int) -> str:
    table = connection.ops.quote_name(InboundEvent._meta.db_table)
    count = SENDER_HOUR.format(table=table, account="v.column1", sender="v.column4",
                               since="v.column7")
    return EVENTS.format(table=table, values=", ".join([ROW] * size), count=count)


def insert_round(rows: list[EventRow]) -> set[tuple[int, str]]:
    """Insert the rows with their jobs; the (account, provider id) of those stored."""
    adapt = connection.ops.adapt_datetimefield_value
    events = events_sql(connection.vendor, len(rows))
    params = [value for row in rows for value in (
        row.account_id, row.provider_id, row.kind, row.sender, row.body,
        adapt(row.received_at), adapt(row.received_at - HOUR))]
    params.append(settings.ADUAN_MAX_MESSAGES_PER_SENDER_HOUR)
    now = timezone.now()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            jobs, job_params = insert_for_each_sql(process_inbound, "event", now)
            cursor.execute(f"WITH event AS ({events}), job AS ({jobs}) "
                           "SELECT id, account_id, provider_id FROM event",
                           params + job_params)
            stored = cursor.fetchall()
        else:
            cursor.execute(events, params)
            stored = cursor.fetchall()
            if stored:
                jobs, job_params = insert_for_each_sql(
                    process_inbound, "(SELECT value AS id FROM json_each(%s))", now)
                cursor.execute(jobs, [*job_params, json.dumps([pk for pk, _, _ in stored])])
    return {(account, provider_id) for _, account, provider_id in stored}


def over_hourly_limit(row: EventRow) -> bool:
    """Why a row was not stored: its sender's limit, or else a repeated delivery."""
    table = connection.ops.quote_name(InboundEvent._meta.db_table)
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(SENDER_HOUR.format(table=table, account="%s", sender="%s", since="%s"),
                       [row.account_id, row.sender, adapt(row.received_at - HOUR)])
        (count,) = cursor.fetchone()
    return count >= settings.ADUAN_MAX_MESSAGES_PER_SENDER_HOUR
