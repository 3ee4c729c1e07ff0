"""An approved freeze stops the customer's money moving: /transactions/check/ blocks."""

from datetime import UTC, datetime

import pytest

from compliance.cases.models import Case
from compliance.cases.services import (
    approve_decision,
    group_into_cases,
    propose_freeze,
    propose_unfreeze,
)
from core.actors import Actor


def _check_body(customer) -> dict:
    return {
        "external_id": f"chk-{customer.external_id}",
        "customer": customer.external_id,
        "kind": "withdrawal",
        "channel": "bank",
        "asset": "PKR",
        "amount": "5000.00",
        "amount_pkr": "5000.00",
        "occurred_at": datetime(2026, 3, 16, 6, tzinfo=UTC).isoformat(),
    }


@pytest.fixture
def frozen_case(customer, make_alert, officers):
    group_into_cases(alert_ids=[make_alert(customer, severity="critical").pk])
    case = Case.objects.get(customer=customer)
    freeze = propose_freeze(
        case=case, reason="Confirmed UN 1267 match.", actor=Actor.for_user(officers["analyst"])
    )
    approve_decision(
        decision=freeze, reason="Freeze without delay.", actor=Actor.for_user(officers["mlro"])
    )
    return case


def test_a_customer_not_frozen_is_not_blocked(api_client, customer):
    response = api_client.post("/api/v1/transactions/check/", _check_body(customer), format="json")
    assert response.status_code == 200, response.content
    assert response.json()["decision"] != "block"


def test_an_approved_freeze_makes_the_check_answer_block(api_client, frozen_case):
    customer = frozen_case.customer
    response = api_client.post("/api/v1/transactions/check/", _check_body(customer), format="json")
    assert response.status_code == 200, response.content
    assert response.json()["decision"] == "block"
    assert response.json()["reasons"]


def test_a_proposed_freeze_alone_blocks_nothing(api_client, customer, make_alert, officers):
    group_into_cases(alert_ids=[make_alert(customer).pk])
    propose_freeze(
        case=Case.objects.get(customer=customer),
        reason="Possible match.",
        actor=Actor.for_user(officers["analyst"]),
    )
    response = api_client.post("/api/v1/transactions/check/", _check_body(customer), format="json")
    assert response.json()["decision"] != "block"


def test_lifting_the_freeze_lets_the_customer_transact_again(api_client, frozen_case, officers):
    unfreeze = propose_unfreeze(
        case=frozen_case, reason="Delisted.", actor=Actor.for_user(officers["analyst"])
    )
    approve_decision(
        decision=unfreeze, reason="Delisting verified.", actor=Actor.for_user(officers["mlro2"])
    )
    body = _check_body(frozen_case.customer)
    response = api_client.post("/api/v1/transactions/check/", body, format="json")
    assert response.json()["decision"] != "block"
