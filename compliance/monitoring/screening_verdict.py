"""What the customer's own screening hits say about a transaction check.

A customer with an undecided hit (open, or awaiting the second officer) may be the listed
person: the check answers ``review`` until an officer decides. A confirmed true match answers
``block``. One indexed query (screening hits by customer and status).
"""

from __future__ import annotations

from compliance.screening.models import ScreeningHit

SEVERITY = {"allow": 0, "review": 1, "block": 2}


def verdict(customer_id) -> tuple[str, list[dict[str, str]]]:
    """``("allow", [])`` when no hit stands in the way; else the answer and its reasons."""
    hits = list(
        ScreeningHit.objects.filter(
            customer_id=customer_id,
            status__in=[*ScreeningHit.UNDECIDED, ScreeningHit.Status.TRUE_MATCH],
        ).values_list("status", "matched_name", "score")
    )
    if not hits:
        return "allow", []
    confirmed = [h for h in hits if h[0] == ScreeningHit.Status.TRUE_MATCH]
    decision = "block" if confirmed else "review"
    _, name, score = (confirmed or hits)[0]
    detail = (
        f"confirmed watchlist match: {name}"
        if confirmed
        else f"undecided screening hit on the customer: {name} (score {score})"
    )
    return decision, [{"typology": "CUSTOMER_SCREENING", "rule": "screening", "detail": detail}]


def combine(decision: str, reasons: list, customer_id) -> tuple[str, list]:
    """The stricter of the rules' answer and the screening hits' answer."""
    hit_decision, hit_reasons = verdict(customer_id)
    if SEVERITY[hit_decision] > SEVERITY.get(decision, 0):
        return hit_decision, [*hit_reasons, *reasons]
    return decision, reasons + hit_reasons
