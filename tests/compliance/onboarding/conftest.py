"""Customers for onboarding tests, created and submitted through kyc's services.

Sandbox identity outcomes follow the CNIC middle block's last four digits
(kyc.verification: 9999 name mismatch, 0000 no record, ...).
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

_serial = itertools.count(101)
MATCH, NAME_MISMATCH, NO_RECORD = None, "9999", "0000"


def cnic(gender: str = "M", sandbox: str | None = MATCH) -> str:
    n = next(_serial)
    middle = f"{n:03d}{sandbox}" if sandbox else f"{n:03d}4567"
    return f"35202-{middle}-{'1' if gender == 'M' else '2'}"


def individual(**overrides) -> dict:
    today = timezone.localdate()
    data = {
        "external_id": f"ONB-{next(_serial)}",
        "full_name": "Ahmed Raza",
        "father_or_spouse_name": "Ghulam Raza",
        "date_of_birth": date(1988, 2, 14),
        "gender": "M",
        "id_type": "CNIC",
        "id_number": cnic("M"),
        "id_issue_date": today - timedelta(days=700),
        "id_expiry_date": today + timedelta(days=3000),
        "mobile": "03001234567",
        "email": "ahmed.raza@example.pk",
        "permanent_address": {
            "line1": "House 7, Street 2, Johar Town",
            "city": "Lahore",
            "district": "Lahore",
            "province": "Punjab",
            "country": "PK",
        },
        "occupation": "salaried_private",
        "source_of_funds": "salary",
        "purpose_of_account": "investment",
        "expected_monthly_turnover_pkr": Decimal("150000"),
    }
    data.update(overrides)
    return data


def entity(**overrides) -> dict:
    data = {
        "external_id": f"ONB-E-{next(_serial)}",
        "customer_type": "entity",
        "legal_name": "Ravi Software House (Private) Limited",
        "entity_type": "private_limited",
        "registration_number": "0098765",
        "ntn": "7654321-0",
        "incorporation_date": date(2016, 5, 4),
        "country_of_incorporation": "PK",
        "registered_address": {
            "line1": "Plot 3, Gulberg III",
            "city": "Lahore",
            "district": "Lahore",
            "province": "Punjab",
            "country": "PK",
        },
        "business_activity": "Software development and export",
        "source_of_funds": "business_income",
        "purpose_of_account": "business_treasury",
        "expected_monthly_turnover_pkr": Decimal("3000000"),
        "beneficial_owners": [
            {
                "full_name": "Sana Malik",
                "id_type": "CNIC",
                "id_number": cnic("F"),
                "date_of_birth": date(1984, 9, 1),
                "nationality": "PK",
                "ownership_pct": Decimal("70"),
            },
            {
                "full_name": "Usman Tariq",
                "id_type": "CNIC",
                "id_number": cnic("M"),
                "date_of_birth": date(1981, 3, 22),
                "nationality": "PK",
                "ownership_pct": Decimal("30"),
            },
        ],
    }
    data.update(overrides)
    return data


@pytest.fixture
def exchange_actor():
    from core.actors import Actor

    return Actor.automated("exchange-api")


@pytest.fixture
def submitted(db, exchange_actor):
    """``submitted(**profile)``: a customer created and submitted (assessment not yet run)."""
    from kyc import services

    def make(data: dict | None = None, **overrides):
        customer = services.create_customer(
            actor=exchange_actor, data=data or individual(**overrides)
        )
        services.submit_customer(customer=customer, actor=exchange_actor)
        return customer

    return make


@pytest.fixture
def assessed(submitted):
    """``assessed(**profile)``: submitted and assessed; returns (customer, assessment)."""
    from compliance.onboarding.services import assess_customer

    def make(data: dict | None = None, **overrides):
        customer = submitted(data, **overrides)
        assessment = assess_customer(customer.pk)
        customer.refresh_from_db()
        return customer, assessment

    return make


@pytest.fixture
def webhook_endpoint(db):
    from core.models import WebhookEndpoint

    return WebhookEndpoint.objects.create(
        name="exchange-onboarding", url="http://127.0.0.1:9/hook", secret="s3cret"
    )
