"""The customer network in a real browser: a mule ring sharing one device and paying one
wallet, drawn on a member's 360 page with each link's reason; a click on a node opens that
customer. Screenshot: var/e2e/network-view.png."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core import roles

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WALLET = "TXcollectorE2E111111111111111111111"


def _ring(eager, size: int = 6) -> list:
    from compliance.monitoring import services as monitoring
    from compliance.network import services as network
    from core.actors import Actor
    from kyc.models import Customer

    actor = Actor.automated("tests")
    start = datetime(2026, 10, 13, 5, 0, tzinfo=UTC)
    with eager():
        ring = [
            Customer.objects.create(
                external_id=f"RING-{i}",
                full_name=f"Ring Member {i}",
                status="approved",
                country_of_residence="PK",
                nationality="PK",
                onboarding_device_id="ring-phone-7",
            )
            for i in range(size)
        ]
        network.update_customers([c.pk for c in ring])
        stored = [
            monitoring.ingest_transaction(
                body={
                    "external_id": f"RING-T-{i}",
                    "customer": member.external_id,
                    "kind": "withdrawal",
                    "channel": "crypto",
                    "asset": "USDT",
                    "amount": "100",
                    "amount_pkr": "28000.00",
                    "occurred_at": (start + timedelta(hours=i)).isoformat(),
                    "counterparty": {"wallet_address": WALLET, "chain": "tron"},
                },
                actor=actor,
            ).id
            for i, member in enumerate(ring)
        ]
        network.update_transactions(stored)
    return ring


def test_an_analyst_reads_a_ring_on_the_360_page_and_walks_to_another_member(
    staff_user, new_page, log_in, eager, shot
):
    ring = _ring(eager)
    analyst = staff_user(roles.ANALYST)
    page = new_page()
    log_in(page, analyst.username)
    page.goto(f"/admin/workspace/customers/{ring[0].pk}/")
    page.wait_for_selector("#network svg")
    drawing = page.inner_html("#network")
    assert "same onboarding device since" in drawing
    for member in ring[1:]:
        assert f"/admin/workspace/customers/{member.pk}/" in drawing
    assert "Ring alerts naming this customer" in page.inner_text("#network")
    shot(page, "network-view")
    page.click(f"#network svg a[href$='/customers/{ring[1].pk}/']")
    page.wait_for_url(f"**/customers/{ring[1].pk}/")
    page.wait_for_selector("#network svg")
    assert "Ring Member 1" in page.inner_text("body")
