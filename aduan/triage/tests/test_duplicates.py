from datetime import datetime, timedelta

from aduan.triage.duplicates import (
    LINK_THRESHOLD,
    OFFER_THRESHOLD,
    Candidate,
    distance_m,
    find_duplicates,
)

NOW = datetime(2025, 3, 1, 9, 0)
LAT, LNG = -7.5695, 110.8243


def test_distance():
    assert 1100 < distance_m(LAT, LNG, LAT + 0.01, LNG) < 1120


def test_same_pothole_reported_twice_is_near_certain():
    open_one = Candidate(1, "Jalan berlubang besar di depan SD Mojosongo, bahaya buat motor",
                         NOW - timedelta(hours=5), LAT, LNG, "33.72.04.1011", "jalan")
    [match] = find_duplicates("jalan depan SD mojosongo berlubang besar, motor sering jatuh",
                              NOW, [open_one], lat=LAT + 0.0002, lng=LNG, category="jalan")
    assert match.id == 1
    assert match.score >= LINK_THRESHOLD
    assert match.near_certain


def test_similar_text_far_away_is_not_offered():
    far = Candidate(2, "lampu jalan mati di gang", NOW - timedelta(days=1), LAT + 0.05, LNG)
    assert find_duplicates("lampu jalan mati di gang", NOW, [far], lat=LAT, lng=LNG) == []


def test_same_kelurahan_similar_text_is_offered_not_linked():
    cand = Candidate(3, "sampah menumpuk di TPS belakang pasar tidak diangkut",
                     NOW - timedelta(days=2), region_code="33.72.05.1004", category="sampah")
    [match] = find_duplicates("sampah numpuk di tps dekat pasar, belum diangkut", NOW, [cand],
                              region_code="33.72.05.1004", category="sampah")
    assert OFFER_THRESHOLD <= match.score
    assert not match.near_certain


def test_different_problem_same_place_is_not_offered():
    cand = Candidate(4, "KTP saya belum jadi", NOW - timedelta(hours=1), LAT, LNG,
                     category="adminduk")
    assert find_duplicates("pohon tumbang menutup jalan", NOW, [cand], lat=LAT, lng=LNG,
                           category="bencana") == []


def test_ranked_best_first_and_old_ones_weigh_less():
    text = "air PDAM tidak mengalir sejak kemarin di kampung kami"
    fresh = Candidate("a", text, NOW - timedelta(hours=2), LAT, LNG)
    old = Candidate("b", text, NOW - timedelta(days=13), LAT, LNG)
    matches = find_duplicates(text, NOW, [old, fresh], lat=LAT, lng=LNG)
    assert [m.id for m in matches] == ["a", "b"]
    assert find_duplicates(text, NOW, []) == []
