"""Network business actions: keeping the graph current, and running the network rules.

``update_customers`` / ``update_transactions`` record what was stored, then run the live
network rules around what changed. ``catch_up`` redoes the recent past (idempotent).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from compliance.monitoring.models import Transaction
from compliance.network.models import MoneyFlow
from compliance.network.services import graph, rules
from compliance.network.services.rules import RunOutcome
from kyc.models import Customer

CATCH_UP_WINDOW = timedelta(minutes=20)  # beat runs it every 10 minutes
CATCH_UP_BATCH = 1000


def update_customers(customer_ids: Sequence[Any]) -> RunOutcome:
    return rules.run(graph.record_customers(customer_ids))


def update_transactions(transaction_ids: Sequence[Any]) -> RunOutcome:
    return rules.run(graph.record_transactions(transaction_ids))


def catch_up(*, window: timedelta = CATCH_UP_WINDOW) -> int:
    """Record again the customers and transactions changed in the last ``window``: a lost
    signal or a broker outage delays the graph, never leaves it short. Returns rows seen."""
    since = timezone.now() - window
    seen = 0
    customers = list(Customer.objects.filter(updated_at__gte=since).values_list("id", flat=True))
    for start in range(0, len(customers), CATCH_UP_BATCH):
        update_customers(customers[start : start + CATCH_UP_BATCH])
    seen += len(customers)
    # A payment already has its flow row: only those without one (or with no counterparty,
    # whose device and IP links are cheap to redo) are taken again.
    txs = list(
        Transaction.objects.filter(created_at__gte=since)
        .exclude(Exists(MoneyFlow.objects.filter(transaction_id=OuterRef("pk"))))
        .filter(~Q(counterparty_key="") | ~Q(device_id="") | Q(ip_address__isnull=False))
        .values_list("id", flat=True)
    )
    for start in range(0, len(txs), CATCH_UP_BATCH):
        update_transactions(txs[start : start + CATCH_UP_BATCH])
    return seen + len(txs)
