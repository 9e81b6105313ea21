"""The status lifecycle of DESIGN.md, each step a named action with its event."""

import pytest

from aduan.complaints import actions
from aduan.complaints.intake import IncomingMessage, acknowledgement_text, open_complaint
from aduan.complaints.models import Event, Status
from aduan.evidence.store import save_photo

pytestmark = pytest.mark.django_db


def _road(text="Jalan berlubang besar di depan SD, Kemlayan RT 3 RW 5"):
    return open_complaint(IncomingMessage(
        channel="web", text=text, region_code="33.72.02.1007", rt=3, rw=5,
        category_code="jalan"))


def kinds(complaint):
    return list(Event.objects.filter(complaint=complaint).values_list("kind", flat=True))


def test_web_complaint_routes_to_rt_or_owner_and_gets_reference(city):
    complaint = _road()
    assert complaint.status == Status.ASSIGNED
    assert complaint.owner.code == "dpupr"
    assert len([c for c in complaint.ref if c.isdigit()]) >= 4
    assert complaint.next_due is not None and complaint.first_response_due is not None
    assert kinds(complaint)[:2] == ["received", "assigned"]
    received = Event.objects.get(complaint=complaint, kind="received")
    # The timeline keeps no private tracking link; the message sent to the citizen has it.
    assert complaint.ref in received.note and complaint.token not in received.note
    assert complaint.token in acknowledgement_text(complaint)


def test_full_walk_to_closed_with_after_photo(city, persona, jpeg):
    complaint = _road()
    staff = persona("dpupr")
    complaint = actions.acknowledge(complaint, staff, "Kami cek besok pagi")
    assert complaint.status == Status.IN_PROGRESS and complaint.first_response_at
    assert complaint.first_response_due is None
    complaint = actions.note_progress(complaint, staff, "Material datang")
    with pytest.raises(actions.ActionError, match="foto sesudah"):
        actions.resolve(complaint, staff, "Sudah ditambal")
    photo = save_photo(jpeg((30, 140, 60)), complaint=complaint, tag="after", user=staff)
    complaint = actions.resolve(complaint, staff, "Sudah ditambal", [photo.pk])
    assert complaint.status == Status.RESOLVED and complaint.next_due is not None
    complaint = actions.confirm(complaint)
    assert complaint.status == Status.CLOSED and complaint.next_due is None
    complaint = actions.rate(complaint, 5, "Cepat sekali")
    assert complaint.rating == 5
    assert kinds(complaint) == ["received", "assigned", "acknowledged", "progress", "resolved",
                                "confirmed", "rated"]


def test_not_fixed_reopens_and_restarts_clock(city, persona, jpeg):
    complaint = _road()
    staff = persona("dpupr")
    actions.acknowledge(complaint, staff)
    save_photo(jpeg(), complaint=complaint, tag="after", user=staff)
    complaint = actions.resolve(complaint, staff, "Selesai")
    complaint = actions.reopen(complaint, "Masih berlubang, hubungi 081234567890")
    assert complaint.status == Status.IN_PROGRESS and complaint.resolved_at is None
    assert complaint.next_due is not None
    reopened = Event.objects.get(complaint=complaint, kind="reopened")
    assert "081234567890" not in reopened.note


def test_category_without_after_photo_requirement_resolves_with_note(city, persona):
    complaint = open_complaint(IncomingMessage(
        channel="web", text="Bagaimana cara mengurus KTP-el yang hilang?",
        category_code="adminduk"))
    officer = persona("tim")
    complaint = actions.resolve(complaint, officer, "Bawa surat kehilangan dari polisi")
    assert complaint.status == Status.RESOLVED


def test_invalid_transitions_are_refused(city, persona):
    complaint = _road()
    with pytest.raises(actions.ActionError):
        actions.confirm(complaint)
    with pytest.raises(actions.ActionError):
        actions.reopen(complaint, "x")
    with pytest.raises(actions.ActionError):
        actions.rate(complaint, 4)
    actions.acknowledge(complaint, persona("dpupr"))
    with pytest.raises(actions.ActionError):
        actions.acknowledge(complaint, persona("dpupr"))


def test_reject_needs_reason_and_is_triage_only(city, persona):
    complaint = _road("iklan pinjol murah hubungi kami")
    with pytest.raises(actions.ActionError):
        actions.reject(complaint, persona("tim"), "  ")
    with pytest.raises(actions.NotAllowed):
        actions.reject(complaint, persona("dpupr"), "spam")
    complaint = actions.reject(complaint, persona("tim"), "Bukan aduan (iklan)")
    assert complaint.status == Status.REJECTED and not complaint.is_open


