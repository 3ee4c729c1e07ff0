"""Transaction intake refuses an unknown fiat currency, a zero PKR amount and an IP address
sent as a JSON number, with a 400 naming the field (single, bulk and check)."""

from __future__ import annotations

import pytest
from contract_fixtures import *  # noqa: F403
from contract_fixtures import API, approve, create_customer, tx_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(api_client) -> dict:
    created = create_customer(api_client)
    approve(created["id"], tier="standard")
    return created


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"asset": "XYZ"}, "asset"),
        ({"asset": "PKRR"}, "asset"),
        ({"amount_pkr": "0"}, "amount_pkr"),
        ({"amount_pkr": "0.00"}, "amount_pkr"),
        ({"ip_address": 3232235777}, "ip_address"),
    ],
)
def test_gaps_are_400_with_the_field(api_client, customer, overrides, field):
    body = tx_body(customer["external_id"], channel="bank", **overrides)
    for path in (f"{API}/transactions/", f"{API}/transactions/check/"):
        response = api_client.post(path, body, format="json")
        assert response.status_code == 400, (path, response.content)
        assert field in response.json()["errors"]
    bulk = api_client.post(f"{API}/transactions/bulk/", {"transactions": [body]}, format="json")
    assert bulk.json()["results"][0]["status"] == "invalid"
    assert field in bulk.json()["results"][0]["errors"]


def test_crypto_tickers_still_pass_over_the_crypto_channel(api_client, customer):
    body = tx_body(
        customer["external_id"],
        kind="transfer_out",
        channel="crypto",
        asset="SOL",
        amount="2.5",
        amount_pkr="110000.00",
        counterparty={"wallet_address": "7vfCXTUXx5WJV5JADk17DUJ4ksgau7utNKj4b963voxs"},
        ip_address="203.0.113.7",
    )
    response = api_client.post(f"{API}/transactions/", body, format="json")
    assert response.status_code == 201, response.content
