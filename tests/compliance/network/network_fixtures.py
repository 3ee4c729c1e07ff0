"""Customers, identifiers and payments for the network tests (import the names you need)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from compliance.monitoring import services as monitoring
from core.actors import Actor
from kyc.models import Customer

_serial = itertools.count(1)
ACTOR = Actor.automated("tests")
T0 = datetime(2026, 10, 13, 5, 0, tzinfo=UTC)
COLLECTOR_WALLET = "TXcollector1111111111111111111111"


def customer(**fields) -> Customer:
    n = next(_serial)
    return Customer.objects.create(
        external_id=fields.pop("external_id", f"NET-C-{n}"),
        full_name=fields.pop("full_name", f"Network Customer {n}"),
        status=Customer.Status.APPROVED,
        country_of_residence="PK",
        nationality="PK",
        **fields,
    )


def payment(owner: Customer, at: datetime, *, wallet: str = COLLECTOR_WALLET, **extra) -> dict:
    n = next(_serial)
    body = {
        "external_id": f"NET-T-{n}",
        "customer": owner.external_id,
        "kind": "withdrawal",
        "channel": "crypto",
        "asset": "USDT",
        "amount": "100",
        "amount_pkr": "28000.00",
        "occurred_at": at.isoformat(),
        "counterparty": {"wallet_address": wallet, "chain": "tron"},
    }
    body.update(extra)
    return body


def ingest(body: dict) -> str:
    return monitoring.ingest_transaction(body=body, actor=ACTOR).id


def hours(n: float) -> timedelta:
    return timedelta(hours=n)
