import pytest

from aduan.regions.loader import seed_city
from aduan.triage.pipeline import analyse, analyse_many
from aduan.triage.place import PlaceIndex


@pytest.mark.django_db
def test_analyse_one_complaint():
    seed_city("33.72")
    places = PlaceIndex.from_db()
    result = analyse("Selokan mampet di kel. Nusukan RT 03 RW 05, email saya a@b.id", places)
    assert result.category == "drainase"
    assert result.region_code == "33.72.05.1002"
    assert (result.rt, result.rw) == (3, 5)
    assert result.urgency == "normal"
    assert [f.type for f in result.pii] == ["email"]
    assert result.masked_text.endswith("email saya [EMAIL]")
    assert len(result.suggestions) == 3


@pytest.mark.django_db
def test_point_in_polygon_wins_when_boundaries_are_loaded():
    seed_city("33.72")
    from aduan.regions.models import Region

    kel = Region.objects.filter(boundary__isnull=False, level="desa_kelurahan").first()
    if kel is None or kel.centroid_lat is None:
        pytest.skip("no boundaries shipped")
    result = analyse("lampu mati", PlaceIndex.from_db(), lat=kel.centroid_lat,
                     lng=kel.centroid_lng)
    assert result.region_code is not None and result.region_code.startswith("33.72.")


def test_without_places_still_reads_rt_rw():
    [result] = analyse_many(["sampah numpuk rt 2 rw 9"])
    assert (result.region_code, result.rt, result.rw) == (None, 2, 9)
