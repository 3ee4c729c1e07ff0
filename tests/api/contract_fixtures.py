"""Bodies and helpers of the API contract tests: the requests an exchange's backend sends.

The customer bodies follow the sample exchange data (customers.json, transactions.json of the
monitoring sample); each call gets a fresh external_id and CNIC so tests never collide.
A test module takes the fixtures with ``from contract_fixtures import *``.
"""

from __future__ import annotations

import copy
import itertools
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

__all__ = ["fresh_rules_and_lists"]

API = "/api/v1"
_serial = itertools.count(1)

# ISO 8601 with an offset (Z or +hh:mm); a date-time without one breaks the contract.
DATETIME_WITH_OFFSET = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$"
)
DECIMAL_STRING = re.compile(r"^-?\d+(\.\d+)?$")
PAGE_KEYS = {"count", "next", "previous", "results"}

# Two customers of the sample (C-00000 and C-00001) as the exchange posts them.
SAMPLE_INDIVIDUAL: dict[str, Any] = {
    "country_of_residence": "PK",
    "customer_type": "individual",
    "date_of_birth": "1986-08-13",
    "email": "user0@example.pk",
    "expected_monthly_turnover_pkr": "1000000.00",
    "external_id": "C-00000",
    "father_or_spouse_name": "Abdul Ghafoor",
    "full_name": "Umar Farooq",
    "gender": "M",
    "id_expiry_date": "2031-03-01",
    "id_issue_date": "2021-03-01",
    "id_number": "46741-6667571-7",
    "id_type": "CNIC",
    "is_pep_declared": False,
    "mobile": "+923223293705",
    "nationality": "PK",
    "occupation": "student",
    "permanent_address": {
        "city": "Karachi",
        "country": "PK",
        "district": "Karachi East",
        "line1": "House 126, Street 15",
        "postal_code": "75500",
        "province": "Sindh",
    },
    "place_of_birth": "Karachi",
    "present_address": {
        "city": "Karachi",
        "country": "PK",
        "district": "Karachi East",
        "line1": "House 126, Street 15",
        "postal_code": "75500",
        "province": "Sindh",
    },
    "purpose_of_account": "investment",
    "source_of_funds": "remittance",
}

SAMPLE_ENTITY: dict[str, Any] = {
    "customer_type": "entity",
    "external_id": "E-00001",
    "legal_name": "Indus Tech Traders (Private) Limited",
    "registration_number": "0123456",
    "ntn": "1234567-8",
    "incorporation_date": "2015-03-01",
    "country_of_incorporation": "PK",
    "registered_address": {
        "line1": "Office 5, Clifton Block 4",
        "city": "Karachi",
        "district": "Karachi South",
        "province": "Sindh",
        "country": "PK",
    },
    "business_activity": "Software export",
    "source_of_funds": "business_income",
    "purpose_of_account": "business_treasury",
    "beneficial_owners": [
        {
            "full_name": "Ayesha Siddiqui",
            "id_type": "CNIC",
            "id_number": "42201-7000001-2",
            "date_of_birth": "1982-07-09",
            "nationality": "PK",
            "ownership_pct": "60.00",
        },
        {
            "full_name": "Bilal Ahmed",
            "id_type": "CNIC",
            "id_number": "42201-7000002-1",
            "date_of_birth": "1979-01-30",
            "nationality": "PK",
            "ownership_pct": "40.00",
        },
    ],
}


def cnic(gender: str = "M") -> str:
    """A fresh, well-formed CNIC whose last digit agrees with ``gender``."""
    n = next(_serial)
    return f"46741-{n + 6000000:07d}-{'7' if gender == 'M' else '4'}"


def individual_body(**overrides) -> dict[str, Any]:
    n = next(_serial)
    body = copy.deepcopy(SAMPLE_INDIVIDUAL)
    body.update(external_id=f"C-CT-{n:05d}", id_number=cnic("M"), email=f"user{n}@example.pk")
    # The sample's ID dates are fixed; keep the ID valid whatever day the suite runs.
    today = timezone.localdate()
    body.update(
        id_issue_date=str(today - timedelta(days=2 * 365)),
        id_expiry_date=str(today + timedelta(days=8 * 365)),
    )
    body.update(overrides)
    return body


def entity_body(**overrides) -> dict[str, Any]:
    n = next(_serial)
    body = copy.deepcopy(SAMPLE_ENTITY)
    body["external_id"] = f"E-CT-{n:05d}"
    body["beneficial_owners"][0]["id_number"] = cnic("F")
    body["beneficial_owners"][1]["id_number"] = cnic("M")
    body.update(overrides)
    return body


