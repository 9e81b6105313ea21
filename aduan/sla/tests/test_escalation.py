"""The SLA tick: warnings before deadlines, escalation up the tree after them."""

from datetime import timedelta

import pytest

from aduan.complaints import actions
from aduan.complaints.models import Complaint, Event
from aduan.sla.escalation import tick
from aduan.sla.models import Claim, Notification

from .conftest import wib

pytestmark = pytest.mark.django_db


def kinds(complaint):
    return list(Event.objects.filter(complaint=complaint).values_list("kind", flat=True))


def test_owner_is_warned_once_two_working_hours_before_first_response(city, clock):
    c = city.complaint(city.rt)  # Monday 09:00 -> due Tuesday 09:00
    assert c.next_due == wib(2026, 11, 24, 9, 0)
    clock.set(wib(2026, 11, 23, 15, 29))  # 121 working minutes left (30 today, 91 tomorrow)
    assert tick() == {}
    clock.set(wib(2026, 11, 23, 15, 31))  # 119 working minutes left
    assert tick()["warned"] == 1
    assert tick().get("warned") is None
    assert kinds(c).count("sla_warning") == 1
    note = Notification.objects.get(kind="sla_warning")
    assert note.user == city.people["pak_rt"] and "sisa 1 jam kerja" in note.text


def test_missed_first_response_climbs_rt_rw_kelurahan_kecamatan_pemkot(city, clock):
    c = city.complaint(city.rt)
    owners = []
    for _ in range(6):
        clock.set(Complaint.objects.get(pk=c.pk).next_due + timedelta(minutes=1))
        tick()
        c.refresh_from_db()
        owners.append(c.owner.code)
        assert c.next_due > clock.now  # never without a next deadline
    assert owners == ["rw-05", "kel-kemlayan", "kec-serengan", "pemkot-ska", "pemkot-ska",
                      "pemkot-ska"]
    assert c.escalation_level == 4
    assert kinds(c).count("escalated") == 4
    assert kinds(c).count("sla_overdue") == 2  # the top stops climbing but still notifies
    assert Notification.objects.filter(user=city.people["walikota"]).count() == 3


def test_escalation_stops_below_a_pemkot_where_only_the_mayor_sits(city, clock):
    from aduan.org.models import Official

    Official.objects.filter(unit=city.pemkot).exclude(role=Official.Role.MAYOR).update(
        is_active=False)
    c = city.complaint(city.rt)
    owners = []
    for _ in range(5):
        clock.set(Complaint.objects.get(pk=c.pk).next_due + timedelta(minutes=1))
        tick()
        c.refresh_from_db()
        owners.append(c.owner.code)
        assert c.next_due > clock.now  # never without a next deadline
    # The mayor only reads: the kecamatan is the highest unit anyone can act for.
    assert owners == ["rw-05", "kel-kemlayan", "kec-serengan", "kec-serengan", "kec-serengan"]
    assert c.escalation_level == 3
    overdue = Event.objects.filter(complaint=c, kind="sla_overdue").order_by("pk")
    assert overdue.count() == 2
    assert all("Pemkot Surakarta belum punya petugas aktif" in e.note for e in overdue)
    assert overdue[0].data["unstaffed"] == ["pemkot-ska"]
    assert not Notification.objects.filter(user=city.people["walikota"]).exists()


def test_escalation_passes_over_a_unit_without_an_active_official(city, clock):
    from aduan.org.models import Official

    Official.objects.filter(unit=city.kelurahan).update(is_active=False)  # lurah away
    c = city.complaint(city.rt)
    clock.set(c.next_due + timedelta(minutes=1))
    tick()  # RT -> RW
    c.refresh_from_db()
    clock.set(c.next_due + timedelta(minutes=1))
    tick()  # RW -> (Kelurahan Kemlayan: nobody) -> Kecamatan Serengan
    c.refresh_from_db()
    assert (c.owner, c.escalation_level) == (city.kecamatan, 2)
    event = Event.objects.filter(complaint=c, kind="escalated").latest("pk")
    assert event.data["to"] == city.kecamatan.pk
    assert "naik ke Kecamatan Serengan" in event.note
    assert "Kelurahan Kemlayan belum punya petugas aktif" in event.note
    told = set(Notification.objects.filter(kind="escalated", complaint_id=c.pk).values_list(
        "user__username", flat=True))
    assert "pak_camat" in told and "bu_lurah" not in told


