"""Text that is not text, bodies too deep or too large: a clear 400 or 413, never a 500."""

from __future__ import annotations

import json

import pytest
from contract_fixtures import *  # noqa: F403
from contract_fixtures import API, approve, create_customer, individual_body, tx_body

pytestmark = pytest.mark.django_db
TEXT_FIELDS = ["external_id", "asset", "kind", "channel"]


@pytest.fixture
def customer(api_client) -> dict:
    created = create_customer(api_client)
    approve(created["id"], tier="standard")
    return created


def _post_raw(client, path: str, text: str):
    return client.generic("POST", path, text.encode("utf-8", "surrogatepass"), "application/json")


@pytest.mark.parametrize("bad", ["\\u0000", "a\\udfffb"])
@pytest.mark.parametrize("field", [*TEXT_FIELDS, "counterparty.name", "device_id"])
def test_a_nul_or_lone_surrogate_in_a_transaction_field_is_a_400(api_client, customer, field, bad):
    body = tx_body(customer["external_id"])
    body.setdefault("counterparty", {})
    marker = "@@BAD@@"
    if field == "counterparty.name":
        body["counterparty"]["name"] = marker
    else:
        body[field] = marker
    text = json.dumps(body).replace(marker, f"x{bad}y")

    for path in (f"{API}/transactions/", f"{API}/transactions/check/"):
        response = _post_raw(api_client, path, text)
        assert response.status_code == 400, (path, response.content)
        assert field in response.json()["errors"]


def test_a_nul_in_a_customer_field_and_key_is_a_400(api_client):
    body = individual_body(full_name="@@BAD@@")
    text = json.dumps(body).replace("@@BAD@@", "Umar\\u0000Farooq")
    response = _post_raw(api_client, f"{API}/customers/", text)
    assert response.status_code == 400
    assert "full_name" in response.json()["errors"]
    text = json.dumps({"x\\u0000": 1}).replace("\\\\", "\\")
    assert _post_raw(api_client, f"{API}/customers/", text).status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/customers/%00/",
        "/api/v1/customers/%00/documents/",
        "/api/v1/transactions/%00/",
        "/api/v1/transactions/?external_id=%00",
    ],
)
def test_a_nul_in_a_path_or_query_is_a_400(api_client, path):
    response = api_client.get(path)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_json_nested_ten_thousand_deep_is_a_400(api_client):
    text = "[" * 10000 + "]" * 10000
    response = _post_raw(api_client, f"{API}/transactions/", text)
    assert response.status_code == 400
    assert "body" in response.json()["errors"]
    text = '{"a":' * 40 + "1" + "}" * 40  # deeper than API_MAX_JSON_DEPTH, well within Python's
    assert _post_raw(api_client, f"{API}/customers/", text).status_code == 400


def test_a_body_over_the_size_limit_is_a_413(api_client, settings):
    settings.API_MAX_BODY_BYTES = 1000
    response = _post_raw(api_client, f"{API}/transactions/bulk/", json.dumps({"x": "a" * 2000}))
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
