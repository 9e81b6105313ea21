"""The command centre, report cards, /statistik/ and /peta/: who sees what, every figure
links to its complaints, nothing personal on public pages, bad input is a 400."""

import json
import re
from html import unescape

import pytest
from django.urls import reverse

from aduan.complaints.models import Complaint
from aduan.dashboard import facts
from aduan.org.models import Unit

from .history import generate

pytestmark = pytest.mark.django_db

PERSONAL = ["081234500000", "081234567890", "Warga Uji", "Warga Demo"]


@pytest.fixture
def history(city, jpeg):
    generate(24, jpeg=jpeg)
    return Complaint.objects.all()


def _links(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="(/petugas/\?[^"]+)"', html)]


@pytest.mark.parametrize("who,title", [
    ("walikota", "Seluruh kota"), ("camat.serengan", "Serengan"),
    ("lurah.kemlayan", "Kemlayan"), ("rt03.kemlayan", "RT"), ("kepala.dpupr", "DPUPR")])
def test_each_persona_sees_their_subtree(history, client, login, who, title):
    login(who)
    page = client.get("/petugas/dasbor/?periode=2026-Q4")
    assert page.status_code == 200
    html = page.content.decode()
    assert title in html.split("</h1>")[0]
    assert 'class="choropleth"' in html and 'class="trend"' in html


def test_lurah_cannot_open_another_kelurahan(history, client, login):
    login("lurah.kemlayan")
    manahan = Unit.objects.get(code="kel-33-72-05-1011")
    assert client.get(f"/petugas/unit/{manahan.pk}/").status_code == 403
    assert client.get(f"/petugas/dasbor/?lingkup={manahan.pk}").status_code == 403
    own = Unit.objects.get(code="kel-33-72-02-1007")
    assert client.get(f"/petugas/unit/{own.pk}/?periode=2026-Q4").status_code == 200
    assert client.get(f"/petugas/dasbor/?unit={manahan.pk}").status_code == 400


def test_anonymous_is_sent_to_login(client, city):
    assert client.get("/petugas/dasbor/").status_code == 302
    assert client.get("/petugas/laporan/?format=csv").status_code == 302


def test_every_figure_link_lists_exactly_its_complaints(history, client, login):
    """Follow each number's link to the queue: the queue shows that many complaints."""
    login("walikota")
    html = client.get("/petugas/dasbor/?periode=2026-Q4").content.decode()
    tiles = re.findall(r'<a class="tile-value" href="([^"]+)">([^<]+)</a>', html)
    assert len(tiles) == 10
    checked = 0
    for href, value in tiles:
        value = value.strip()
        if not value.isdigit():
            continue
        queue = client.get(unescape(href) + "&page=1")
        assert queue.status_code == 200
        assert queue.content.decode().count('class="ref"') == min(int(value), 50), href
        checked += 1
    assert checked >= 4
    links = _links(html)
    assert any("kanal=whatsapp" in link for link in links)
    assert any("wilayah=33.72.02.1007" in link for link in links)


def test_bad_input_is_a_400(history, client, login):
    login("walikota")
    for query in ("periode=kemarin", "kategori=nope", "dari=2026-13-01&sampai=2026-12-01",
                  "unit=999999"):
        assert client.get(f"/petugas/dasbor/?{query}").status_code == 400, query
    assert client.get("/petugas/?periode=2026-W99").status_code == 400
    assert client.get("/petugas/laporan/?format=pdf").status_code == 400


def test_public_pages_show_no_personal_data(history, client):
    manahan = Unit.objects.get(code="kel-33-72-05-1011")
    for url in ("/statistik/?periode=2026-Q4", f"/statistik/unit/{manahan.pk}/?periode=2026-Q4",
                "/peta/", "/peta/titik.json", "/"):
        page = client.get(url)
        assert page.status_code == 200, url
        body = page.content.decode()
        for secret in PERSONAL:
            assert secret not in body, (url, secret)
        assert "/petugas/?" not in body  # no links into the staff queue
    points = json.loads(client.get("/peta/titik.json").content)["features"]
    assert points
    for f in points:
        lng, lat = f["geometry"]["coordinates"]
        assert round(lat, 3) == lat and round(lng, 3) == lng
        assert set(f["properties"]) == {"ref", "status", "status_label", "category",
                                        "colour", "url"}


