"""SLA test fixtures: a frozen, movable clock and a small Surakarta unit tree with people.

Times are written in Solo time (WIB): `wib(2026, 11, 27, 21)` is Friday 27 November 2026
21:00 Asia/Jakarta.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from aduan.sla import deadlines

WIB = ZoneInfo("Asia/Jakarta")


def wib(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


class Clock:
    """`django.utils.timezone.now` frozen at a moment you move by hand."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> datetime:
        self.now = moment
        return moment

    def advance(self, **delta) -> datetime:
        self.now = self.now + timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch):
    frozen = Clock(wib(2026, 11, 23, 9, 0))  # a Monday morning
    monkeypatch.setattr(timezone, "now", frozen)
    return frozen


@pytest.fixture(autouse=True)
def fresh_policy_cache():
    deadlines.clear_cache()
    yield
    deadlines.clear_cache()


class City:
    """Pemkot > Kecamatan Serengan > Kelurahan Kemlayan > RW 05 > RT 03, the triage team,
    DPUPR > Bidang Jalan, PLN (external), with one official on each."""

    def __init__(self):
        from aduan.org.models import Official, Unit

        K = Unit.Kind
        self.pemkot = Unit.objects.create(code="pemkot-ska", name="Pemkot Surakarta", kind=K.PEMKOT)
        self.triage = Unit.objects.create(code="tim-triase", name="Tim Khusus", kind=K.TEAM,
                                          parent=self.pemkot)
        self.kecamatan = Unit.objects.create(code="kec-serengan", name="Kecamatan Serengan",
                                             kind=K.KECAMATAN, parent=self.pemkot)
        self.kelurahan = Unit.objects.create(code="kel-kemlayan", name="Kelurahan Kemlayan",
                                             kind=K.KELURAHAN, parent=self.kecamatan)
        self.rw = Unit.objects.create(code="rw-05", name="RW 05", kind=K.RW, number=5,
                                      parent=self.kelurahan)
        self.rt = Unit.objects.create(code="rt-03", name="RT 03/RW 05", kind=K.RT, number=3,
                                      parent=self.rw)
        self.dpupr = Unit.objects.create(code="dpupr", name="DPUPR", kind=K.DINAS,
                                         parent=self.pemkot)
        self.pln = Unit.objects.create(code="pln", name="PLN", kind=K.EXTERNAL)
        User = get_user_model()
        R = Official.Role
        self.people = {}
        for username, unit, role in [
            ("pak_rt", self.rt, R.KETUA_RT), ("pak_rw", self.rw, R.KETUA_RW),
            ("bu_lurah", self.kelurahan, R.LURAH), ("pak_camat", self.kecamatan, R.CAMAT),
            ("triase", self.triage, R.TRIAGE), ("walikota", self.pemkot, R.MAYOR),
            ("staf_pemkot", self.pemkot, R.STAFF),  # the mayor only reads (org/staffing.py)
            ("staf_dpupr", self.dpupr, R.STAFF),
        ]:
            # A usable password: an official who cannot log in does not staff the unit
            # (org/staffing.py). Tests hash with MD5, so this costs nothing.
            user = User.objects.create_user(username, password="rahasia-uji")
            Official.objects.create(user=user, unit=unit, role=role)
            self.people[username] = user

    def complaint(self, owner=None, *, category=None, urgency="normal", text="Jalan berlubang"):
        """A complaint that arrives now (triage owns it) and is assigned to `owner`."""
        from aduan.complaints import actions
        from aduan.complaints.models import Category, Complaint

        now = timezone.now()
        if category:
            category, _ = Category.objects.get_or_create(
                code=category,
                defaults={"name": category, "requires_after_photo": category != "no_photo"})
        due = deadlines.for_complaint(category and category.pk, urgency, now)
        complaint = Complaint.objects.create(
            ref=f"SKA-{Complaint.objects.count() + 1:04d}-0000", owner=self.triage,
            created_at=now, text=text, category=category, urgency=urgency,
            first_response_due=due.first_response, resolution_due=due.resolution,
            next_due=due.first_response,
        )
        actions.record(complaint, "received", None, public=True)
        if owner is not None:
            complaint = actions.assign(complaint, owner, None, automatic=True)
        return complaint


@pytest.fixture
def city(db):
    return City()
