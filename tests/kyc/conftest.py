"""Customers for kyc tests: typed service input, API bodies, and a factory through the services."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

_serial = itertools.count(1000)


def new_cnic(gender: str = "M", middle_suffix: str | None = None) -> str:
    """A fresh valid CNIC (Lahore locality 35202); ``middle_suffix`` picks sandbox outcomes."""
    n = next(_serial)
    middle = f"{n:07d}" if middle_suffix is None else f"{n % 1000:03d}{middle_suffix}"
    last = "1" if gender == "M" else "2"
    return f"35202-{middle}-{last}"


def individual_data(**overrides) -> dict:
    """What the serializer hands the services for a valid adult individual."""
    today = timezone.localdate()
    data = {
        "external_id": f"U-{next(_serial)}",
        "customer_type": "individual",
        "full_name": "Muhammad Ali Khan",
        "father_or_spouse_name": "Abdul Rehman Khan",
        "date_of_birth": date(1990, 4, 12),
        "gender": "M",
        "id_type": "CNIC",
        "id_number": new_cnic("M"),
        "id_issue_date": today - timedelta(days=3 * 365),
        "id_expiry_date": today + timedelta(days=7 * 365),
        "mobile": "03001234567",
        "email": "ali.khan@example.pk",
        "permanent_address": {
            "line1": "House 12, Street 4, Model Town",
            "city": "Lahore",
            "district": "Lahore",
            "province": "Punjab",
            "postal_code": "54700",
            "country": "PK",
        },
        "occupation": "salaried_private",
        "source_of_funds": "salary",
        "purpose_of_account": "investment",
        "expected_monthly_turnover_pkr": Decimal("250000.00"),
        "is_pep_declared": False,
    }
    data.update(overrides)
    return data


def as_json(data: dict) -> dict:
    """The same data as an API client sends it (strings for dates and money)."""
    out = {}
    for key, value in data.items():
        if isinstance(value, date | Decimal):
            out[key] = str(value)
        elif isinstance(value, list):
            out[key] = [as_json(v) if isinstance(v, dict) else v for v in value]
        else:
            out[key] = value
    return out


def entity_data(**overrides) -> dict:
    data = {
        "external_id": f"E-{next(_serial)}",
        "customer_type": "entity",
        "legal_name": "Indus Tech Traders (Private) Limited",
        "entity_type": "private_limited",
        "registration_number": "0123456",
        "ntn": "1234567-8",
        "incorporation_date": date(2015, 3, 1),
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
                "id_number": new_cnic("F"),
                "date_of_birth": date(1982, 7, 9),
                "nationality": "PK",
                "ownership_pct": Decimal("60"),
            },
            {
                "full_name": "Bilal Ahmed",
                "id_type": "CNIC",
                "id_number": new_cnic("M"),
                "date_of_birth": date(1979, 1, 30),
                "nationality": "PK",
                "ownership_pct": Decimal("40"),
            },
        ],
    }
    data.update(overrides)
    return data


@pytest.fixture
def system_actor():
    from core.actors import Actor

    return Actor.automated("tests")


@pytest.fixture
def make_customer(db, system_actor):
    from kyc import services

    def make(**overrides):
        return services.create_customer(actor=system_actor, data=individual_data(**overrides))

    return make


@pytest.fixture
def webhook_endpoint(db):
    from core.models import WebhookEndpoint

    return WebhookEndpoint.objects.create(
        name="exchange", url="http://127.0.0.1:9/hook", secret="s3cret"
    )
