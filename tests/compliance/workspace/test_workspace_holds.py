"""The customer 360 shows the holds of the customer's pre-transaction checks and their fates."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from compliance.monitoring import services
from core.actors import Actor
from kyc.models import Customer, Tier

pytestmark = pytest.mark.django_db
EXCHANGE = Actor.automated("exchange")


def checked(customer: Customer, ref: str, amount: str) -> dict:
    body = {
        "external_id": ref,
        "customer": customer.external_id,
        "kind": "withdrawal",
        "channel": "bank",
        "asset": "PKR",
        "amount": amount,
        "amount_pkr": amount,
    }
    outcome = services.check_transaction(body=body, actor=EXCHANGE)
    assert outcome.decision == "allow" and outcome.hold
    return {**body, "occurred_at": timezone.now().isoformat(), "id": outcome.id}


def test_the_customer_360_lists_holds_with_their_fates(officer_client, settings):
    settings.MONITORING_CHECK_BUDGET_MS = 5000
    customer = Customer.objects.create(
        external_id="WS-HOLDS-1",
        full_name="Hold Customer",
        status=Customer.Status.APPROVED,
        tier=Tier.objects.get(code="enhanced"),
        expected_monthly_turnover_pkr=Decimal("5000000.00"),
        approved_at=timezone.now(),
    )
    checked(customer, "WS-H-1", "11111.00")
    released = checked(customer, "WS-H-2", "22222.00")
    services.release_hold(ref=released["id"], actor=EXCHANGE)
    posted = checked(customer, "WS-H-3", "33333.00")
    services.ingest_transaction(
        body={k: v for k, v in posted.items() if k != "id"} | {"amount_pkr": "30000.00",
                                                                "amount": "30000.00"},
        actor=EXCHANGE,
    )  # fmt: skip

    page = officer_client("MLRO").get(reverse("workspace:customer-360", args=[customer.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    holds = html[html.index('id="holds"') : html.index('id="alerts"')]
    assert holds.count("<tr>") == 4  # the header and three holds
    for ref, amount, fate in (
        ("WS-H-1", "11,111.00", "Held"),
        ("WS-H-2", "22,222.00", "Released"),
        ("WS-H-3", "33,333.00", "Posted"),
    ):
        row = holds[holds.index(ref) :].split("</tr>")[0]
        assert amount in row and fate in row, row
    assert "30,000.00" in holds  # what was posted in the end
