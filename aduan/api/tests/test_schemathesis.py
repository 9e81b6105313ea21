"""Schemathesis against our own OpenAPI document (issue 11): whatever a client sends to the
documented endpoints, no 5xx. Runs in-process through the WSGI app, on SQLite and
PostgreSQL, with a bounded number of examples per operation."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

EXAMPLES = 25


@pytest.fixture
def api_schema(city, settings):
    from django.core import signals
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    settings.ADUAN_RATE_API = "100000/m"  # limits are tested elsewhere; here: every input
    settings.ADUAN_RATE_COMPLAINT_IP = settings.ADUAN_RATE_COMPLAINT_REPORTER = "100000/h"
    # As Django's test client does: requests must not close the test's connection (on
    # PostgreSQL that would end the test transaction).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_server_errors(case):
    case.call_and_validate(checks=[not_a_server_error])
