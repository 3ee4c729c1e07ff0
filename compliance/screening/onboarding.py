"""The screening step of the onboarding assessment (compliance.onboarding.screening_step
delegates here): screen the submitted customer, an entity's owners and the declared wallets,
store each potential match as an open hit, and report every undecided one.

Any undecided hit sends the customer to ``in_review``. A confirmed true match has already
frozen the customer and queued its report (``confirm_true_match``); it is reported here too so
the assessment never approves such a customer.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from compliance.onboarding.screening_step import ScreeningHitSummary, ScreeningOutcome
from compliance.screening import selectors
from compliance.screening.models import ScreeningHit
from compliance.screening.services import screen_customer

logger = logging.getLogger(__name__)


def _summary(hit: ScreeningHit) -> ScreeningHitSummary:
    return ScreeningHitSummary(
        list_name=hit.entry.list_code,
        entry_id=hit.entry.entry_id,
        matched_name=hit.matched_name,
        score=float(hit.score),
        is_pep=hit.entry.watchlist.is_pep,
        hit_id=str(hit.pk),
    )


def screen_at_onboarding(customer: Any) -> ScreeningOutcome:
    """Screen ``customer`` now; the outcome lists its undecided (and confirmed) hits."""
    try:
        with transaction.atomic():
            new = screen_customer(customer=customer, origin=ScreeningHit.Origin.ONBOARDING)
    except Exception as error:  # whatever failed, never approve an unscreened customer
        # The customer is then held for an officer (screened=False).
        logger.exception("onboarding screening of %s failed", customer.pk)
        return ScreeningOutcome(screened=False, detail=f"screening failed: {error}")
    undecided = list(selectors.undecided_hits(customer.pk))
    confirmed = list(selectors.confirmed_hits(customer.pk))
    hits = tuple(_summary(h) for h in [*confirmed, *undecided])
    if confirmed:
        detail = f"{len(confirmed)} confirmed true match(es); customer frozen and reported"
    elif hits:
        detail = f"{len(hits)} open screening hit(s), {len(new)} new"
    else:
        detail = "no watchlist hits"
    return ScreeningOutcome(hits=hits, detail=detail, confirmed_match=bool(confirmed))


def has_undecided_hits(customer: Any) -> bool:
    """Whether an officer still has to decide one of the customer's hits."""
    return ScreeningHit.objects.filter(
        customer_id=customer.pk, status__in=ScreeningHit.UNDECIDED
    ).exists()
