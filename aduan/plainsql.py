"""Plain SQL for what runs on every message: a model instance inserted with one INSERT ...
RETURNING (timeline events, outbox rows, reporters), and the datetimes such reads return.

Building the ORM's insert statement costs more than running it (about 0.5 ms against
0.05 ms on SQLite). The values are prepared by the model's own fields, as `save()` does
(`pre_save`, then `get_db_prep_save`), so a row is stored exactly as the ORM stores it.
No `pre_save`/`post_save` signal is sent: use it only for models nothing listens to.
"""

from datetime import UTC, datetime
from functools import cache

from django.db import connection
from django.utils.dateparse import parse_datetime


def insert(instance, *, unless_taken: str | tuple[str, ...] = "", where: str = "") -> int | None:
    """Insert `instance` and give it its new primary key, which is returned. With
    `unless_taken` (a unique column, or the columns of a unique index; `where`: a partial
    index's condition, in SQL), a row holding the same values there already is left
    alone and None is returned: no IntegrityError, so no savepoint is needed around it."""
    fields = _fields(type(instance))
    taken = (unless_taken,) if isinstance(unless_taken, str) and unless_taken else unless_taken
    with connection.cursor() as cursor:
        cursor.execute(_sql(type(instance), connection.vendor, tuple(taken), where), [
            f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields])
        found = cursor.fetchone()
    if found is None:
        return None
    instance.pk = found[0]
    instance._state.adding, instance._state.db = False, connection.alias
    return instance.pk


def _fields(model) -> list:
    return [f for f in model._meta.local_concrete_fields if f is not model._meta.auto_field]


@cache
def _sql(model, vendor: str, unless_taken: tuple[str, ...], where: str) -> str:
    quote = connection.ops.quote_name
    fields = _fields(model)
    conflict = (f" ON CONFLICT ({', '.join(map(quote, unless_taken))})"
                f"{f' WHERE {where}' if where else ''} DO NOTHING") if unless_taken else ""
    return (f"INSERT INTO {quote(model._meta.db_table)} "
            f"({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))}){conflict} "
            f"RETURNING {quote(model._meta.pk.column)}")


def moment(value: datetime | str | None) -> datetime | None:
    """A datetime column as plain SQL reads it: PostgreSQL gives an aware datetime, SQLite
    the ORM's UTC text (as a naive datetime where its converter ran)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value
