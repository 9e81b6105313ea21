"""The OpenAPI document describes every endpoint we serve, and its references resolve."""

from django.urls import URLPattern, URLResolver, get_resolver


def _walk(value):
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "$ref":
                yield item
            else:
                yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def _served_paths() -> set[str]:
    """Our routes as OpenAPI paths: /api/v1/... and /open311/v2/... and /metrics."""
    found = set()

    def visit(patterns, prefix):
        for p in patterns:
            route = str(p.pattern)
            if isinstance(p, URLResolver):
                visit(p.url_patterns, prefix + route)
            elif isinstance(p, URLPattern):
                found.add("/" + prefix + route)

    visit(get_resolver().url_patterns, "")
    paths = set()
    for path in found:
        if path.startswith(("/api/v1/", "/open311/v2/", "/metrics")):
            path = (path.replace("<str:ref>", "{ref}").replace("<open311fmt:fmt>", "{format}")
                    .replace("<open311id:code>", "{service_code}")
                    .replace("<open311id:ref>", "{service_request_id}"))
            paths.add(path)
    return paths


def test_document_shape_and_coverage(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"] == "3.1.0"
    assert {"title", "version"} <= set(doc["info"])
    assert set(doc["paths"]) == _served_paths()
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            assert method in ("get", "post"), path
            assert operation["operationId"] and operation["responses"], path
            for parameter in operation.get("parameters", []):
                assert parameter["in"] in ("query", "path")
                if parameter["in"] == "path":
                    assert parameter["required"] is True
                    assert "{" + parameter["name"] + "}" in path
    schemas = doc["components"]["schemas"]
    for ref in _walk(doc):
        assert ref.startswith("#/components/schemas/")
        assert ref.rsplit("/", 1)[1] in schemas, ref
    ids = [op["operationId"] for item in doc["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))


def test_summary_schema_lists_the_fields_we_send(client, secret_complaint):
    doc = client.get("/api/v1/openapi.json").json()
    schema = doc["components"]["schemas"]["ComplaintSummary"]["properties"]
    row = client.get("/api/v1/complaints").json()["results"][0]
    assert set(row) == set(schema)
    request_schema = doc["components"]["schemas"]["Open311Request"]["properties"]
    [open311_row] = client.get(
        f"/open311/v2/requests/{secret_complaint.ref}.json").json()
    assert set(open311_row) == set(request_schema)
