"""POST service requests: api_key, validation, JSON and form bodies, what gets stored.

Loading the demo city is the slow part of these tests, so each test checks several things.
"""

import json
from xml.etree import ElementTree as ET

from django.test import Client

from aduan.api.models import ApiKey
from aduan.complaints.models import Complaint

URL = "/open311/v2/requests.json"


def form(api_key, **extra):
    data = {"api_key": api_key, "service_code": "jalan", "lat": "-7.5705", "long": "110.8283",
            "description": "Jalan berlubang besar di depan pasar, bahaya untuk motor.",
            "first_name": "Siti", "last_name": "Aminah", "phone": "081211112222",
            "email": "siti@example.com", "address_string": "Jl. Mawar No. 3",
            "media_url": "https://example.org/foto/1.jpg"}
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def test_form_post_creates_a_complaint(client, city, api_key):
    response = client.post(URL, form(api_key))
    assert response.status_code == 201
    [row] = response.json()
    assert set(row) == {"service_request_id", "service_notice", "account_id"}
    assert row["account_id"] is None
    complaint = Complaint.objects.select_related("reporter").get(ref=row["service_request_id"])
    assert row["service_request_id"] in row["service_notice"]
    assert complaint.token not in row["service_notice"]
    assert complaint.channel == "open311"
    assert complaint.category_id == "jalan"
    assert (complaint.lat, complaint.lng) == (-7.5705, 110.8283)
    assert complaint.reporter.name == "Siti Aminah"
    assert complaint.reporter.phone == "081211112222"
    assert complaint.reporter.email == "siti@example.com"
    assert complaint.address == "Jl. Mawar No. 3"  # kept, privately
    details = complaint.events.get(kind="open311_details")
    assert not details.public and "https://example.org/foto/1.jpg" in details.note

    [back] = client.get(f"/open311/v2/requests/{complaint.ref}.json").json()
    assert back["status"] == "open" and back["service_code"] == "jalan"
    for secret in ("Mawar", "Siti", "Aminah", "081211112222", "siti@example.com"):
        assert secret not in json.dumps(back)


def test_json_and_xml_and_address_only_posts(city, api_key):
    client = Client(enforce_csrf_checks=True)  # integrators have no CSRF token

    body = form(api_key, lat=-7.5705, long=110.8283, service_code="sampah")
    response = client.post(URL, json.dumps(body), content_type="application/json")
    assert response.status_code == 201
    assert Complaint.objects.get(ref=response.json()[0]["service_request_id"]).category_id \
        == "sampah"

    response = client.post("/open311/v2/requests.xml", form(api_key, lat=None, long=None))
    assert response.status_code == 201
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == "service_requests"
    assert Complaint.objects.filter(ref=root.findtext("request/service_request_id")).exists()
    assert root.find("request/account_id").text is None


def test_missing_wrong_or_inactive_api_key_is_403(client, city, api_key):
    before = Complaint.objects.count()
    for key in (None, "", "aduan_salah", api_key[:-1]):
        response = client.post(URL, form(key))
        assert response.status_code == 403, key
        assert response.json() == [
            {"code": 403, "description": "api_key is missing or not valid"}]

    response = client.post("/open311/v2/requests.xml", form("salah"))
    assert response.status_code == 403
    root = ET.fromstring(response.content)
    assert root.tag == "errors"
    assert root.findtext("error/code") == "403"
    assert root.findtext("error/description") == "api_key is missing or not valid"

    ApiKey.objects.update(is_active=False)
    assert client.post(URL, form(api_key)).status_code == 403
    assert Complaint.objects.count() == before


INVALID = [
    ({"service_code": None}, 400, "service_code was not provided"),
    ({"service_code": "tidak_ada"}, 404, "service_code tidak_ada not found"),
    ({"lat": None, "long": None, "address_string": None}, 400, "location is required"),
    ({"long": None}, 400, "lat and long must be sent together"),
    ({"lat": "utara"}, 400, "lat:"),
    ({"lat": "95"}, 400, "lat:"),
    ({"email": "bukan-email"}, 400, "email:"),
    ({"description": "x" * 4001}, 400, "description:"),
    ({"media_url": "bukan url"}, 400, "media_url:"),
]


def test_validation_errors(client, city, api_key):
    before = Complaint.objects.count()
    for extra, status, fragment in INVALID:
        response = client.post(URL, form(api_key, **extra))
        assert response.status_code == status, extra
        errors = response.json()
        assert all(e["code"] == status for e in errors)
        assert any(fragment in e["description"] for e in errors), errors

    response = client.post(URL, "{bukan json", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == [{"code": 400, "description": "the body is not valid JSON"}]
    response = client.post("/open311/v2/requests.xml", form(api_key, service_code=None))
    assert ET.fromstring(response.content).findtext("error/code") == "400"
    assert client.put(URL).status_code == 405
    assert Complaint.objects.count() == before