def tx_body(customer_ref: str, **overrides) -> dict[str, Any]:
    """A bank deposit in the shape of the sample's transactions.json."""
    n = next(_serial)
    body = {
        "external_id": f"T-CT-{n:07d}",
        "customer": customer_ref,
        "kind": "deposit",
        "channel": "bank",
        "asset": "PKR",
        "amount": "16020.80",
        "amount_pkr": "16020.80",
        "occurred_at": (timezone.now() - timedelta(hours=1)).astimezone(UTC).isoformat(),
        "counterparty": {
            "bank": "UBL",
            "country": "PK",
            "iban": f"PK32XXXX41634600431{n:05d}",
            "name": "Bilal Ahmed",
        },
    }
    body.update(overrides)
    return body


def create_customer(client, body: dict[str, Any] | None = None) -> dict[str, Any]:
    response = client.post(f"{API}/customers/", body or individual_body(), format="json")
    assert response.status_code == 201, response.content
    return response.json()


def approve(customer_id: str, *, tier: str = "standard", risk_level: str | None = "low"):
    """The exchange submits; Nigraan's officers approve (not an API operation)."""
    from core.actors import Actor
    from kyc import selectors, services
    from kyc.models import Customer

    actor = Actor.automated("contract tests")
    customer = selectors.get_customer(customer_id)
    services.submit_customer(customer=customer, actor=actor)
    if risk_level:
        Customer.objects.filter(pk=customer.pk).update(risk_level=risk_level)
    return services.approve_customer(customer=customer, actor=actor, tier=tier)


def make_alert(customer_id: str, transaction_ids: list[str], *, typology: str = "LARGE_CASH"):
    """An alert over stored transactions, as the engine leaves it (tested in its own suite)."""
    import uuid

    from compliance.monitoring.models import Alert, AlertTransaction, Rule, RuleVersion

    rule = Rule.objects.create(
        code=f"ct-{uuid.uuid4().hex[:8]}",
        name=typology.replace("_", " ").title(),
        typology=typology,
        kind=Rule.Kind.TEMPLATE,
        status=Rule.Status.ACTIVE,
    )
    version = RuleVersion.objects.create(
        rule=rule, number=1, template=typology, severity="high", created_by_label="tests"
    )
    alert = Alert.objects.create(
        customer_id=customer_id,
        typology=typology,
        rule=rule,
        rule_version=version,
        severity="high",
        score=Decimal("0.850"),
        explanation="Cash deposit of PKR 2,500,000 is at or over the PKR 2,000,000 threshold.",
        dedupe_key=uuid.uuid4().hex,
    )
    for tx_id in transaction_ids:
        AlertTransaction.objects.create(alert=alert, transaction_id=tx_id)
    return alert


def assert_error_shape(response, *fields: str) -> dict[str, list[str]]:
    """``400 {"errors": {field: [message, ...]}, "code": "invalid"}`` naming ``fields``."""
    assert response.status_code == 400, (response.status_code, response.content)
    body = response.json()
    assert set(body) == {"errors", "code"}, body
    assert body["code"] == "invalid"
    assert isinstance(body["errors"], dict) and body["errors"]
    for name, messages in body["errors"].items():
        assert isinstance(messages, list) and messages, (name, messages)
        assert all(isinstance(m, str) and m for m in messages), (name, messages)
    for name in fields:
        assert any(key == name or key.startswith(f"{name}.") or key.startswith(f"{name}[")
                   for key in body["errors"]), (name, body["errors"])  # fmt: skip
    return body["errors"]


def assert_conflict(response) -> dict[str, Any]:
    assert response.status_code == 409, (response.status_code, response.content)
    body = response.json()
    assert body["code"] == "conflict" and isinstance(body["detail"], str) and body["detail"]
    return body


def assert_page(body: Any) -> list[dict[str, Any]]:
    assert isinstance(body, dict) and set(body) == PAGE_KEYS, body
    assert isinstance(body["count"], int) and isinstance(body["results"], list)
    return body["results"]


def assert_datetime(value: Any) -> datetime:
    assert isinstance(value, str) and DATETIME_WITH_OFFSET.match(value), value
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def assert_money(value: Any) -> Decimal:
    """A decimal string such as "1250000.00", never a JSON number."""
    assert isinstance(value, str) and DECIMAL_STRING.match(value), repr(value)
    return Decimal(value)


def floats_in(value: Any, path: str = "$") -> list[str]:
    """JSON paths of every float in a response body."""
    if isinstance(value, float):
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in floats_in(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in floats_in(v, f"{path}[{i}]")]
    return []


@pytest.fixture(autouse=True)
def fresh_rules_and_lists(settings):
    """Rules and watchlists are cached per process; each test sees its own database state."""
    from compliance.screening import index

    settings.MONITORING_CHECK_RULES_MAX_AGE = 0
    index.invalidate()
    yield
    index.invalidate()
