"""Poison isolation for customer screening (``core.dead_letters`` applied to screening).

A customer whose screening raises (a name the matcher cannot take) is recorded as a dead
letter with its error instead of failing silently in the worker log; an officer's retry
screens the customer again.
"""

from __future__ import annotations

from compliance.screening import services
from compliance.screening.models import ScreeningHit
from core import dead_letters
from kyc.models import Customer

KIND = "screening.customer"


def screen_isolating(customer: Customer, origin: str = ScreeningHit.Origin.MANUAL) -> int:
    """How many hits the screening found; 0 when it was set aside."""
    outcome = dead_letters.run_isolating(
        KIND,
        [customer],
        lambda part: len(services.screen_customer(customer=part[0], origin=origin)),
        key=lambda c: str(c.pk),
    )
    return sum(outcome.results)


def _retry(customer_ids: list[str]) -> None:
    for customer in Customer.objects.filter(pk__in=customer_ids):
        screen_isolating(customer)


dead_letters.register(KIND, retry=_retry)
