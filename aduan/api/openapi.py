"""The OpenAPI 3.1 description of the JSON API, Open311 (JSON form) and /metrics.

Hand-written on purpose: it is the contract, and the tests check the endpoints keep it.
"""

from django.conf import settings


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(kind: str, **extra) -> dict:
    return {"type": [kind, "null"], **extra}


def _query(name: str, description: str, kind: str = "string", **extra) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": {"type": kind, **extra}}


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR = _json(_ref("Error"), "Error")
TOO_MANY = {**_json(_ref("Error"), "Too many requests from this address, reporter or key "
                    "(aduan/guard/throttle.py)"),
            "headers": {"Retry-After": {"description": "Seconds to wait.",
                                        "schema": {"type": "integer", "minimum": 1}}}}
OPEN311_ERROR = _json({"type": "array", "items": _ref("Open311Error")}, "Open311 error")
PAGING = [
    _query("page", "Page number, from 1.", "integer", minimum=1, default=1),
    _query("page_size", "Rows per page (at most 200).", "integer", minimum=1, maximum=200,
           default=50),
]
FILTERS = [
    _query("status", "Comma list of statuses; `open` and `closed` are groups."),
    _query("category", "Comma list of category codes."),
    _query("kelurahan", "Comma list of kelurahan region codes (e.g. 33.72.02.1007)."),
    _query("since", "Only complaints updated at or after this ISO 8601 date-time "
           "(years 1970 to 2200).", format="date-time"),
]
FMT = {"name": "format", "in": "path", "required": True,
       "schema": {"type": "string", "enum": ["json", "xml"]},
       "description": "Response format (the path ends in .json or .xml)."}

