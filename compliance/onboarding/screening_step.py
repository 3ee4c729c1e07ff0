"""The sanctions/PEP screening step of the onboarding assessment.

``screen_at_onboarding`` is where watchlist screening plugs into onboarding: it is called with
kyc's Customer after identity verification and before risk scoring, and answers with a
``ScreeningOutcome``. Until the screening engine is wired in it reports no hits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ScreeningHitSummary:
    """One open potential match, as the assessment records it."""

    list_name: str
    entry_id: str
    matched_name: str
    score: float
    is_pep: bool = False
    hit_id: str = ""  # the ScreeningHit's id, when the screening engine stores one


@dataclass(frozen=True)
class ScreeningOutcome:
    hits: tuple[ScreeningHitSummary, ...] = field(default_factory=tuple)
    screened: bool = True  # False when screening could not run (then the customer is reviewed)
    detail: str = ""
    # A hit already confirmed as a true match (four-eyes): the customer is rejected and reported.
    confirmed_match: bool = False

    @property
    def has_open_hits(self) -> bool:
        return bool(self.hits)

    @property
    def pep_found(self) -> bool:
        return any(h.is_pep for h in self.hits)

    def as_dict(self) -> dict[str, Any]:
        return {
            "screened": self.screened,
            "detail": self.detail,
            "confirmed_match": self.confirmed_match,
            "hits": [
                {
                    "list": h.list_name,
                    "entry_id": h.entry_id,
                    "matched_name": h.matched_name,
                    "score": h.score,
                    "is_pep": h.is_pep,
                    "hit_id": h.hit_id,
                }
                for h in self.hits
            ],
        }


NO_HITS = ScreeningOutcome(detail="no watchlist hits")


@dataclass(frozen=True)
class ScreeningEngine:
    """What the screening app provides to the assessment (registered by its app config, so
    onboarding never imports screening and screening imports only this module)."""

    screen: Callable[[Any], ScreeningOutcome]
    has_undecided_hits: Callable[[Any], bool]


_registered: list[ScreeningEngine] = []


def register_screening_engine(engine: ScreeningEngine) -> None:
    _registered[:] = [engine]


def _engine() -> ScreeningEngine:
    if not _registered:
        raise RuntimeError("no screening engine registered (is compliance.screening installed?)")
    return _registered[0]


def screen_at_onboarding(customer: Any) -> ScreeningOutcome:
    """Screen a submitted customer (and an entity's owners) against the watchlists.

    Contract for the screening engine: screen the customer's names, date of birth, nationality
    and ID number; store each potential match as an open ScreeningHit; return them here. Any
    hit sends the customer to ``in_review``; a PEP match makes the customer a PEP for scoring.
    """
    return _engine().screen(customer)


def has_open_hits(customer: Any) -> bool:
    """Whether the customer still has unresolved screening hits (an officer's approval waits
    for them to be marked true match or false positive). Filled by the screening engine."""
    return _engine().has_undecided_hits(customer)


OPEN_HITS_REFUSAL = "resolve the customer's open screening hits first"


def refuse_with_open_hits(customer: Any) -> str | None:
    """kyc's approval guard (registered at start-up): no approval, by any path - kyc's officer
    admin included - while a screening hit is undecided."""
    return OPEN_HITS_REFUSAL if has_open_hits(customer) else None
