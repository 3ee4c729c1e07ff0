"""Records the browser tests start from, made through the services as production makes them.

Imported by basename from the browser tests (like the other suites' helpers)."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

_serial = itertools.count(1)
HOUSE_HEADER = ["entry_id", "list", "kind", "name", "aliases", "date_of_birth", "nationality",
                "id_numbers", "wallet_addresses", "program"]  # fmt: skip


def customer(full_name: str, *, cnic: str, submit: bool = False, **overrides):
    """An individual customer (approved by default through kyc's services unless ``submit``
    leaves it for onboarding)."""
    from core.actors import Actor
    from kyc import services

    n = next(_serial)
    today = timezone.localdate()
    data = {
        "external_id": f"E2E-{n:03d}",
        "customer_type": "individual",
        "full_name": full_name,
        "father_or_spouse_name": "Muhammad Akbar",
        "date_of_birth": date(1984, 5, 17),
        "gender": "M",
        "id_type": "CNIC",
        "id_number": cnic,
        "id_issue_date": today - timedelta(days=900),
        "id_expiry_date": today + timedelta(days=2000),
        "mobile": "03211234567",
        "email": f"e2e{n}@example.pk",
        "permanent_address": {
            "line1": "Flat 4, Block C, Clifton",
            "city": "Karachi",
            "district": "Karachi South",
            "province": "Sindh",
            "postal_code": "75600",
            "country": "PK",
        },
        "occupation": "business_owner",
        "source_of_funds": "business_income",
        "purpose_of_account": "investment",
        "expected_monthly_turnover_pkr": Decimal("300000.00"),
        "is_pep_declared": False,
        **overrides,
    }
    actor = Actor.automated("tests")
    made = services.create_customer(actor=actor, data=data)
    if submit:
        services.submit_customer(customer=made, actor=actor)
    made.refresh_from_db()
    return made


def sanctions_list(tmp_path, rows: list[dict]):
    """Import ``rows`` (house CSV) as a sanctions list version; returns the import result."""
    from compliance.screening.services import import_watchlist
    from core.actors import Actor

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HOUSE_HEADER)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row.get(k, "") for k in HOUSE_HEADER})
    path = tmp_path / f"list-{next(_serial)}.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return import_watchlist(source="csv", file=path, actor=Actor.automated("tests"), rescreen=False)


def check_body(customer_record) -> dict:
    """A withdrawal the exchange asks ``/transactions/check/`` about before paying out."""
    return {
        "external_id": f"chk-{customer_record.external_id}-{next(_serial)}",
        "customer": customer_record.external_id,
        "kind": "withdrawal",
        "channel": "bank",
        "asset": "PKR",
        "amount": "5000.00",
        "amount_pkr": "5000.00",
        "occurred_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
    }