def test_escalation_gives_the_supervisor_one_working_day(city, clock):
    c = city.complaint(city.rt)
    clock.set(wib(2026, 11, 24, 9, 1))  # Tuesday, a minute late
    stats = tick()
    assert stats["escalated_to_level_1"] == 1
    c.refresh_from_db()
    assert (c.owner, c.next_due) == (city.rw, wib(2026, 11, 25, 9, 1))
    event = Event.objects.get(complaint=c, kind="escalated")
    assert event.data["deadline"] == "first_response"
    assert "RT 03/RW 05" in event.note and "24-11-2026 09:00" in event.note
    assert set(Notification.objects.filter(kind="escalated").values_list(
        "user__username", flat=True)) == {"pak_rw", "pak_rt"}


def test_a_second_tick_on_the_same_deadline_does_nothing(city, clock):
    c = city.complaint(city.rt)
    clock.set(wib(2026, 11, 24, 9, 1))
    tick()
    assert tick() == {}
    assert Claim.objects.filter(complaint_id=c.pk, action="escalate").count() == 1


def test_acknowledged_complaint_moves_to_the_resolution_deadline(city, clock):
    c = city.complaint(city.rt)
    clock.set(wib(2026, 11, 23, 10, 0))
    c = actions.acknowledge(c, city.people["pak_rt"])
    assert c.next_due == c.resolution_due == wib(2026, 12, 7, 9, 0)  # 10 working days
    clock.set(wib(2026, 11, 24, 9, 1))
    assert tick() == {}


def test_late_resolution_escalates_too(city, clock):
    c = city.complaint(city.rt)
    actions.acknowledge(c, city.people["pak_rt"])
    clock.set(wib(2026, 12, 7, 9, 1))
    tick()
    event = Event.objects.get(complaint=c, kind="escalated")
    assert event.data["deadline"] == "resolution"


def test_after_hours_submission_is_due_monday_afternoon(city, clock):
    clock.set(wib(2026, 11, 27, 21, 0))  # Friday night
    c = city.complaint(city.rt)
    assert c.first_response_due == wib(2026, 11, 30, 16, 0)
    clock.set(wib(2026, 11, 30, 15, 0))  # one working hour left: warned, not escalated
    assert tick() == {"warned": 1}


def test_holiday_week_moves_the_deadline(city, clock):
    clock.set(wib(2026, 12, 23, 14, 0))
    c = city.complaint(city.rt)
    assert c.first_response_due == wib(2026, 12, 28, 14, 0)
    clock.set(wib(2026, 12, 26, 14, 0))
    assert tick() == {}


def test_emergency_runs_at_night_on_a_short_clock(city, clock):
    clock.set(wib(2026, 12, 24, 22, 0))  # cuti bersama night
    c = city.complaint(city.dpupr, urgency="emergency", text="Pohon tumbang menutup jalan")
    assert c.first_response_due == wib(2026, 12, 24, 23, 0)
    assert c.resolution_due == wib(2026, 12, 25, 22, 0)
    clock.set(wib(2026, 12, 24, 22, 50))
    assert tick() == {"warned": 1}
    clock.set(wib(2026, 12, 24, 23, 1))
    assert tick() == {"escalated_to_level_1": 1}
    c.refresh_from_db()
    assert c.owner == city.pemkot and c.next_due == wib(2026, 12, 25, 0, 1)


def test_reassignment_keeps_the_deadline_and_records_the_reason(city, clock):
    c = city.complaint(city.kelurahan)
    due = c.next_due
    clock.advance(hours=2)
    c = actions.assign(c, city.dpupr, city.people["triase"], reason="Jalan kota, bukan kampung")
    assert (c.owner, c.next_due) == (city.dpupr, due)
    assert Event.objects.filter(kind="assigned", note="Jalan kota, bukan kampung").exists()
    clock.set(due + timedelta(minutes=1))
    tick()
    c.refresh_from_db()
    assert c.owner == city.pemkot  # the new owner's parent is told


def test_forwarded_complaint_leaves_the_clock(city, clock):
    c = city.complaint(city.kelurahan)
    actions.forward(c, city.pln, city.people["triase"], reason="Kabel listrik milik PLN")
    clock.advance(days=30)
    assert tick() == {}


def test_waiting_for_the_citizen_pauses_and_then_resumes(city, clock):
    c = city.complaint(city.rt)  # due Tue 24 Nov 09:00
    clock.set(wib(2026, 11, 23, 11, 0))
    c = actions.ask_citizen(c, city.people["pak_rt"], "Di depan rumah nomor berapa?")
    assert c.next_due == wib(2026, 11, 30, 11, 0)  # the date the city stops waiting
    clock.set(wib(2026, 11, 24, 9, 1))
    assert tick() == {}  # paused: no escalation
    clock.set(wib(2026, 11, 30, 11, 1))
    assert tick() == {"wait_expired": 1}
    c.refresh_from_db()
    assert c.status == "assigned"  # back to the status before the wait
    # resolution due moved by the 5 working days paused; the owner gets 2 working days
    assert c.resolution_due == wib(2026, 12, 14, 9, 1)
    assert c.next_due == wib(2026, 12, 2, 11, 1)
    assert "wait_expired" in kinds(c)


