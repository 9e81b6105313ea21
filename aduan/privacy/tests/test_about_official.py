"""Complaints about an official or unit skip that unit, go one level up, and that unit
never sees them: not on a page, a queue, the API, a notification or an escalation."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from aduan.channels.models import ChannelAccount, OutboxMessage
from aduan.complaints import actions
from aduan.complaints.about_official import route_around
from aduan.complaints.intake import IncomingMessage, open_complaint
from aduan.complaints.models import Category, Complaint
from aduan.org.models import Official, Unit
from aduan.regions.models import Region
from aduan.sla import escalation
from aduan.sla.models import Notification
from aduan.worker import run_until_empty

from . import cases

pytestmark = pytest.mark.django_db

RT_CHAT, RW_CHAT, LURAH_CHAT = "7003", "7005", "7007"


def test_a_complaint_about_the_rt_head_goes_to_the_rw_with_the_reason(city):
    complaint = cases.about_rt()
    assert complaint.about_official and complaint.about_unit.code == cases.RT03
    assert complaint.owner.code == cases.RW05 and complaint.status == "assigned"
    event = complaint.events.get(kind="about_official")
    assert not event.public
    assert "dilewati" in event.note and "susah dihubungi" in event.note
    assert event.data["skipped"] == complaint.about_unit_id
    assert event.data["source"] == "text" and event.data["level"] == "rt"


@pytest.mark.parametrize("level, named, owner", [
    ("rt", "rt-33-72-02-1007-05-03", "rw-33-72-02-1007-05"),
    ("rw", "rw-33-72-02-1007-05", "kel-33-72-02-1007"),
    ("kelurahan", "kel-33-72-02-1007", "kec-33-72-02"),
    ("kecamatan", "kec-33-72-02", "pemkot-33-72"),
])
def test_each_level_goes_one_up(city, level, named, owner):
    region = Region.objects.get(code=cases.KEMLAYAN)
    up, skipped = route_around(level, None, region, 3, 5)
    assert (skipped.code, up.code) == (named, owner)


def test_a_dinas_goes_to_the_inspectorate_when_the_city_has_one(city):
    road = Category.objects.get(code="jalan")
    region = Region.objects.get(code=cases.KEMLAYAN)
    up, skipped = route_around("dinas", road, region)
    assert skipped.code == "dpupr" and up.kind == Unit.Kind.PEMKOT
    inspectorate = Unit.objects.create(code="inspektorat", name="Inspektorat Daerah",
                                       kind=Unit.Kind.DINAS, parent=up)
    assert route_around("dinas", road, region) == (inspectorate, skipped)


def test_the_citizen_can_tick_it_on_the_web_form(city, client):
    response = client.post(reverse("citizen:new"), {
        "text": "Petugas yang datang kemarin tidak sopan waktu memeriksa saluran.",
        "kelurahan": cases.KEMLAYAN, "rw": "5", "rt": "3", "category": "layanan_wilayah",
        "name": "Rudi", "contact": "081233344455", "about_official": "on"})
    assert response.status_code == 302
    run_until_empty()  # the worker opens a web complaint of words only
    complaint = Complaint.objects.get(reporter__phone="081233344455")
    assert complaint.about_official
    assert complaint.about_unit.code == "kel-33-72-02-1007"  # the unit that would own it
    assert complaint.owner.code == "kec-33-72-02"
    assert complaint.events.get(kind="about_official").data["source"] == "citizen"


def test_and_through_open311(city, client):
    from aduan.api.models import ApiKey

    _, key = ApiKey.issue("Aplikasi uji")
    response = client.post("/open311/v2/requests.json", {
        "api_key": key, "service_code": "jalan", "lat": "-7.5705", "long": "110.8283",
        "description": "Petugas dinas minta uang supaya jalan kami cepat diperbaiki.",
        "phone": "081277788800", "about_official": "true", "confidential": "true"})
    assert response.status_code == 201, response.content
    complaint = Complaint.objects.get(ref=response.json()[0]["service_request_id"])
    assert complaint.about_official and complaint.confidential
    assert complaint.about_unit is not None and complaint.owner != complaint.about_unit


def test_ordinary_mentions_of_the_rt_are_not_about_an_official(city):
    complaint = open_complaint(IncomingMessage(
        channel="web", text="Minta surat pengantar dari Pak RT untuk mengurus KTP, caranya?",
        region_code=cases.KEMLAYAN, rt=3, rw=5, category_code="layanan_wilayah"))
    assert not complaint.about_official and complaint.about_unit is None


def test_the_named_unit_cannot_be_given_it_back_nor_merged_into(city, persona):
    complaint = cases.about_rt()
    rt03 = Unit.objects.get(code=cases.RT03)
    for actor in (persona("rw05.kemlayan"), persona("tim"), None):
        with pytest.raises(actions.NotAllowed):
            actions.assign(complaint, rt03, actor, "coba")
    theirs = cases.ordinary()  # owned by RT 03
    with pytest.raises(actions.NotAllowed):
        actions.merge(complaint, theirs, persona("tim"))
    complaint.refresh_from_db()
    assert complaint.owner.code == cases.RW05 and complaint.status == "assigned"


def test_the_assign_list_leaves_out_the_named_unit(city, client, login):
    complaint = cases.about_rt()
    login("rw05.kemlayan")
    page = client.get(reverse("staff:detail", args=[complaint.ref])).content.decode()
    rt03 = Unit.objects.get(code=cases.RT03)
    assert f'value="{rt03.pk}"' not in page
    assert "Aduan tentang petugas" in page


def _chat_links():
    for username, chat in (("rt03.kemlayan", RT_CHAT), ("rw05.kemlayan", RW_CHAT),
                           ("lurah.kemlayan", LURAH_CHAT)):
        Official.objects.filter(user__username=username).update(telegram_chat_id=chat)
    return ChannelAccount.objects.create(kind="telegram", account_id="99", token="t",
                                         secret="s")


def test_notifications_and_escalations_never_reach_the_named_unit(city, persona):
    _chat_links()
    complaint = cases.about_rt()
    official_rows = OutboxMessage.objects.filter(key__startswith="official:")
    assert official_rows.filter(recipient=RW_CHAT).exists()
    assert not official_rows.filter(recipient=RT_CHAT).exists()
    for row in official_rows:
        text = str(row.payload)
        assert complaint.token not in text and cases.BAMBANG.phone.replace(" ", "") not in text
    # Deadlines pass, again and again: it climbs the tree above RW 05, never down to RT 03.
    later = timezone.now()
    for _ in range(4):
        later += timedelta(days=30)
        escalation.tick(later)
    complaint.refresh_from_db()
    assert complaint.escalation_level >= 1 and complaint.owner.code != cases.RT03
    assert not complaint.owner.is_within(complaint.about_unit)
    rt_user = persona("rt03.kemlayan")
    assert not Notification.objects.filter(user=rt_user, complaint_id=complaint.pk).exists()
    assert Notification.objects.filter(complaint_id=complaint.pk).exists()
    assert not OutboxMessage.objects.filter(recipient=RT_CHAT).exists()


def test_the_rt_head_is_refused_everywhere(city, client, login):
    complaint = cases.about_rt()
    login("rt03.kemlayan")
    assert client.get(reverse("staff:detail", args=[complaint.ref])).status_code == 403
    response = client.post(reverse("staff:act", args=[complaint.ref, "reply"]), {"note": "x"})
    assert response.status_code == 403
    response = client.post(reverse("privacy:reveal", args=[complaint.ref]),
                           {"reason": "ingin tahu siapa"})
    assert response.status_code == 403
    assert complaint.ref not in client.get(reverse("staff:home") + "?status=all").content.decode()
    assert complaint.ref not in client.get("/api/v1/me/queue").content.decode()


def test_the_triage_team_can_mark_it_afterwards(city, client, login, persona):
    complaint = cases.ordinary()  # owned by RT 03; the text names nobody
    rt03 = Unit.objects.get(code=cases.RT03)
    with pytest.raises(actions.NotAllowed):
        actions.mark_about_official(complaint, persona("rw05.kemlayan"), rt03, "coba")
    login("tim")
    url = reverse("staff:act", args=[complaint.ref, "about_official"])
    assert 'action="' + url + '"' in client.get(
        reverse("staff:detail", args=[complaint.ref])).content.decode()
    client.post(url, {"unit": rt03.pk, "note": "Pelapor menelepon: Ketua RT tidak melayani."})
    complaint.refresh_from_db()
    assert complaint.about_official and complaint.about_unit == rt03
    assert complaint.owner.code == cases.RW05
    event = complaint.events.filter(kind="about_official").get()
    assert event.data["source"] == "triage" and event.actor.username == "tim"
    login("rt03.kemlayan")
    assert client.get(reverse("staff:detail", args=[complaint.ref])).status_code == 403
