"""Property-based API tests: every generated request gets a response its schema declares, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from motcua.config.wsgi import application

# The deadline calculator refuses periods past the calendar's end (2100) or over a unit's limit: a rule
# joining two query parameters, which OpenAPI cannot state, so a 422 there is a lawful answer.
CONFIG = SchemathesisConfig.from_str(
    """
[[operations]]
include-path-regex = "^/api/v1/calendar/deadline$"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "422", "429", "5xx"]
"""
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_answers_every_request_as_its_schema_says(case: Any) -> None:
    case.call_and_validate()
