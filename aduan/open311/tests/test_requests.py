"""GET service requests: field names, status mapping, filters, paging, XML.

Loading the demo city is the slow part of these tests, so each test checks several things.
"""

from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
from django.utils import timezone

from aduan.complaints.models import TERMINAL, Category, Complaint, Status

REQUEST_FIELDS = {
    "service_request_id", "status", "status_notes", "service_name", "service_code",
    "description", "agency_responsible", "service_notice", "requested_datetime",
    "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat",
    "long", "media_url",
}
URL = "/open311/v2/requests.json"


def refs(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["service_request_id"] for row in response.json()}


def test_requests_have_the_spec_fields_in_json_and_xml(client, city):
    rows = client.get(URL).json()
    assert len(rows) == Complaint.objects.count() == len(city["complaints"])
    for row in rows:
        assert set(row) == REQUEST_FIELDS

    response = client.get("/open311/v2/requests.xml")
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == "service_requests"
    items = root.findall("request")
    assert [i.findtext("service_request_id") for i in items] == [
        r["service_request_id"] for r in rows]
    for item in items:
        assert {child.tag for child in item} == REQUEST_FIELDS
        assert item.findtext("status") in ("open", "closed")

    response = client.get("/open311/v2/requests/SKA-0000-0000.json")
    assert response.status_code == 404
    assert response.json() == [
        {"code": 404, "description": "service_request_id SKA-0000-0000 not found"}]
    root = ET.fromstring(client.get("/open311/v2/requests/SKA-0000-0000.xml").content)
    assert root.tag == "errors" and root.findtext("error/code") == "404"


def test_request_maps_the_complaint(client, city):
    road = Complaint.objects.select_related("owner", "category").get(
        pk=city["complaints"][0].pk)
    [row] = client.get(f"/open311/v2/requests/{road.ref}.json").json()
    assert row["service_request_id"] == road.ref
    assert row["service_code"] == "jalan"
    assert row["service_name"] == road.category.name
    assert row["status"] == "open"
    assert row["agency_responsible"] == str(road.owner)
    assert row["description"] == road.text_public
    assert row["address"] == "Kemlayan, Serengan, Kota Surakarta"
    assert row["address_id"] == "33.72.02.1007"
    assert row["requested_datetime"] == timezone.localtime(road.created_at).isoformat(
        timespec="seconds")
    assert row["requested_datetime"].endswith("+07:00")
    assert row["expected_datetime"] == (
        timezone.localtime(road.resolution_due).isoformat(timespec="seconds")
        if road.resolution_due else None)
    last = road.events.filter(public=True).order_by("created_at", "id").last()
    assert last.kind == "acknowledged"
    assert row["status_notes"] == f"Diterima petugas, sedang ditangani: {last.note}"
    photo = road.photos.first()
    assert row["media_url"] == f"http://127.0.0.1:8000/foto/{photo.pk}/public.jpg"
    assert client.get(f"/foto/{photo.pk}/public.jpg").status_code == 200

    # the status mapping, every status
    seen = {}
    for status in Status.values:
        Complaint.objects.filter(pk=road.pk).update(status=status)
        [row] = client.get(f"/open311/v2/requests/{road.ref}.json").json()
        seen[status] = row["status"]
    assert seen == {
        "new": "open", "assigned": "open", "in_progress": "open", "waiting_citizen": "open",
        "resolved": "open", "closed": "closed", "rejected": "closed", "forwarded": "closed",
        "duplicate": "closed",
    }
    assert {s for s, v in seen.items() if v == "closed"} == set(TERMINAL)


def test_points_are_rounded_and_withheld_for_identity_matters(client, secret_complaint):
    [row] = client.get(f"/open311/v2/requests/{secret_complaint.ref}.json").json()
    assert (row["lat"], row["long"]) == (-7.571, 110.827)

    ktp = Complaint.objects.filter(text__icontains="KTP-el").first()
    Complaint.objects.filter(pk=ktp.pk).update(
        category=Category.objects.get(code="adminduk"), lat=-7.57, lng=110.82)
    [row] = client.get(f"/open311/v2/requests/{ktp.ref}.json").json()
    assert row["lat"] is None and row["long"] is None and row["media_url"] is None


def test_filters(client, city):
    c = [x.ref for x in city["complaints"]]
    # service_request_id overrides all other arguments
    assert refs(client.get(URL, {"service_request_id": f"{c[0]},{c[1]}",
                                 "status": "closed"})) == {c[0], c[1]}
    assert refs(client.get(URL, {"service_code": "jalan,pju"})) == {c[0], c[1]}
    assert refs(client.get(URL + "?service_code=jalan&service_code=pju")) == {c[0], c[1]}

    Complaint.objects.filter(ref=c[5]).update(status=Status.CLOSED)
    assert refs(client.get(URL, {"status": "closed"})) == {c[5]}
    assert refs(client.get(URL, {"status": "open"})) == set(c) - {c[5]}
    assert refs(client.get(URL, {"status": "open,closed"})) == set(c)

    # the default window is the most recent 90 days
    Complaint.objects.filter(ref=c[2]).update(created_at=timezone.now() - timedelta(days=120))
    assert c[2] not in refs(client.get(URL))
    since = (timezone.now() - timedelta(days=130)).strftime("%Y-%m-%dT%H:%M:%SZ")
    until = (timezone.now() - timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert refs(client.get(URL, {"start_date": since, "end_date": until})) == {c[2]}
    assert refs(client.get(URL, {"start_date": since})) == set(c)


def test_paging_and_query_count(client, city, django_assert_max_num_queries):
    first = client.get(URL, {"page_size": 4}).json()
    second = client.get(URL, {"page_size": 4, "page": 2}).json()
    assert len(first) == 4 and len(second) == Complaint.objects.count() - 4
    assert not {r["service_request_id"] for r in first} & {
        r["service_request_id"] for r in second}
    times = [r["requested_datetime"] for r in first + second]
    assert times == sorted(times, reverse=True)
    with django_assert_max_num_queries(6):  # page, places, photos, events, + the rate limit
        client.get(URL)


@pytest.mark.parametrize("query", [
    {"start_date": "kemarin"}, {"status": "pending"}, {"page": "0"}, {"page_size": "x"},
])
def test_bad_filters_are_400(client, db, query):
    response = client.get(URL, query)
    assert response.status_code == 400
    [error] = response.json()
    assert error["code"] == 400 and error["description"]
