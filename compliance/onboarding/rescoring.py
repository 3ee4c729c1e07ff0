"""Re-scoring customers after the risk model changes (a weight, a points map, a FATF list).

``rescore_all`` is the bulk path: customers are read in keyset-paginated batches, everything a
batch needs is loaded in a fixed number of queries, scores are computed in Python and each
batch's changes go to kyc's ``set_risk_many`` - the same rules as ``set_risk`` for one
customer (an audit event, a rescheduled ``next_review_due`` and an open risk-change review when
a level moves), in a fixed number of queries per batch. Score-only changes are covered by one
summary audit event that records the model used (the scores are reproducible from it).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from compliance.onboarding import risk
from compliance.onboarding.config import load_risk_model
from compliance.onboarding.profiles import profiles_for_batch
from core import audit
from core.actors import Actor
from kyc import services as kyc
from kyc.models import Customer
from kyc.reviews import REVIEWABLE_STATUSES

SYSTEM = Actor.automated("compliance.rescoring")
# What scoring reads; nothing else is loaded (kyc reads what it needs when it locks the rows).
_FIELDS = (
    "id", "customer_type", "risk_level", "risk_score", "nationality", "country_of_residence",
    "is_pep_declared", "occupation", "source_of_funds", "expected_monthly_turnover_pkr",
    "purpose_of_account", "entity_type", "business_activity", "country_of_incorporation",
    "registered_address",
)  # fmt: skip


@dataclass(slots=True)
class CustomerRow:
    """What re-scoring reads of a customer: plain values, no model instance to build."""

    id: Any
    customer_type: str
    risk_level: str | None
    risk_score: Decimal | None
    nationality: str
    country_of_residence: str
    is_pep_declared: bool
    occupation: str
    source_of_funds: str
    expected_monthly_turnover_pkr: Decimal | None
    purpose_of_account: str
    entity_type: str
    business_activity: str
    country_of_incorporation: str
    registered_address: dict

    @property
    def pk(self) -> Any:
        return self.id


@dataclass
class RescoreReport:
    scored: int = 0
    score_changed: int = 0
    level_changed: int = 0
    reviews_opened: int = 0
    seconds: float = 0.0
    transitions: dict[str, int] = field(default_factory=dict)  # "low->medium": n

    @property
    def per_second(self) -> float:
        return self.scored / self.seconds if self.seconds else 0.0


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """A batch allocates a few hundred thousand short-lived objects that hold no reference
    cycles (rows, profiles, contributions, Decimals): reference counting frees them. While
    they are alive Python's cyclic collector would still walk the whole heap, again and
    again - 10 to 20 % of a re-scoring run - so it is paused for the run."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def rescore_all(*, batch_size: int = 2000, actor: Actor | None = None) -> RescoreReport:
    """Re-score every customer in the review cycle with the current risk model."""
    with _cyclic_gc_paused():
        return _rescore_all(batch_size=batch_size, actor=actor or SYSTEM)


def _rescore_all(*, batch_size: int, actor: Actor) -> RescoreReport:
    started = time.monotonic()
    model = load_risk_model()
    report = RescoreReport()
    base = (
        Customer.objects.filter(status__in=REVIEWABLE_STATUSES, risk_level__isnull=False)
        .order_by("pk")
        .values_list(*_FIELDS)
    )
    last_pk = None
    while True:
        page = base.filter(pk__gt=last_pk) if last_pk is not None else base
        batch = [CustomerRow(*values) for values in page[:batch_size]]
        if not batch:
            break
        last_pk = batch[-1].pk
        profiles = profiles_for_batch(batch)
        changes = []
        for customer in batch:
            result = risk.score(profiles[customer.pk], model)
            if result.score == customer.risk_score and result.level == customer.risk_level:
                continue
            # Only a level change is audited one by one, so only it needs the words.
            reason = (
                ""
                if result.level == customer.risk_level
                else "re-scoring after a risk model change: " + result.reasons_for_level()
            )
            changes.append(kyc.RiskChange(customer.pk, result.level, result.score, reason))
        report.scored += len(batch)
        update = kyc.set_risk_many(changes=changes, actor=actor, audit_score_only_changes=False)
        report.score_changed += update.updated
        report.level_changed += update.level_changed
        report.reviews_opened += update.reviews_opened
        for key, n in update.transitions.items():
            report.transitions[key] = report.transitions.get(key, 0) + n
    report.seconds = time.monotonic() - started
    audit.record(
        actor=actor,
        action="risk_model.rescored",
        after={
            "scored": report.scored,
            "score_changed": report.score_changed,
            "level_changed": report.level_changed,
            "transitions": report.transitions,
            "model": {
                "factors": {f.code: str(f.weight) for f in model.factors},
                "bands": {b.level: str(b.min_score) for b in model.bands},
                "countries": len(model.countries),
            },
        },
    )
    return report


def rescore_customer(customer_id: Any, *, actor: Actor | None = None) -> Customer | None:
    """Re-score one customer in the review cycle (after a profile change) through kyc's
    ``set_risk``, which opens a risk-change review when the level moves."""
    actor = actor or SYSTEM
    customer = (
        Customer.objects.filter(pk=customer_id, status__in=REVIEWABLE_STATUSES)
        .exclude(risk_level__isnull=True)
        .first()
    )
    if customer is None:
        return None
    profile = profiles_for_batch([customer])[customer.pk]
    result = risk.score(profile, load_risk_model())
    if result.score == customer.risk_score and result.level == customer.risk_level:
        return customer
    return kyc.set_risk(
        customer=customer, actor=actor, level=result.level, score=result.score,
        reason="profile changed: " + result.reasons_for_level(),
        details={"contributions": result.explanation()},
    )  # fmt: skip
