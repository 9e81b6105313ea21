"""The mandate page: every position's posts, acknowledgements, response times and photo
proof, who has gone quiet; for the mayor (all) and camat/lurah (their subtree)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from aduan.complaints.models import Complaint, Event
from aduan.evidence import mandate
from aduan.evidence.models import ActivityPost
from aduan.org.access import access_for
from aduan.org.models import Official, Unit


def add_posts(official, *days_ago):
    now = timezone.now()
    ActivityPost.objects.bulk_create([
        ActivityPost(official=official, unit=official.unit, text="Kerja bakti",
                     published_at=now - timedelta(days=d)) for d in days_ago])


def by_title(rows):
    return {str(r.official): r for r in rows}


def test_walikota_sees_every_position(city, login, client):
    login("walikota")
    page = client.get("/petugas/mandat/").content.decode()
    for title in ("Ketua RT 03/RW 05 Kemlayan", "Lurah Manahan", "Kepala DPUPR"):
        assert title in page
    assert "Tim Khusus Pengaduan" not in page  # readers are not measured


def test_lurah_sees_their_subtree_only(city, login, client):
    login("lurah.kemlayan")
    page = client.get("/petugas/mandat/").content.decode()
    assert "Ketua RT 03/RW 05 Kemlayan" in page
    assert "Lurah Manahan" not in page and "Kepala DPUPR" not in page


def test_rt_may_not_see_it(city, login, client):
    login("rt03.kemlayan")
    assert client.get("/petugas/mandat/").status_code == 403


def test_figures(city, persona):
    rt03 = Official.objects.get(user__username="rt03.kemlayan")
    add_posts(rt03, 1, 10, 40)
    rows = by_title(mandate.rows(access_for(persona("walikota"))))
    row = rows["Ketua RT 03/RW 05 Kemlayan"]
    assert (row.posts_7, row.posts_30) == (1, 2)
    assert row.last_post.date() == (timezone.now() - timedelta(days=1)).date()
    assert not row.quiet
    # The demo: DPUPR acknowledged the road, Dishub acknowledged and resolved the light
    # with an after photo, DLH acknowledged the rubbish.
    dishub = rows["Admin Aduan Dishub"]
    assert (dishub.acks_7, dishub.acks_30) == (1, 1)
    assert (dishub.resolved, dishub.with_photo, dishub.photo_share) == (1, 1, 1.0)
    assert dishub.median_minutes is not None
    assert rows["Admin Aduan DPUPR"].acks_30 == 1
    assert rows["Admin Aduan DPUPR"].resolved == 0
    # Nobody posted or acknowledged anything as Lurah Manahan: gone quiet.
    assert rows["Lurah Manahan"].quiet and rows["Lurah Manahan"].last_seen is None


def test_quiet_after_n_days(city, persona):
    rt01 = Official.objects.get(user__username="rt01.kemlayan")
    add_posts(rt01, 20)
    walikota = access_for(persona("walikota"))
    assert by_title(mandate.rows(walikota, quiet_days=14))["Ketua RT 01/RW 05 Kemlayan"].quiet
    assert not by_title(mandate.rows(walikota, quiet_days=30))[
        "Ketua RT 01/RW 05 Kemlayan"].quiet
    quiet = mandate.quiet(mandate.rows(walikota, quiet_days=14))
    assert quiet[0].last_seen is None  # never seen first
    assert quiet[-1].official == rt01  # the most recent silence last


def test_old_acknowledgement_is_not_activity(city, persona):
    Event.objects.filter(kind="acknowledged").update(
        created_at=timezone.now() - timedelta(days=60))
    rows = by_title(mandate.rows(access_for(persona("walikota"))))
    assert rows["Admin Aduan DLH"].quiet and rows["Admin Aduan DLH"].acks_30 == 0


def grow(extra: int):
    """`extra` more RT heads (under RW 05 Kemlayan) with posts and acknowledgements."""
    from django.contrib.auth import get_user_model

    rw = Unit.objects.get(code="rw-33-72-02-1007-05")
    road = Complaint.objects.filter(category_id="jalan").first()
    now = timezone.now()
    for i in range(extra):
        unit = Unit.objects.create(code=f"rt-x-{i}", name=f"RT X{i}", kind="rt", parent=rw,
                                   number=50 + i)
        user = get_user_model().objects.create(username=f"rtx{i}")
        official = Official.objects.create(user=user, unit=unit, role="ketua_rt",
                                           title=f"Ketua RT X{i}")
        add_posts(official, 1, 2, 20)
        Event.objects.create(complaint=road, kind="acknowledged", actor=user, created_at=now)
        Event.objects.create(complaint=road, kind="resolved", actor=user, created_at=now)


@pytest.mark.parametrize("extra", [0, 25])
def test_query_count_does_not_grow(city, login, client, django_assert_max_num_queries, extra):
    grow(extra)
    login("walikota")
    with django_assert_max_num_queries(11):  # + the mayor's second-factor device
        response = client.get("/petugas/mandat/")
    assert response.status_code == 200
    login("lurah.kemlayan")
    with django_assert_max_num_queries(11):
        page = client.get("/petugas/mandat/").content.decode()
    assert page.count("Ketua RT X") == extra
