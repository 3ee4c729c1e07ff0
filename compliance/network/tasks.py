"""Network tasks (queue ``network``). Thin: each calls one service."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from compliance.network import services

RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 2,
    "retry_backoff_max": 120,
    "max_retries": 8,
    "ignore_result": True,
}


@shared_task(name="compliance.network.update_customers", **RETRY)
def update_customers(customer_ids: list[str]) -> int:
    return services.update_customers(customer_ids).alerts_created


@shared_task(name="compliance.network.update_transactions", **RETRY)
def update_transactions(transaction_ids: list[str]) -> int:
    return services.update_transactions(transaction_ids).alerts_created


@shared_task(name="compliance.network.catch_up", ignore_result=True)
def catch_up() -> int:
    """Beat: add what a lost event left out (transactions and customers of the last hours)."""
    return services.catch_up()
