"""`aduan sla-audit`, the digest, and the clocks the figures keep per complaint."""

from datetime import timedelta

import pytest
from django.core.management import call_command

from aduan.complaints import actions
from aduan.complaints.models import Complaint
from aduan.dashboard.models import ComplaintFact
from aduan.sla.audit import daily_digest
from aduan.sla.escalation import tick

from .conftest import wib

pytestmark = pytest.mark.django_db


def test_audit_lists_open_complaints_and_passes(city, clock, capsys):
    city.complaint(city.rt)
    city.complaint(city.rt)
    city.complaint()
    call_command("sla_audit", "--digest")
    out = capsys.readouterr().out
    assert "RT 03/RW 05" in out and "Tim Khusus" in out and "3 aduan terbuka." in out
    assert "sisa 1 hari kerja" in out
    assert "RT 03/RW 05: 2 aduan terbuka (2 ≤1 hari)" in out


def test_audit_fails_on_an_open_complaint_without_deadline(city, clock, capsys):
    c = city.complaint(city.rt)
    Complaint.objects.filter(pk=c.pk).update(next_due=None)
    with pytest.raises(SystemExit) as exit_:
        call_command("sla_audit")
    assert exit_.value.code == 1
    assert c.ref in capsys.readouterr().err


def test_digest_buckets_by_age(city, clock):
    city.complaint(city.rt)
    clock.advance(days=10)
    city.complaint(city.rt)
    assert daily_digest()["rt-03"] == "RT 03/RW 05: 2 aduan terbuka (1 ≤1 hari, 1 8–30 hari)"


def test_measures_first_response_in_working_minutes(city, clock):
    clock.set(wib(2026, 11, 27, 21, 0))  # Friday night
    c = city.complaint(city.rt)
    clock.set(wib(2026, 11, 30, 9, 0))  # Monday 09:00: 90 working minutes later
    actions.acknowledge(c, city.people["pak_rt"])
    m = ComplaintFact.objects.get(complaint_id=c.pk)
    assert (m.first_response_minutes, m.answered_met) == (90, True)
    assert (m.escalations, m.unit_id) == (0, city.rt.pk)


def test_measures_count_escalations_and_breach(city, clock):
    c = city.complaint(city.rt)
    for _ in range(2):
        clock.set(Complaint.objects.get(pk=c.pk).next_due + timedelta(minutes=1))
        tick()
    clock.advance(hours=1)
    actions.acknowledge(Complaint.objects.get(pk=c.pk), city.people["bu_lurah"])
    m = ComplaintFact.objects.get(complaint_id=c.pk)
    assert (m.escalations, m.answered_met) == (2, False)
    assert m.unit_id == city.kelurahan.pk
