"""Transactions through the real intake (evaluated eagerly by the live rules)."""

from __future__ import annotations

import itertools
import uuid
from datetime import datetime

from compliance.monitoring import services
from core.actors import Actor

ACTOR = Actor.automated("tests")
_serial = itertools.count(1)


def cash(customer, amount_pkr: str, at: datetime, *, counterparty: dict | None = None) -> dict:
    body = {
        "external_id": f"RQ-T-{next(_serial)}-{uuid.uuid4().hex[:6]}",
        "customer": customer.external_id,
        "kind": "deposit",
        "channel": "cash",
        "asset": "PKR",
        "amount": amount_pkr,
        "amount_pkr": amount_pkr,
        "occurred_at": at.isoformat(),
    }
    if counterparty:
        body["counterparty"] = counterparty
    return body


def ingest_and_evaluate(*bodies: dict) -> list[str]:
    ids = [services.ingest_transaction(body=b, actor=ACTOR).id for b in bodies]
    services.evaluate_batch(transaction_ids=ids)
    return ids
