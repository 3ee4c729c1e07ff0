"""Travel Addresses we hand out so counterparties can send us their customers' data."""

from __future__ import annotations

import secrets

from compliance.travel_rule import conf
from compliance.travel_rule.models import TravelAddress
from compliance.travel_rule.protocols import travel_address
from core import audit
from core.actors import Actor
from kyc.models import Customer


def inquiry_url(token: str) -> str:
    return f"{conf.base_url()}/trp/inquiry/{token}/"


def issue_travel_address(
    *, customer: Customer, wallet_address: str, actor: Actor
) -> tuple[str, str]:
    """(travel address, its URL) for a customer's deposit wallet; one per wallet, reused."""
    row = TravelAddress.objects.filter(customer=customer, wallet_address=wallet_address).first()
    if row is None:
        row = TravelAddress.objects.create(
            customer=customer, wallet_address=wallet_address, token=secrets.token_urlsafe(18)
        )
        audit.record(
            actor=actor,
            action="travel_rule.address_issued",
            obj=row,
            after={"wallet": wallet_address},
        )
    url = inquiry_url(row.token)
    return travel_address.encode(url), url