def test_public_counters_add_up(history, client):
    html = client.get("/statistik/").content.decode()
    total, open_, done, other = map(int, re.search(
        r"(\d+) aduan sejak awal: (\d+) sedang ditangani \+ (\d+) selesai \+ (\d+)",
        html).groups())
    assert total == open_ + done + other == Complaint.objects.count()


def test_unit_card_ranks_and_lists_open_by_deadline(history, client, login):
    login("camat.serengan")
    kemlayan = Unit.objects.get(code="kel-33-72-02-1007")
    html = client.get(f"/petugas/unit/{kemlayan.pk}/?periode=2026-Q4").content.decode()
    assert 'id="rank"' in html and 'id="open-by-deadline"' in html and 'id="positions"' in html
    assert "Lurah Kemlayan" in html


def test_missing_facts_are_filled(history):
    from aduan.dashboard.models import ComplaintFact

    ComplaintFact.objects.all().delete()
    assert facts.fill_missing() == Complaint.objects.count()


def test_a_new_complaints_fact_is_written_from_memory_once_and_equals_a_reread(city):
    from django.forms.models import model_to_dict

    from aduan.complaints.intake import IncomingMessage, open_complaint
    from aduan.dashboard.models import ComplaintFact

    def row(pk):
        return {k: v for k, v in model_to_dict(ComplaintFact.objects.get(pk=pk)).items()
                if k != "computed_at"}

    opened = [open_complaint(IncomingMessage(channel="web", text=text, category_code=code,
                                             region_code="33.72.02.1007"))
              for text, code in [("Lampu PJU padam di Jl. Kapten Mulyadi sejak Kamis", "pju"),
                                 ("Jalan berlubang dalam di depan SD Kemlayan", None)]]
    for complaint in opened:
        from_memory = row(complaint.pk)
        facts.refresh([complaint.pk])
        assert row(complaint.pk) == from_memory
    assert ComplaintFact.objects.get(pk=opened[0].pk).unit_id == opened[0].owner_id


def test_a_fact_the_worker_wrote_first_is_replaced_not_a_failure(city, caplog):
    from aduan.complaints.intake import IncomingMessage, open_complaint
    from aduan.dashboard.models import ComplaintFact

    c = open_complaint(IncomingMessage(channel="web", text="Lampu PJU padam di Jl. Kapten "
                                       "Mulyadi sejak Kamis", category_code="pju",
                                       region_code="33.72.02.1007"))
    ComplaintFact.objects.filter(pk=c.pk).update(unit_id=0)  # as fill_missing left it
    with caplog.at_level("ERROR", logger="aduan.dashboard.facts"):
        facts.refresh_written(list(c.events.order_by("pk")))  # the intake's after-write
    assert not caplog.records
    assert ComplaintFact.objects.get(pk=c.pk).unit_id == c.owner_id


def test_a_fact_older_than_its_complaint_is_mended(history):
    from datetime import timedelta

    from django.utils import timezone

    from aduan.dashboard.models import ComplaintFact

    c = Complaint.objects.order_by("pk").first()
    stale = timezone.now() - timedelta(minutes=5)
    ComplaintFact.objects.filter(pk=c.pk).update(computed_at=stale, unit_id=0)
    Complaint.objects.filter(pk=c.pk).update(updated_at=timezone.now())
    assert facts.fill_missing() == 1
    assert ComplaintFact.objects.get(pk=c.pk).unit_id == c.owner_id


def test_command_centre_query_count(history, client, login, django_assert_max_num_queries):
    login("walikota")
    client.get("/petugas/dasbor/?periode=2026-Q4")  # warm the unit tree and policies
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(25):
        assert client.get("/petugas/dasbor/?periode=2026-Q4").status_code == 200
    assert reverse("staff:command_centre") == "/petugas/dasbor/"