SCHEMAS = {
    "Error": {
        "type": "object", "required": ["error"],
        "properties": {"error": {"type": "object", "required": ["status", "detail"],
                                 "properties": {"status": {"type": "integer"},
                                                "detail": {"type": "string"}}}},
    },
    "Ref": {"type": ["object", "null"], "required": ["code", "name"],
            "properties": {"code": {"type": "string"}, "name": {"type": "string"}}},
    "ComplaintSummary": {
        "type": "object",
        "description": "A complaint as the public may see it: no reporter data, masked text, "
                       "place names instead of addresses, point rounded to 3 decimals.",
        "required": ["ref", "status", "open311_status", "text", "created_at", "url"],
        "properties": {
            "ref": {"type": "string", "examples": ["SKA-0427-3318"]},
            "status": {"type": "string", "enum": [
                "new", "assigned", "in_progress", "waiting_citizen", "resolved", "closed",
                "rejected", "forwarded", "duplicate"]},
            "status_label": {"type": "string"},
            "open311_status": {"type": "string", "enum": ["open", "closed"]},
            "category": _ref("Ref"),
            "urgency": {"type": "string", "enum": ["normal", "emergency"]},
            "text": {"type": "string", "description": "Text with personal data masked."},
            "kelurahan": _ref("Ref"),
            "address": {"type": "string", "description": "Kelurahan, kecamatan, city."},
            "lat": _nullable("number"),
            "lng": _nullable("number"),
            "owner": _nullable("string"),
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
            "first_response_at": _nullable("string", format="date-time"),
            "resolved_at": _nullable("string", format="date-time"),
            "resolution_due": _nullable("string", format="date-time"),
            "duplicate_of": _nullable("string"),
            "url": {"type": "string", "format": "uri"},
        },
    },
    "ComplaintDetail": {
        "allOf": [_ref("ComplaintSummary"), {
            "type": "object",
            "properties": {
                "photos": {"type": "array", "items": {
                    "type": "object", "properties": {
                        "tag": {"type": "string", "enum": ["before", "progress", "after"]},
                        "url": {"type": "string", "format": "uri"},
                        "thumb_url": {"type": "string", "format": "uri"}}}},
                "timeline": {"type": "array", "items": {
                    "type": "object", "properties": {
                        "at": {"type": "string", "format": "date-time"},
                        "kind": {"type": "string"}, "title": {"type": "string"},
                        "note": {"type": "string"}}}},
                "rating": _nullable("integer", minimum=1, maximum=5),
            },
        }],
    },
    "QueueItem": {
        "allOf": [_ref("ComplaintSummary"), {
            "type": "object",
            "properties": {
                "next_due": _nullable("string", format="date-time"),
                "escalation_level": {"type": "integer"},
                "may_act": {"type": "boolean"},
                "staff_url": {"type": "string", "format": "uri"},
            },
        }],
    },
    "Category": {
        "type": "object", "required": ["code", "name"],
        "properties": {
            "code": {"type": "string"}, "name": {"type": "string"},
            "name_en": {"type": "string"}, "description": {"type": "string"},
            "owner": _nullable("string"),
            "owner_rule": {"type": "string", "enum": ["unit", "kelurahan", "rt", "triage"]},
            "is_emergency": {"type": "boolean"}, "requires_after_photo": {"type": "boolean"},
        },
    },
    "Region": {
        "type": "object", "required": ["code", "name", "level"],
        "properties": {
            "code": {"type": "string", "examples": ["33.72.02.1007"]},
            "name": {"type": "string"},
            "level": {"type": "string",
                      "enum": ["provinsi", "kabupaten_kota", "kecamatan", "desa_kelurahan"]},
            "parent": _nullable("string"),
            "lat": _nullable("number"), "lng": _nullable("number"),
        },
    },
    "Stats": {
        "type": "object",
        "required": ["total", "by_status", "by_category", "median_first_response_hours"],
        "properties": {
            "since": _nullable("string", format="date-time"),
            "total": {"type": "integer"},
            "by_status": {"type": "object", "additionalProperties": {"type": "integer"}},
            "by_category": {"type": "object", "additionalProperties": {"type": "integer"}},
            "median_first_response_hours": _nullable("number"),
        },
    },
    "Open311Error": {
        "type": "object", "required": ["code", "description"],
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
    },
    "Open311Service": {
        "type": "object",
        "required": ["service_code", "service_name", "metadata", "type", "group"],
        "properties": {
            "service_code": {"type": "string"}, "service_name": {"type": "string"},
            "description": {"type": "string"}, "metadata": {"type": "boolean"},
            "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
            "keywords": {"type": "array", "items": {"type": "string"}},
            "group": {"type": "string"},
        },
    },
    "Open311ServiceDefinition": {
        "type": "object", "required": ["service_code", "attributes"],
        "properties": {"service_code": {"type": "string"},
                       "attributes": {"type": "array", "maxItems": 0}},
    },
    "Open311Request": {
        "type": "object",
        "required": ["service_request_id", "status", "requested_datetime"],
        "properties": {
            "service_request_id": {"type": "string"},
            "status": {"type": "string", "enum": ["open", "closed"]},
            "status_notes": _nullable("string"),
            "service_name": _nullable("string"), "service_code": _nullable("string"),
            "description": {"type": "string"},
            "agency_responsible": _nullable("string"),
            "service_notice": _nullable("string"),
            "requested_datetime": {"type": "string", "format": "date-time"},
            "updated_datetime": {"type": "string", "format": "date-time"},
            "expected_datetime": _nullable("string", format="date-time"),
            "address": {"type": "string"}, "address_id": _nullable("string"),
            "zipcode": _nullable("string"),
            "lat": _nullable("number"), "long": _nullable("number"),
            "media_url": _nullable("string", format="uri"),
        },
    },
    "Open311NewRequest": {
        "type": "object", "required": ["api_key", "service_code"],
        "description": "Also accepted as application/x-www-form-urlencoded. A location is "
                       "required: lat and long, or address_string, or address_id.",
        "properties": {
            "service_code": {"type": "string", "maxLength": 40},
            "api_key": {"type": "string", "description": "Only here, in the body: an "
                        "api_key in the URL is refused (400) so it never reaches logs."},
            "lat": {"type": "number", "minimum": -11.5, "maximum": 6.5,
                    "description": "Inside Indonesia, with long."},
            "long": {"type": "number", "minimum": 94.5, "maximum": 141.5},
            "address_string": {"type": "string", "maxLength": 300},
            "address_id": {"type": "string", "maxLength": 100},
            "email": {"type": "string", "format": "email"}, "device_id": {"type": "string"},
            "account_id": {"type": "string"}, "first_name": {"type": "string"},
            "last_name": {"type": "string"}, "phone": {"type": "string"},
            "description": {"type": "string", "maxLength": 4000},
            "media_url": {"type": "string", "format": "uri"},
        },
    },
    "Open311Created": {
        "type": "object", "required": ["service_request_id"],
        "properties": {"service_request_id": {"type": "string"},
                       "service_notice": {"type": "string"},
                       "account_id": {"type": "null"}},
    },
}


