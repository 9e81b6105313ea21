"""Exact counts and figures over the complaints, cached until the data moves.

A COUNT over a million complaints costs 0.5-2 s on PostgreSQL (the gallery's, over its
join, 1.7 s). Figures here are keyed by their query and by the data's version: the newest
complaint change (index `complaint_updated_idx`) and the newest row of the counted table,
two index lookups. A repeated page costs those two lookups while nothing changed and one
exact count after something did, so the answer is the same as a fresh count. Deleted rows
that are not the newest do not move the version: CACHE_SECONDS bounds that staleness.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import connection

from .models import Complaint

CACHE_SECONDS = 600


def version(model=None) -> str:
    """Changes whenever a complaint is saved or a row of `model` is added (one query of
    index lookups)."""
    quote = connection.ops.quote_name
    table = quote(Complaint._meta.db_table)
    parts = [f"SELECT MAX({quote('updated_at')}) FROM {table}",
             f"SELECT MAX({quote(Complaint._meta.pk.column)}) FROM {table}"]
    if model is not None and model is not Complaint:
        parts.append(f"SELECT MAX({quote(model._meta.pk.column)}) "
                     f"FROM {quote(model._meta.db_table)}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"({p})" for p in parts))
        return "|".join(str(v) for v in cursor.fetchone())


def figure(name: str, compute: Callable[[], Any], model=None) -> Any:
    """`compute()` cached under `name` until `version(model)` changes."""
    digest = hashlib.sha1(f"{name}|{version(model)}".encode()).hexdigest()
    key = f"counting:{digest}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    return found


def count(queryset) -> int:
    """queryset.count(), cached by its SQL until the data moves."""
    sql, params = queryset.order_by().query.sql_with_params()
    return figure(f"count|{sql}|{params!r}", queryset.count, queryset.model)
