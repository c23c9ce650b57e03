"""Property-based API tests: every generated request gets a response its schema declares, never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from motcua.config.wsgi import application

# The deadline calculator refuses periods past the calendar's end (2100) or over a unit's limit: a rule
# joining two query parameters, which OpenAPI cannot state, so a 422 there is a lawful answer. Feedback
# needs no account, so schemathesis reaches its rules that join fields (an agency for a procedure, a
# dossier code with its phone, a period under ten years, no insults): their documented 400 is lawful.
CONFIG = SchemathesisConfig.from_str(
    """
[[operations]]
include-path-regex = "^/api/v1/calendar/deadline$"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "422", "429", "5xx"]

[[operations]]
include-path-regex = "^/api/v1/feedback"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404", "409", "422"]
"""
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """Schemathesis calls the WSGI app directly, not through Django's test client: without this, the end of
    each request would close the database connection that holds the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_answers_every_request_as_its_schema_says(case: Any) -> None:
    case.call_and_validate()