def _paged(item: str) -> dict:
    return {"type": "object", "required": ["count", "page", "page_size", "results"],
            "properties": {"count": {"type": "integer"}, "page": {"type": "integer"},
                           "page_size": {"type": "integer"},
                           "next": _nullable("string", format="uri"),
                           "previous": _nullable("string", format="uri"),
                           "results": {"type": "array", "items": _ref(item)}}}


def _results(item: str) -> dict:
    return {"type": "object", "required": ["results"],
            "properties": {"results": {"type": "array", "items": _ref(item)}}}


PATHS = {
    "/api/v1/complaints": {"get": {
        "operationId": "listComplaints", "tags": ["public"],
        "summary": "Complaints, newest first, without personal data.",
        "parameters": FILTERS + PAGING,
        "responses": {"200": _json(_paged("ComplaintSummary")), "400": ERROR},
    }},
    "/api/v1/complaints/{ref}": {"get": {
        "operationId": "getComplaint", "tags": ["public"],
        "summary": "One complaint with its public timeline and photos.",
        "parameters": [{"name": "ref", "in": "path", "required": True,
                        "schema": {"type": "string"}}],
        "responses": {"200": _json(_ref("ComplaintDetail")), "404": ERROR},
    }},
    "/api/v1/categories": {"get": {
        "operationId": "listCategories", "tags": ["public"], "summary": "Categories.",
        "responses": {"200": _json(_results("Category"))},
    }},
    "/api/v1/regions": {"get": {
        "operationId": "listRegions", "tags": ["public"],
        "summary": "Loaded cities; with `city`, that city's kecamatan and kelurahan.",
        "parameters": [_query("city", "Kabupaten/kota code, e.g. 33.72.")],
        "responses": {"200": _json(_results("Region")), "404": ERROR},
    }},
    "/api/v1/stats": {"get": {
        "operationId": "getStats", "tags": ["public"],
        "summary": "Counts by status and category; median hours to first response.",
        "parameters": [_query("since", "Only complaints received at or after this "
                                       "date-time (years 1970 to 2200).", format="date-time")],
        "responses": {"200": _json(_ref("Stats")), "400": ERROR},
    }},
    "/api/v1/me/queue": {"get": {
        "operationId": "myQueue", "tags": ["staff"],
        "summary": "Complaints owned by the user's units and their descendants, open ones "
                   "by default, soonest deadline first.",
        "security": [{"session": []}, {"bearer": []}],
        "parameters": FILTERS + PAGING,
        "responses": {"200": _json(_paged("QueueItem")), "400": ERROR, "401": ERROR,
                      "403": _json(_ref("Error"), "A session that has not passed the second "
                                   "factor its user must use")},
    }},
    "/api/v1/openapi.json": {"get": {
        "operationId": "openapi", "tags": ["meta"], "summary": "This document.",
        "responses": {"200": _json({"type": "object"})},
    }},
    "/open311/v2/discovery.{format}": {"get": {
        "operationId": "open311Discovery", "tags": ["open311"],
        "summary": "GeoReport v2 service discovery.", "parameters": [FMT],
        "responses": {"200": _json({"type": "object"})},
    }},
    "/open311/v2/services.{format}": {"get": {
        "operationId": "open311Services", "tags": ["open311"],
        "summary": "Service list (our categories).", "parameters": [FMT],
        "responses": {"200": _json({"type": "array", "items": _ref("Open311Service")})},
    }},
    "/open311/v2/services/{service_code}.{format}": {"get": {
        "operationId": "open311ServiceDefinition", "tags": ["open311"],
        "summary": "Service definition (no extra attributes).",
        "parameters": [{"name": "service_code", "in": "path", "required": True,
                        "schema": {"type": "string"}}, FMT],
        "responses": {"200": _json(_ref("Open311ServiceDefinition")), "404": OPEN311_ERROR},
    }},
    "/open311/v2/requests.{format}": {
        "get": {
            "operationId": "open311Requests", "tags": ["open311"],
            "summary": "Service requests; by default the most recent 90 days.",
            "parameters": [
                FMT,
                _query("service_request_id", "Comma list of references; overrides the rest."),
                _query("service_code", "Comma list of service codes."),
                _query("start_date", "W3C date-time (years 1970 to 2200).",
                       format="date-time"),
                _query("end_date", "W3C date-time (years 1970 to 2200).", format="date-time"),
                _query("status", "open, closed or open,closed."),
                _query("page", "Page number (extension).", "integer", minimum=1),
                _query("page_size", "Rows per page, default 100, at most 1000 (extension).",
                       "integer", minimum=1, maximum=1000),
            ],
            "responses": {"200": _json({"type": "array", "items": _ref("Open311Request")}),
                          "400": OPEN311_ERROR},
        },
        "post": {
            "operationId": "open311CreateRequest", "tags": ["open311"],
            "summary": "Create a complaint (requires an api_key).",
            "parameters": [FMT],
            "requestBody": {"required": True, "content": {
                "application/json": {"schema": _ref("Open311NewRequest")},
                "application/x-www-form-urlencoded": {"schema": _ref("Open311NewRequest")}}},
            "responses": {
                "201": _json({"type": "array", "items": _ref("Open311Created")}, "Created"),
                "400": OPEN311_ERROR, "403": OPEN311_ERROR, "404": OPEN311_ERROR},
        },
    },
    "/open311/v2/requests/{service_request_id}.{format}": {"get": {
        "operationId": "open311Request", "tags": ["open311"], "summary": "One request.",
        "parameters": [{"name": "service_request_id", "in": "path", "required": True,
                        "schema": {"type": "string"}}, FMT],
        "responses": {"200": _json({"type": "array", "items": _ref("Open311Request")}),
                      "404": OPEN311_ERROR},
    }},
    "/metrics": {"get": {
        "operationId": "metrics", "tags": ["meta"],
        "summary": "Prometheus text format: complaints by status, overdue, channel queues, "
                   "refused inputs.",
        "security": [{"metrics": []}],
        "responses": {"200": {"description": "OK",
                              "content": {"text/plain": {"schema": {"type": "string"}}}},
                      "401": {"description": "Missing or wrong ADUAN_METRICS_TOKEN"},
                      "403": {"description": "No ADUAN_METRICS_TOKEN is configured"}},
    }},
}


for _path, _item in PATHS.items():  # everything under /api/v1 and /open311/v2 is rate-limited
    if _path != "/metrics":
        for _operation in _item.values():
            _operation["responses"].setdefault("429", TOO_MANY)


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Aduan API",
            "version": "1.0.0",
            "summary": "Public complaint data (no personal data), the staff queue, Open311.",
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
        },
        "servers": [{"url": settings.PUBLIC_URL}],
        "tags": [{"name": n} for n in ("public", "staff", "open311", "meta")],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
                "metrics": {"type": "http", "scheme": "bearer",
                            "description": "The ADUAN_METRICS_TOKEN setting."},
                "bearer": {"type": "http", "scheme": "bearer",
                           "description": "An API key issued with `aduan api-key NAME "
                                          "--user USERNAME`."},
            },
        },
    }