def test_waiting_in_triage_resumes_the_first_response_clock(city, clock):
    c = city.complaint()  # stays with the triage team, status new
    clock.set(wib(2026, 11, 23, 10, 0))
    actions.ask_citizen(c, city.people["triase"], "Lokasinya di mana?")
    clock.set(wib(2026, 11, 30, 10, 1))
    tick()
    c.refresh_from_db()
    assert c.status == "new"
    # 450 working minutes were left when the wait began
    assert c.first_response_due == c.next_due == wib(2026, 12, 1, 9, 1)


def test_unconfirmed_resolution_closes_after_three_days(city, clock):
    c = city.complaint(city.rt, category="no_photo")
    c = actions.resolve(c, city.people["pak_rt"], "Sudah ditambal")
    clock.advance(days=3, minutes=1)
    assert tick() == {"closed_unconfirmed": 1}
    c.refresh_from_db()
    assert c.status == "closed"


def test_reopen_restarts_the_clocks(city, clock):
    c = city.complaint(city.rt, category="no_photo")
    actions.resolve(c, city.people["pak_rt"], "Sudah ditambal")
    clock.set(wib(2026, 11, 25, 9, 0))
    c = actions.reopen(Complaint.objects.get(pk=c.pk), "Masih berlubang")
    assert c.status == "in_progress"
    assert c.next_due == wib(2026, 11, 27, 9, 0)  # follow-up: 2 working days
    clock.set(wib(2026, 11, 27, 9, 1))
    tick()
    c.refresh_from_db()
    assert c.owner == city.rw


def test_open_complaint_without_a_deadline_is_repaired(city, clock):
    c = city.complaint(city.rt)
    Complaint.objects.filter(pk=c.pk).update(next_due=None, first_response_due=None)
    assert tick() == {"repaired": 1}
    c.refresh_from_db()
    assert c.next_due == c.first_response_due == wib(2026, 11, 24, 9, 0)


def test_inactive_supervisor_is_skipped(city, clock):
    city.rw.is_active = False
    city.rw.save()
    c = city.complaint(city.rt)
    clock.set(c.next_due + timedelta(minutes=1))
    tick()
    c.refresh_from_db()
    assert c.owner == city.kelurahan


def test_citizen_writing_again_gives_two_working_days_for_the_next_response(city, clock):
    c = city.complaint(city.rt)
    c = actions.acknowledge(c, city.people["pak_rt"])
    clock.set(wib(2026, 11, 27, 14, 0))  # Friday afternoon
    c = actions.add_citizen_message(c, "Kapan diperbaiki, Pak?")
    assert c.next_due == wib(2026, 12, 1, 14, 0)  # Tuesday: the weekend does not count
    clock.set(wib(2026, 12, 1, 14, 1))
    tick()
    assert Event.objects.get(complaint=c, kind="escalated").data["deadline"] == "follow_up"


def test_a_broken_complaint_does_not_stop_the_others(city, clock, monkeypatch):
    first = city.complaint(city.rt)
    second = city.complaint(city.kelurahan)
    real = actions.escalate

    def escalate(complaint, *args, **kwargs):
        if complaint.pk == first.pk:
            raise RuntimeError("boom")
        return real(complaint, *args, **kwargs)

    monkeypatch.setattr(actions, "escalate", escalate)
    clock.set(first.next_due + timedelta(minutes=1))
    stats = tick()
    assert stats == {"errors": 1, "escalated_to_level_1": 1}
    assert not Claim.objects.filter(complaint_id=first.pk).exists()  # rolled back: retried
    second.refresh_from_db()
    assert second.owner == city.kecamatan


def test_a_deadline_set_back_to_one_already_escalated_gets_a_fresh_one(city, clock):
    c = city.complaint(city.rt)
    due = c.next_due
    clock.set(due + timedelta(minutes=1))
    tick()
    Complaint.objects.filter(pk=c.pk).update(next_due=due)  # e.g. restored by hand
    assert tick() == {"renewed": 1}
    c.refresh_from_db()
    assert c.next_due == wib(2026, 11, 25, 9, 1) and c.owner == city.rw
    clock.set(c.next_due + timedelta(minutes=1))
    assert tick() == {"escalated_to_level_2": 1}
