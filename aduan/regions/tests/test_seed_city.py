import pytest
from django.core.management import CommandError, call_command

from aduan.regions.geo import contains
from aduan.regions.loader import kelurahan_at, seed_city
from aduan.regions.models import Region

pytestmark = pytest.mark.django_db


def test_surakarta_has_5_kecamatan_54_kelurahan_with_boundaries():
    counts = seed_city("33.72")
    assert counts["kecamatan"] == 5 and counts["desa_kelurahan"] == 54
    assert counts["boundaries"] == 60
    assert Region.objects.get(code="33.72.02.1007").name == "Kemlayan"
    assert seed_city("33.72")["desa_kelurahan"] == 54  # idempotent


def test_point_in_polygon_finds_the_kelurahan():
    seed_city("33.72")
    kel = Region.objects.get(code="33.72.02.1007")
    assert contains(kel.boundary, kel.centroid_lat, kel.centroid_lng)
    assert kelurahan_at(kel.centroid_lat, kel.centroid_lng) == kel
    assert kelurahan_at(-6.2, 106.8) is None  # Jakarta is not in Solo


def test_seed_city_command_for_another_city_creates_offices(capsys):
    call_command("seed_city", "33.74")
    out = capsys.readouterr().out
    assert "33.74" in out
    from aduan.org.models import Unit

    semarang = Region.objects.filter(code__startswith="33.74.", level="kecamatan").count()
    assert semarang == Unit.objects.filter(kind="kecamatan", region__code__startswith="33.74.")\
        .count() > 10


def test_unknown_city_code_is_a_clear_error():
    with pytest.raises(CommandError, match="not a kabupaten/kota"):
        call_command("seed_city", "99.99")


def test_rt_rw_csv_bulk_load(tmp_path):
    from aduan.complaints.seed import load_rt_rw_csv, seed_city_organisation
    from aduan.org.models import Unit

    seed_city("33.72")
    seed_city_organisation("33.72")
    rows = ["kelurahan_code,rw,rt", "33.72.02.1007,1,1", "33.72.02.1007,1,2",
            "33.72.02.1007,2,1"]
    assert load_rt_rw_csv(rows) == 5
    assert load_rt_rw_csv(rows) == 0
    rt = Unit.objects.get(code="rt-33-72-02-1007-01-02")
    assert rt.parent.parent.kind == "kelurahan" and rt.path.startswith("/pemkot-33-72/")
