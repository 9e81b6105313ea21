"""No complaint waits for nobody: routing passes over units without an active official."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aduan.complaints.intake import IncomingMessage, open_complaint
from aduan.complaints.models import Category
from aduan.complaints.routing import route_decision
from aduan.org.models import Official, Unit
from aduan.org.staffing import nearest_staffed, staffed_unit_ids, unstaffed_units
from aduan.regions.models import Region

KEMLAYAN = "33.72.02.1007"
JOYOTAKAN = "33.72.02.1001"  # a kelurahan of Serengan whose office has no lurah in the demo


def _assigned(complaint):
    return complaint.events.get(kind="assigned")


def test_demo_dispendukcapil_has_nobody_so_the_triage_team_takes_it(city):
    """The demo's real case: Dispendukcapil owns adminduk but nobody there can log in."""
    assert not Official.objects.filter(unit__code="dispendukcapil").exists()
    complaint = open_complaint(IncomingMessage(
        channel="web", text="KTP-el saya hilang, bagaimana mengurus penggantinya?",
        category_code="adminduk", region_code=KEMLAYAN))
    assert complaint.owner.code == "tim-triase"
    event = _assigned(complaint)
    assert "Dispendukcapil" in event.note and "petugas aktif" in event.note
    assert event.data["unstaffed"] == ["dispendukcapil"]
    assert event.data["wanted"] == Unit.objects.get(code="dispendukcapil").pk


def test_unstaffed_kelurahan_goes_to_its_staffed_kecamatan(city):
    layanan = Category.objects.get(code="layanan_wilayah")
    decision = route_decision(layanan, Region.objects.get(code=JOYOTAKAN))
    assert decision.wanted.code == "kel-33-72-02-1001"
    assert decision.unit.code == "kec-33-72-02"  # camat.serengan answers
    assert [u.code for u in decision.skipped] == ["kel-33-72-02-1001"]


def test_rt_without_a_head_goes_to_its_rw(city):
    layanan = Category.objects.get(code="layanan_wilayah")
    layanan.owner_rule = Category.OwnerRule.RT
    layanan.save()
    kemlayan = Region.objects.get(code=KEMLAYAN)
    staffed = route_decision(layanan, kemlayan, rt=3, rw=5)
    assert staffed.unit.code == "rt-33-72-02-1007-05-03" and staffed.reason == ""
    empty = route_decision(layanan, kemlayan, rt=2, rw=5)  # RT 02 exists, nobody heads it
    assert empty.wanted.code == "rt-33-72-02-1007-05-02"
    assert empty.unit.code == "rw-33-72-02-1007-05"
    assert "RT 02/RW 05" in empty.reason


def test_staffed_owner_is_kept_and_says_nothing(city):
    complaint = open_complaint(IncomingMessage(
        channel="web", text="Jalan berlubang di depan pasar", category_code="jalan",
        region_code=KEMLAYAN))
    assert complaint.owner.code == "dpupr"
    event = _assigned(complaint)
    assert event.note == "" and "unstaffed" not in event.data


@pytest.mark.parametrize("how", ["position_inactive", "account_inactive", "cannot_log_in"])
def test_an_official_who_cannot_answer_does_not_staff_a_unit(city, how):
    dlh = Unit.objects.get(code="dlh")
    official = Official.objects.get(unit=dlh, user__username="dlh")
    if how == "position_inactive":
        official.is_active = False
        official.save()
    elif how == "account_inactive":
        official.user.is_active = False
        official.user.save()
    else:
        official.user.set_unusable_password()
        official.user.save()
    assert dlh in unstaffed_units()
    unit, skipped = nearest_staffed(dlh)
    assert skipped == [dlh, dlh.parent] and unit is None  # the mayor only reads
    decision = route_decision(Category.objects.get(code="sampah"), None)
    assert decision.unit.code == "tim-triase" and decision.skipped == [dlh]
    if how == "cannot_log_in":  # linking a chat app makes them reachable again
        official.telegram_chat_id = "5550001"
        official.save()
        assert dlh not in unstaffed_units()
        assert route_decision(Category.objects.get(code="sampah"), None).unit == dlh


def test_unstaffed_units_is_one_query_and_right(city):
    with CaptureQueriesContext(connection) as queries:
        codes = set(unstaffed_units().values_list("code", flat=True))
    assert len(queries) == 1
    assert {"dispendukcapil", "dinsos", "pdam", "kel-33-72-02-1001"} <= codes
    assert not codes & {"dpupr", "dlh", "dishub", "tim-triase", "kel-33-72-02-1007",
                        "rt-33-72-02-1007-05-03", "kec-33-72-02"}
    assert "pemkot-33-72" in codes  # the mayor and Sekda read; they do not answer
    staffed = staffed_unit_ids()
    assert Unit.objects.get(code="dpupr").pk in staffed
    assert not staffed & set(unstaffed_units().values_list("pk", flat=True))
