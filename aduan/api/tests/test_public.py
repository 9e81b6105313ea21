"""Public JSON API: complaints (filters, paging, detail), categories, regions, stats."""

from datetime import timedelta

import pytest
from django.utils import timezone

from aduan.complaints.models import Complaint, Status

SUMMARY_FIELDS = {
    "ref", "status", "status_label", "open311_status", "category", "urgency", "text",
    "kelurahan", "address", "lat", "lng", "owner", "created_at", "updated_at",
    "first_response_at", "resolved_at", "resolution_due", "duplicate_of", "url",
}


def refs(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["ref"] for row in response.json()["results"]}


def test_list_is_paged_newest_first(client, city, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):  # count, page, places, photos, events, rate limit (+1)
        client.get("/api/v1/complaints")
    data = client.get("/api/v1/complaints", {"page_size": 4}).json()
    total = Complaint.objects.count()
    assert data["count"] == total and data["page"] == 1 and data["page_size"] == 4
    assert len(data["results"]) == 4 and data["previous"] is None
    assert set(data["results"][0]) == SUMMARY_FIELDS
    times = [r["created_at"] for r in data["results"]]
    assert times == sorted(times, reverse=True)
    second = client.get(data["next"]).json()
    assert len(second["results"]) == total - 4 and second["next"] is None
    assert second["previous"]
    assert not {r["ref"] for r in data["results"]} & {r["ref"] for r in second["results"]}


def test_filters(client, city):
    road, light = city["complaints"][0], city["complaints"][1]
    assert refs(client.get("/api/v1/complaints", {"category": "jalan"})) == {road.ref}
    assert refs(client.get("/api/v1/complaints", {"category": "jalan,pju"})) == {
        road.ref, light.ref}
    assert refs(client.get("/api/v1/complaints", {"status": "resolved"})) == {light.ref}
    kemlayan = {c.ref for c in Complaint.objects.filter(region_id="33.72.02.1007")}
    assert kemlayan and refs(client.get("/api/v1/complaints",
                                        {"kelurahan": "33.72.02.1007"})) == kemlayan
    Complaint.objects.filter(pk=road.pk).update(status=Status.CLOSED)
    assert refs(client.get("/api/v1/complaints", {"status": "closed"})) == {road.ref}
    assert road.ref not in refs(client.get("/api/v1/complaints", {"status": "open"}))
    later = (timezone.now() + timedelta(minutes=5)).isoformat()
    assert refs(client.get("/api/v1/complaints", {"since": later})) == set()


@pytest.mark.parametrize("query", [{"status": "ditunda"}, {"since": "kemarin"},
                                   {"page": "0"}, {"page_size": "-1"}])
def test_bad_parameters_are_400(client, db, query):
    response = client.get("/api/v1/complaints", query)
    assert response.status_code == 400
    assert response.json()["error"]["status"] == 400


def test_detail_has_public_timeline_and_photos(client, city):
    light = city["complaints"][1]
    data = client.get(f"/api/v1/complaints/{light.ref}").json()
    assert data["ref"] == light.ref and data["status"] == "resolved"
    assert data["open311_status"] == "open"
    kinds = [line["kind"] for line in data["timeline"]]
    assert kinds[0] == "received" and "resolved" in kinds
    assert data["timeline"][0]["note"] == ""  # the acknowledgement carries the private link
    assert [p["tag"] for p in data["photos"]] == ["after"]
    assert data["photos"][0]["url"].endswith("/public.jpg")
    assert client.get(f"/api/v1/complaints/{light.ref.lower()}").status_code == 200
    assert client.get("/api/v1/complaints/SKA-0000-0000").status_code == 404
    assert client.get("/api/v1/complaints/SKA-0000-0000").json()["error"]["status"] == 404


def check_categories(client):
    rows = client.get("/api/v1/categories").json()["results"]
    road = next(r for r in rows if r["code"] == "jalan")
    assert road["owner"] and road["owner_rule"] == "unit"
    assert {"code", "name", "is_emergency"} <= set(road)


def check_regions(client):
    cities = client.get("/api/v1/regions").json()["results"]
    assert [c["code"] for c in cities] == ["33.72"]
    rows = client.get("/api/v1/regions", {"city": "33.72"}).json()["results"]
    levels = {r["level"] for r in rows}
    assert levels == {"kecamatan", "desa_kelurahan"}
    assert len([r for r in rows if r["level"] == "kecamatan"]) == 5
    assert len([r for r in rows if r["level"] == "desa_kelurahan"]) == 54
    kemlayan = next(r for r in rows if r["code"] == "33.72.02.1007")
    assert kemlayan["name"] == "Kemlayan" and kemlayan["parent"] == "33.72.02"
    assert client.get("/api/v1/regions", {"city": "99.99"}).status_code == 404


def check_stats(client):
    data = client.get("/api/v1/stats").json()
    total = Complaint.objects.count()
    assert data["total"] == total == sum(data["by_status"].values())
    assert data["by_status"] == {s: Complaint.objects.filter(status=s).count()
                                 for s in Status.values}
    assert data["by_category"]["jalan"] == Complaint.objects.filter(category="jalan").count()
    assert sum(data["by_category"].values()) == total
    answered = [c for c in Complaint.objects.all() if c.first_response_at]
    waits = sorted((c.first_response_at - c.created_at).total_seconds() / 3600
                   for c in answered)
    middle = waits[(len(waits) - 1) // 2: len(waits) // 2 + 1]
    assert data["median_first_response_hours"] == pytest.approx(
        sum(middle) / len(middle), abs=0.01)


def test_stats_median_is_none_without_answers(client, db):
    assert client.get("/api/v1/stats").json()["median_first_response_hours"] is None


def check_median_of_known_waits():
    from aduan.api.views import median_first_response

    complaints = list(Complaint.objects.order_by("pk")[:4])
    Complaint.objects.update(first_response_at=None)
    for hours, complaint in zip([1, 2, 4, 10], complaints, strict=True):
        Complaint.objects.filter(pk=complaint.pk).update(
            first_response_at=complaint.created_at + timedelta(hours=hours))
    assert median_first_response(Complaint.objects.all()) == 3.0


def test_categories_regions_and_stats(client, city):
    """One city load for the small read-only endpoints."""
    check_categories(client)
    check_regions(client)
    check_stats(client)
    check_median_of_known_waits()
