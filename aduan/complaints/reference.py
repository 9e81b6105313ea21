"""Reference numbers: short, readable, at least four digits (SKA-0427-3318)."""

import secrets

from django.conf import settings

from .models import Complaint


def new_reference() -> str:
    prefix = settings.ADUAN_REF_PREFIX
    for _ in range(50):
        ref = f"{prefix}-{secrets.randbelow(10_000):04d}-{secrets.randbelow(10_000):04d}"
        if not Complaint.objects.filter(ref=ref).exists():
            return ref
    raise RuntimeError("could not find a free reference number")
