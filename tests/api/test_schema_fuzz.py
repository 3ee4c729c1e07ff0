"""Property-based run over the served OpenAPI document with every schemathesis check: never a
5xx, only documented status codes, responses that match their schemas, schema-valid requests
accepted and schema-violating ones rejected.

Runtime is bounded: ``MAX_EXAMPLES`` examples per operation (derandomized, so a run is
repeatable); about two to three minutes for all operations on two cores.

Where the API checks rules that JSON Schema cannot state (a referenced customer must exist;
a customer's fields agree with one another and with its type: a CNIC's last digit with the
gender, an ID's issue date before its expiry, an individual's or entity's own required
fields; a fiat channel's asset is an ISO 4217 currency; a date of birth is a real date; a
date range's end is not before its start; an IVMS101 message checked for a transfer has its
originator, beneficiary and originating VASP), a schema-valid request may still be answered
400 with a field message: for those operations
``positive_data_acceptance`` is left out, every other check still runs. The bulk intake
answers each item on its own (``invalid`` with field messages, the others stored), so neither
data check applies to its items.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    negative_data_rejection,
    not_a_server_error,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
MAX_EXAMPLES = 5
ALL_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    positive_data_acceptance,
    negative_data_rejection,
]
RULES_BEYOND_THE_SCHEMA = {
    ("POST", "/api/v1/customers/"),
    ("PATCH", "/api/v1/customers/{id}/"),
    ("POST", "/api/v1/transactions/"),
    ("POST", "/api/v1/transactions/check/"),
    ("POST", "/api/v1/screening/search/"),
    ("POST", "/api/v1/travel-rule/transfers/"),
    ("POST", "/api/v1/travel-rule/ivms101/validate/"),
    ("GET", "/api/v1/travel-rule/records/"),
}
ANSWERED_PER_ITEM = {("POST", "/api/v1/transactions/bulk/")}


@pytest.fixture
def auth_header(make_api_client, settings):
    settings.API_RATE_LIMIT = "off"  # thousands of calls on one key
    # Like Django's test client: keep the test's connection open across WSGI requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    client = make_api_client(["*"])
    yield {"Authorization": f"Api-Key {client.api_key_plaintext}"}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_the_document_tells_the_truth_for_any_generated_request(case, auth_header):
    operation = (case.operation.method.upper(), case.operation.path)
    excluded = [positive_data_acceptance] if operation in RULES_BEYOND_THE_SCHEMA else []
    if operation in ANSWERED_PER_ITEM:
        excluded = [positive_data_acceptance, negative_data_rejection]
    checks = [check for check in ALL_CHECKS if check not in excluded]
    case.call_and_validate(headers=auth_header, checks=checks)
