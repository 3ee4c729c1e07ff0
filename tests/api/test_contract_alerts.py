"""API.md "Alerts and cases": GET /alerts/?customer=&status=&typology= for keys with alerts:read."""

from __future__ import annotations

import uuid

import pytest
from contract_fixtures import *  # noqa: F403
from contract_fixtures import (
    API,
    approve,
    assert_datetime,
    assert_error_shape,
    assert_page,
    create_customer,
    floats_in,
    make_alert,
    tx_body,
)

pytestmark = pytest.mark.django_db
ALERTS = f"{API}/alerts/"
ALERT_FIELDS = {
    "id", "customer", "typology", "rule", "rule_version", "severity", "score", "status",
    "explanation", "transactions", "episode", "created_at",
}  # fmt: skip
FIXED_TYPOLOGIES = {
    "STRUCTURING", "LARGE_CASH", "RAPID_MOVEMENT", "VELOCITY", "PROFILE_DEVIATION",
    "DORMANT_REACTIVATION", "FAN_IN", "FAN_OUT", "SANCTIONED_COUNTERPARTY",
    "HIGH_RISK_JURISDICTION", "TRAVEL_RULE_MISSING", "TIER_LIMIT", "ROUND_AMOUNTS",
}  # fmt: skip


@pytest.fixture
def customer(api_client) -> dict:
    created = create_customer(api_client)
    approve(created["id"], tier="enhanced")
    return created


@pytest.fixture
def large_cash(api_client, customer, django_capture_on_commit_callbacks) -> dict:
    """A cash deposit of PKR 2.5M sent by the exchange and screened by the active rules."""
    body = tx_body(
        customer["external_id"], channel="cash", amount="2500000.00", amount_pkr="2500000.00"
    )
    del body["counterparty"]
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(f"{API}/transactions/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def assert_alert_shape(alert: dict) -> None:
    assert set(alert) == ALERT_FIELDS, set(alert) ^ ALERT_FIELDS
    uuid.UUID(alert["id"])
    uuid.UUID(alert["customer"])
    assert isinstance(alert["typology"], str) and alert["typology"]
    assert isinstance(alert["rule"], str) and alert["rule"]
    assert isinstance(alert["rule_version"], int)
    assert alert["severity"] in {"low", "medium", "high", "critical"}
    assert alert["status"] in {"open", "in_case", "closed"}
    assert isinstance(alert["score"], str | int)  # a number as text or an integer, never a float
    assert isinstance(alert["explanation"], str) and any(c.isdigit() for c in alert["explanation"])
    assert isinstance(alert["transactions"], list)
    for tx_id in alert["transactions"]:
        uuid.UUID(tx_id)
    assert_datetime(alert["created_at"])
    assert floats_in(alert) == []


def test_an_alert_raised_by_the_rules_is_listed_with_the_contract_fields(
    api_client, customer, large_cash
):
    response = api_client.get(ALERTS, {"customer": customer["external_id"]})

    assert response.status_code == 200
    alerts = assert_page(response.json())
    large = [a for a in alerts if a["typology"] == "LARGE_CASH"]
    assert len(large) == 1
    assert_alert_shape(large[0])
    assert large[0]["customer"] == customer["id"]
    assert large[0]["status"] in {"open", "in_case"}  # grouped into a case on arrival
    assert large[0]["transactions"] == [large_cash["id"]]
    assert "2.5M" in large[0]["explanation"]  # why, in words and numbers


def test_alerts_filter_by_customer_id_or_external_id_status_and_typology(api_client, customer):
    other = create_customer(api_client)
    tx = api_client.post(
        f"{API}/transactions/", tx_body(customer["external_id"]), format="json"
    ).json()
    structuring = make_alert(customer["id"], [tx["id"]], typology="STRUCTURING")
    fan_in = make_alert(customer["id"], [tx["id"]], typology="FAN_IN")
    others = make_alert(other["id"], [], typology="STRUCTURING")
    fan_in.status = "closed"
    fan_in.save(update_fields=["status"])

    def ids(**query):
        response = api_client.get(ALERTS, query)
        assert response.status_code == 200, response.content
        results = assert_page(response.json())
        for alert in results:
            assert_alert_shape(alert)
        return {a["id"] for a in results}

    assert ids(customer=customer["id"]) == {str(structuring.pk), str(fan_in.pk)}
    assert ids(customer=customer["external_id"]) == {str(structuring.pk), str(fan_in.pk)}
    assert ids(typology="STRUCTURING") == {str(structuring.pk), str(others.pk)}
    assert ids(status="closed") == {str(fan_in.pk)}
    assert ids(status="open", customer=customer["external_id"]) == {str(structuring.pk)}
    assert ids(status="in_case") == set()


def test_an_unknown_status_filter_is_400(api_client):
    assert_error_shape(api_client.get(ALERTS, {"status": "snoozed"}), "status")


def test_an_alert_is_read_by_its_id(api_client, customer, large_cash):
    listed = api_client.get(ALERTS, {"customer": customer["id"]}).json()["results"][0]

    response = api_client.get(f"{ALERTS}{listed['id']}/")

    assert response.status_code == 200
    assert response.json() == listed


def test_an_unknown_alert_is_404(api_client):
    assert api_client.get(f"{ALERTS}{uuid.uuid4()}/").status_code == 404
    assert api_client.get(f"{ALERTS}not-an-id/").status_code == 404


def test_the_transaction_shows_the_alerts_it_raised(api_client, large_cash):
    shown = api_client.get(f"{API}/transactions/{large_cash['id']}/").json()

    assert shown["status"] == "screened"
    assert "LARGE_CASH" in {a["typology"] for a in shown["alerts"]}
    for alert in shown["alerts"]:
        assert_alert_shape(alert)


def test_the_alerts_api_is_read_only(api_client):
    assert api_client.post(ALERTS, {}, format="json").status_code == 405


def test_the_default_rules_cover_every_fixed_typology_code():
    from compliance.monitoring.models import Rule

    assert set(Rule.objects.values_list("typology", flat=True)) >= FIXED_TYPOLOGIES
