"""Reference numbers: short, readable, at least four digits (SKA-0427-3318)."""

import secrets

from django.conf import settings
from django.db import connection

from .models import AcceptedComplaint, Complaint

# Free among complaints and among web complaints accepted but not opened yet: one
# statement over both unique indexes (this runs on every complaint).
TAKEN = (f"SELECT 1 FROM {Complaint._meta.db_table} WHERE ref = %s UNION ALL "
         f"SELECT 1 FROM {AcceptedComplaint._meta.db_table} WHERE ref = %s")


def new_reference() -> str:
    prefix = settings.ADUAN_REF_PREFIX
    with connection.cursor() as cursor:
        for _ in range(50):
            ref = f"{prefix}-{secrets.randbelow(10_000):04d}-{secrets.randbelow(10_000):04d}"
            cursor.execute(TAKEN, [ref, ref])
            if cursor.fetchone() is None:
                return ref
    raise RuntimeError("could not find a free reference number")
