"""Customers and transaction bodies for the monitoring tests (import with ``*``)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from compliance.monitoring import services
from compliance.monitoring.models import Transaction
from core.actors import Actor
from kyc.models import Customer, Tier

_serial = itertools.count(1)
ACTOR = Actor.automated("tests")
# A fixed Tuesday morning (05:00 UTC = 10:00 Asia/Karachi), far from month and day edges.
T0 = datetime(2026, 10, 13, 5, 0, tzinfo=UTC)


def make_customer(
    *,
    status: str = Customer.Status.APPROVED,
    tier: str | None = "enhanced",
    turnover: str | None = "5000000.00",
    **fields,
) -> Customer:
    n = next(_serial)
    return Customer.objects.create(
        external_id=fields.pop("external_id", f"MON-C-{n}"),
        full_name=fields.pop("full_name", f"Monitoring Customer {n}"),
        status=status,
        tier=Tier.objects.get(code=tier) if tier else None,
        expected_monthly_turnover_pkr=Decimal(turnover) if turnover else None,
        approved_at=fields.pop("approved_at", T0 - timedelta(days=20)),
        country_of_residence="PK",
        nationality="PK",
        **fields,
    )


def tx_body(owner: Customer, /, **overrides) -> dict:
    """A valid ``POST /transactions/`` body; ``at`` (datetime) sets occurred_at."""
    n = next(_serial)
    at = overrides.pop("at", T0)
    body = {
        "external_id": f"MON-T-{n}",
        "customer": owner.external_id,
        "kind": "deposit",
        "channel": "bank",
        "asset": "PKR",
        "amount": "25000.00",
        "amount_pkr": "25000.00",
        "occurred_at": at.isoformat(),
        "counterparty": {"name": "Bilal Ahmed", "iban": f"PK36SCBL00000011234567{n:02d}"},
    }
    body.update(overrides)
    if "amount_pkr" in overrides and "amount" not in overrides and body["asset"] == "PKR":
        body["amount"] = overrides["amount_pkr"]
    return {k: v for k, v in body.items() if v is not None}


def cash_deposit(customer: Customer, amount_pkr: str, at: datetime) -> dict:
    return tx_body(
        customer, kind="deposit", channel="cash", amount_pkr=amount_pkr, at=at, counterparty=None
    )


def ingest(body: dict) -> str:
    return services.ingest_transaction(body=body, actor=ACTOR).id


def evaluate_pending() -> services.BatchOutcome:
    ids = list(
        Transaction.objects.filter(status=Transaction.Status.PENDING).values_list("id", flat=True)
    )
    return services.evaluate_batch(transaction_ids=ids)


@pytest.fixture
def customer(db) -> Customer:
    return make_customer()


@pytest.fixture
def no_broker(settings, monkeypatch):
    """Enqueueing fails as if the broker were down; nothing is evaluated on commit."""
    from compliance.monitoring import tasks

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(tasks.evaluate_batch, "apply_async", refuse)


@pytest.fixture
def list_wallets(tmp_path):
    """``list_wallets({"W-1": "0xabc..."})`` imports a house-format list naming these wallets.

    The screening index is per process; it is told to reload after the test rolls back.
    """
    from django.core.management import call_command

    from compliance.screening import index

    def load(wallets: dict[str, str]) -> None:
        path = tmp_path / "list.csv"
        lines = [
            "entry_id,list,kind,name,aliases,date_of_birth,nationality,id_numbers,"
            "wallet_addresses,program"
        ]
        lines += [
            f"{entry_id},OFAC,entity,Listed operator {entry_id},,,,,{address},OFAC-CYBER2"
            for entry_id, address in wallets.items()
        ]
        path.write_text("\n".join(lines) + "\n")
        call_command("import_watchlist", "--source", "csv", str(path), "--no-rescreen")

    yield load
    index.invalidate()
