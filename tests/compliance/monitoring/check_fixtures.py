"""A customer with PKR 900,000 used of a PKR 1,000,000 daily limit, and check bodies for it."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone
from monitoring_fixtures import ingest, make_customer, tx_body

from compliance.monitoring.typologies.base import KARACHI
from kyc.models import Customer, Tier

CHECK = "/api/v1/transactions/check/"


def release_url(ref: str) -> str:
    return f"{CHECK}{ref}/release/"


def a_million_a_day() -> Tier:
    tier = Tier.objects.filter(code="test-million-a-day").first()
    if tier is None:
        # An explicit key: after a transactional test restores the migrated rows, the id
        # sequence may lag behind the restored tiers.
        last = Tier.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        tier = Tier.objects.create(
            pk=last + 1,
            code="test-million-a-day",
            name="PKR 1M a day (tests)",
            rank=9,
            per_transaction_limit_pkr=Decimal("1000000.00"),
            daily_limit_pkr=Decimal("1000000.00"),
            monthly_limit_pkr=Decimal("5000000.00"),
        )
    return tier


def earlier_today(now: datetime) -> datetime:
    """A minute ago, but never before this Asia/Karachi day began."""
    day_start = now.astimezone(KARACHI).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(now - timedelta(minutes=1), day_start)


def nearly_spent_customer(used: str = "900000.00") -> Customer:
    """Approved, PKR 1,000,000 a day, ``used`` of it already posted today."""
    customer = make_customer(tier=a_million_a_day().code)
    if Decimal(used):
        ingest(
            tx_body(customer, kind="withdrawal", amount_pkr=used, at=earlier_today(timezone.now()))
        )
    return customer


def withdrawal(customer: Customer, amount_pkr: str = "60000.00", **overrides) -> dict:
    body = tx_body(customer, kind="withdrawal", amount_pkr=amount_pkr, at=timezone.now())
    del body["occurred_at"]  # "now", as the exchange asks just before moving the money
    body.update(overrides)
    return body
