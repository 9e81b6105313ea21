"""Discovery, service list and service definitions, in JSON and XML."""

from xml.etree import ElementTree as ET

SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords",
                  "group"}


def test_discovery_points_at_this_endpoint(client, db):
    data = client.get("/open311/v2/discovery.json").json()
    assert set(data) == {"changeset", "contact", "key_service", "endpoints"}
    endpoint = data["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}

    response = client.get("/open311/v2/discovery.xml")
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = ET.fromstring(response.content)
    assert root.tag == "discovery"
    formats = [f.text for f in root.findall("endpoints/endpoint/formats/format")]
    assert set(formats) == {"text/xml", "application/json"}


def check_services_are_the_categories(client):
    from aduan.complaints.models import Category

    rows = client.get("/open311/v2/services.json").json()
    assert [r["service_code"] for r in rows] == list(
        Category.objects.values_list("code", flat=True))
    road = next(r for r in rows if r["service_code"] == "jalan")
    assert set(road) == SERVICE_FIELDS
    assert road["service_name"] == Category.objects.get(code="jalan").name
    assert road["metadata"] is False
    assert road["type"] == "realtime"
    assert road["group"] == str(Category.objects.get(code="jalan").owner)  # the agency


def check_services_xml(client):
    response = client.get("/open311/v2/services.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == "services"
    services = root.findall("service")
    assert len(services) == len(client.get("/open311/v2/services.json").json())
    assert {child.tag for child in services[0]} == SERVICE_FIELDS
    assert services[0].findtext("metadata") == "false"


def check_service_definition_has_no_attributes(client):
    assert client.get("/open311/v2/services/sampah.json").json() == {
        "service_code": "sampah", "attributes": []}
    root = ET.fromstring(client.get("/open311/v2/services/sampah.xml").content)
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "sampah"
    assert list(root.find("attributes")) == []


def check_unknown_service_is_404_in_open311_error_format(client):
    response = client.get("/open311/v2/services/tidak_ada.json")
    assert response.status_code == 404
    assert response.json() == [{"code": 404, "description": "service_code tidak_ada not found"}]

    response = client.get("/open311/v2/services/tidak_ada.xml")
    assert response.status_code == 404
    root = ET.fromstring(response.content)
    assert root.tag == "errors"
    assert root.findtext("error/code") == "404"
    assert "tidak_ada" in root.findtext("error/description")


def test_unknown_format_is_not_routed(client, db):
    assert client.get("/open311/v2/services.csv").status_code == 404


def test_services_and_definitions(client, city):
    """One city load for all service checks (loading the demo city is the slow part)."""
    check_services_are_the_categories(client)
    check_services_xml(client)
    check_service_definition_has_no_attributes(client)
    check_unknown_service_is_404_in_open311_error_format(client)
