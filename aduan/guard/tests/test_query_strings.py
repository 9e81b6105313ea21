"""A NUL character in a query string gets a clear 400 on every face, never a 500
(PostgreSQL text cannot hold NUL; schemathesis found it on /api/v1/regions)."""

import pytest

from aduan.guard.models import Refusal


@pytest.mark.parametrize("url", [
    "/api/v1/regions?city=%00",
    "/api/v1/complaints?status=open%00",
    "/open311/v2/requests.json?service_code=%00jalan",
    "/statistik/?periode=%00",
    "/?q=a%00b",
    "/api/v1/regions?%00=1",
])
def test_nul_in_a_query_string_is_a_400(client, city, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    assert Refusal.objects.filter(source="http", reason="nul_in_query").exists()


def test_ordinary_query_strings_pass(client, city):
    assert client.get("/api/v1/regions?city=33.72").status_code == 200
    assert client.get("/open311/v2/requests.json?service_code=jalan").status_code == 200
