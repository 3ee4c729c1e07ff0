"""Poison isolation for onboarding assessments (``core.dead_letters`` applied to onboarding).

An assessment that raises (a profile no step expected) would be enqueued again by the sweeper
every ten minutes, forever. It is recorded as a dead letter instead; the sweeper leaves it out
until an officer retries it.
"""

from __future__ import annotations

from compliance.onboarding import services
from compliance.onboarding.models import OnboardingAssessment
from core import dead_letters

KIND = "onboarding.customer"


def assess_isolating(customer_id: str) -> OnboardingAssessment | None:
    outcome = dead_letters.run_isolating(
        KIND, [str(customer_id)], lambda part: services.assess_customer(part[0])
    )
    return outcome.results[0] if outcome.results else None


def _retry(customer_ids: list[str]) -> None:
    for customer_id in customer_ids:
        assess_isolating(customer_id)


def set_aside() -> list[str]:
    return dead_letters.open_item_ids(KIND)


dead_letters.register(KIND, retry=_retry)