def test_forward_to_external_body(city, persona):
    from aduan.org.models import Unit

    complaint = _road("Kabel PLN putus di gang")
    pln = Unit.objects.get(code="pln")
    complaint = actions.forward(complaint, pln, persona("tim"), "Jaringan milik PLN")
    assert complaint.status == Status.FORWARDED and complaint.forwarded_to == pln


def test_merge_duplicate_follows_survivor(city, persona):
    first, second = _road(), _road("Lubang di jalan depan SD Kemlayan makin lebar")
    second = actions.merge(second, first, persona("tim"))
    assert second.status == Status.DUPLICATE and second.duplicate_of == first
    assert Event.objects.filter(complaint=first, kind="merged_in").exists()
    with pytest.raises(actions.ActionError):
        actions.merge(first, first, persona("tim"))


def test_waiting_citizen_pauses_until_answer(city, persona):
    complaint = _road()
    staff = persona("dpupr")
    complaint = actions.ask_citizen(complaint, staff, "Di sebelah mana persisnya?")
    assert complaint.status == Status.WAITING_CITIZEN
    complaint = actions.add_citizen_message(complaint, "Depan SD Negeri Kemlayan")
    assert complaint.status == Status.ASSIGNED


def test_reassign_within_tree_and_not_outside(city, persona):
    from aduan.org.models import Unit

    complaint = open_complaint(IncomingMessage(
        channel="web", text="Selokan mampet di gang", region_code="33.72.02.1007",
        category_code="layanan_wilayah"))
    assert complaint.owner.code == "kel-33-72-02-1007"
    lurah = persona("lurah.kemlayan")
    rt = Unit.objects.get(code="rt-33-72-02-1007-05-03")
    complaint = actions.assign(complaint, rt, lurah, "RT 03 yang paling dekat")
    assert complaint.owner == rt
    with pytest.raises(actions.NotAllowed):
        actions.assign(complaint, Unit.objects.get(code="dpupr"), persona("rt03.kemlayan"))


def test_escalate_moves_to_parent_and_records(city):
    complaint = _road()
    parent = complaint.owner.parent
    complaint = actions.escalate(complaint, parent, "Batas respons pertama terlewat")
    assert complaint.owner == parent and complaint.escalation_level == 1
    assert Event.objects.filter(complaint=complaint, kind="escalated").count() == 1


def test_near_identical_complaint_is_linked_and_hears_resolution(city, persona, jpeg):
    text = "Lampu PJU mati total di Jalan Yos Sudarso depan Masjid, Kemlayan RT 3 RW 5"
    first = open_complaint(IncomingMessage(channel="web", text=text,
                                           region_code="33.72.02.1007", category_code="pju"))
    second = open_complaint(IncomingMessage(channel="web", text=text + " malam ini",
                                            region_code="33.72.02.1007", category_code="pju"))
    assert second.status == Status.DUPLICATE and second.duplicate_of == first
    assert second.possible_duplicates[0]["ref"] == first.ref
    staff = persona("dishub")
    actions.acknowledge(first, staff)
    save_photo(jpeg(), complaint=first, tag="after", user=staff)
    actions.resolve(first, staff, "Lampu diganti")
    assert Event.objects.filter(complaint=second, kind="survivor_resolved", public=True).exists()


def test_similar_complaint_elsewhere_is_not_linked(city):
    first = open_complaint(IncomingMessage(
        channel="web", text="Sampah menumpuk di pinggir jalan, bau sekali",
        region_code="33.72.02.1007", category_code="sampah"))
    other = open_complaint(IncomingMessage(
        channel="web", text="Sampah menumpuk di pinggir jalan, bau sekali",
        region_code="33.72.05.1011", category_code="sampah"))
    assert other.duplicate_of is None and other.status != Status.DUPLICATE
    assert first.ref not in [d["ref"] for d in other.possible_duplicates]


def test_answer_after_a_wait_moves_deadlines_by_the_paused_time(city, persona, monkeypatch):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    monday = datetime(2026, 11, 16, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    monkeypatch.setattr(timezone, "now", lambda: monday)
    complaint = _road()
    before = complaint.resolution_due
    complaint = actions.ask_citizen(complaint, persona("dpupr"), "Di sebelah mana?")
    monkeypatch.setattr(timezone, "now", lambda: monday + timedelta(days=1))
    complaint = actions.add_citizen_message(complaint, "Depan SD")
    assert complaint.status == Status.ASSIGNED
    assert complaint.resolution_due > before  # one working day of waiting added
    assert complaint.first_response_at is not None  # asking the citizen was a response
    assert complaint.next_due is not None and complaint.next_due <= complaint.resolution_due
