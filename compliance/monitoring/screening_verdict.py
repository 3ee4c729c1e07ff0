"""What the customer's own screening hits say about a transaction check.

A customer with an undecided hit (open, or awaiting the second officer) may be the listed
person: the check answers ``review`` until an officer decides. A confirmed true match answers
``block``. The most serious standing hit is read in the same statement as the customer
(``selectors.locked_check_customer``), so the check's query budget does not grow.
"""

from __future__ import annotations

from typing import Any

from compliance.screening.models import ScreeningHit

SEVERITY = {"allow": 0, "review": 1, "block": 2}
STANDING = [*ScreeningHit.UNDECIDED, ScreeningHit.Status.TRUE_MATCH]


def verdict(hit: dict[str, Any] | None) -> tuple[str, list[dict[str, str]]]:
    """``("allow", [])`` when no hit stands in the way; else the answer and its reason."""
    if not hit:
        return "allow", []
    if hit["status"] == ScreeningHit.Status.TRUE_MATCH:
        decision, detail = "block", f"confirmed watchlist match: {hit['name']}"
    else:
        decision = "review"
        detail = f"undecided screening hit on the customer: {hit['name']} (score {hit['score']})"
    return decision, [{"typology": "CUSTOMER_SCREENING", "rule": "screening", "detail": detail}]


def combine(decision: str, reasons: list, hit: dict[str, Any] | None) -> tuple[str, list]:
    """The stricter of the rules' answer and the screening hits' answer."""
    hit_decision, hit_reasons = verdict(hit)
    if SEVERITY[hit_decision] > SEVERITY.get(decision, 0):
        return hit_decision, [*hit_reasons, *reasons]
    return decision, reasons + hit_reasons
