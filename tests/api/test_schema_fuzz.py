"""Property-based run over the served OpenAPI document: whatever the input, never a 5xx."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture
def auth_header(make_api_client):
    # Like Django's test client: keep the test's connection open across WSGI requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    client = make_api_client(["*"])
    yield {"Authorization": f"Api-Key {client.api_key_plaintext}"}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_no_server_error_for_any_generated_request(case, auth_header):
    case.call_and_validate(headers=auth_header, checks=[not_a_server_error])
