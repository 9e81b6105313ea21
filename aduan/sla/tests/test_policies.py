"""Policies as data: the most specific match wins; defaults follow Solo's rule."""

from datetime import timedelta

import pytest

from aduan.sla import deadlines
from aduan.sla.models import Holiday, SlaPolicy, WorkingCalendar, seed_default_policies

from .conftest import wib

pytestmark = pytest.mark.django_db


def test_without_any_policy_the_built_in_defaults_apply():
    due = deadlines.for_complaint("jalan", "normal", wib(2026, 11, 23, 9))
    assert due.first_response == wib(2026, 11, 24, 9)
    assert due.resolution == wib(2026, 12, 7, 9)
    assert deadlines.next_response("jalan", "normal", wib(2026, 11, 23, 9)) == wib(2026, 11, 25, 9)


def test_seed_is_idempotent():
    assert seed_default_policies() == {"calendars": 2, "policies": 3, "holidays": 0}
    assert seed_default_policies() == {"calendars": 0, "policies": 0, "holidays": 0}
    assert SlaPolicy.objects.count() == 3


def test_most_specific_policy_wins():
    seed_default_policies()
    office = WorkingCalendar.objects.get(is_24_7=False)
    SlaPolicy.objects.create(name="Adminduk", category_code="adminduk", calendar=office,
                             first_response=timedelta(hours=4))
    SlaPolicy.objects.create(name="Adminduk darurat", category_code="adminduk",
                             urgency="emergency", calendar=office,
                             first_response=timedelta(hours=1))
    assert deadlines.policy_for("adminduk", "normal").name == "Adminduk"
    assert deadlines.policy_for("adminduk", "emergency").name == "Adminduk darurat"
    assert deadlines.policy_for("jalan", "emergency").name == "Darurat 24/7"
    assert deadlines.policy_for("bencana", "normal").name == "Bencana: selalu darurat"
    assert deadlines.policy_for(None, "normal").calendar.is_24_7 is False
    start = wib(2026, 11, 23, 9)
    assert deadlines.for_complaint("adminduk", "normal", start).first_response == wib(
        2026, 11, 23, 13)


def test_local_holiday_row_changes_deadlines_at_once():
    seed_default_policies()
    office = WorkingCalendar.objects.get(is_24_7=False)
    start = wib(2026, 11, 23, 9)
    assert deadlines.for_complaint(None, "normal", start).first_response == wib(2026, 11, 24, 9)
    Holiday.objects.create(calendar=office, date=wib(2026, 11, 24).date(), name="Libur daerah")
    assert deadlines.for_complaint(None, "normal", start).first_response == wib(2026, 11, 25, 9)


def test_policies_are_cached(django_assert_num_queries):
    seed_default_policies()
    deadlines.policy_for("jalan", "normal")
    with django_assert_num_queries(0):
        for _ in range(100):
            deadlines.for_complaint("jalan", "normal", wib(2026, 11, 23, 9))
