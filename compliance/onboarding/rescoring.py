"""Re-scoring customers after the risk model changes (a weight, a points map, a FATF list).

``rescore_all`` is the bulk path: customers are read in keyset-paginated batches, everything a
batch needs is loaded in a fixed number of queries, scores are computed in Python and written
back with one UPDATE per batch. A customer whose *level* changes gets what kyc's ``set_risk``
gives one customer - an audit event, a rescheduled ``next_review_due`` and an open risk-change
review - but written in bulk. Score-only changes are covered by one summary audit event that
records the model used (the scores are reproducible from it).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from compliance.onboarding import risk
from compliance.onboarding.config import load_risk_model
from compliance.onboarding.profiles import profiles_for_batch
from core import audit
from core.actors import Actor
from kyc import services as kyc
from kyc.models import Customer, PeriodicReview, ReviewPolicy
from kyc.reviews import DEFAULT_REVIEW_MONTHS, REVIEWABLE_STATUSES, add_months

SYSTEM = Actor.automated("compliance.rescoring")
# kyc.services.RISK_CHANGE_REVIEW_DAYS: an officer looks at a changed level within a month.
RISK_CHANGE_REVIEW_DAYS = getattr(kyc, "RISK_CHANGE_REVIEW_DAYS", 30)
# What scoring and the audit's object label read; nothing else is loaded.
_FIELDS = (
    "id", "external_id", "customer_type", "status", "risk_level", "risk_score",
    "next_review_due", "full_name", "legal_name", "nationality", "country_of_residence",
    "is_pep_declared", "occupation", "source_of_funds", "expected_monthly_turnover_pkr",
    "purpose_of_account", "entity_type", "business_activity", "country_of_incorporation",
    "registered_address",
)  # fmt: skip


@dataclass(slots=True)
class CustomerRow:
    """What re-scoring reads of a customer: plain values, no model instance to build."""

    id: Any
    external_id: str
    customer_type: str
    status: str
    risk_level: str | None
    risk_score: Any
    next_review_due: Any
    full_name: str
    legal_name: str
    nationality: str
    country_of_residence: str
    is_pep_declared: bool
    occupation: str
    source_of_funds: str
    expected_monthly_turnover_pkr: Any
    purpose_of_account: str
    entity_type: str
    business_activity: str
    country_of_incorporation: str
    registered_address: dict

    @property
    def pk(self) -> Any:
        return self.id

    def as_customer(self) -> Customer:
        """An unsaved Customer carrying the identity the audit trail labels events with."""
        return Customer(
            id=self.id, external_id=self.external_id, customer_type=self.customer_type,
            full_name=self.full_name, legal_name=self.legal_name,
        )  # fmt: skip


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


def _review_months() -> dict[str, int]:
    months = {str(k): v for k, v in DEFAULT_REVIEW_MONTHS.items()}
    months.update({p.risk_level: p.review_months for p in ReviewPolicy.objects.all()})
    return months


def _bulk_update_risk(rows: list[Any], now) -> None:
    """One UPDATE ... FROM unnest(arrays) for the batch: four parameters whatever its size
    (Django's bulk_update builds a CASE per column, several times slower at this size)."""
    if not rows:
        return
    if connection.vendor != "postgresql":  # the SQLite demo: few rows, the ORM will do
        Customer.objects.bulk_update(
            [
                Customer(id=r.id, risk_score=r.risk_score, risk_level=r.risk_level,
                         next_review_due=r.next_review_due, risk_scored_at=now, updated_at=now)
                for r in rows
            ],
            ["risk_score", "risk_level", "next_review_due", "risk_scored_at", "updated_at"],
        )  # fmt: skip
        return
    sql = (
        f"UPDATE {Customer._meta.db_table} AS c SET risk_score = v.score, "  # noqa: S608
        "risk_level = v.level, next_review_due = v.due, risk_scored_at = %s, updated_at = %s "
        "FROM unnest(%s::uuid[], %s::numeric[], %s::text[], %s::date[]) AS v(id, score, level, due)"
        " WHERE c.id = v.id"
    )
    params = [
        now,
        now,
        [r.id for r in rows],
        [r.risk_score for r in rows],
        [r.risk_level for r in rows],
        [r.next_review_due for r in rows],
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def rescore_all(*, batch_size: int = 2000, actor: Actor | None = None) -> RescoreReport:
    """Re-score every customer in the review cycle with the current risk model."""
    actor = actor or SYSTEM
    started = time.monotonic()
    model = load_risk_model()
    months = _review_months()
    today, now = timezone.localdate(), timezone.now()
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
        changed, entries, reviews = [], [], []
        for customer in batch:
            result = risk.score(profiles[customer.pk], model)
            report.scored += 1
            if result.score == customer.risk_score and result.level == customer.risk_level:
                continue
            previous_level, previous_score = customer.risk_level, customer.risk_score
            customer.risk_score, customer.risk_level = result.score, result.level
            changed.append(customer)
            if previous_level == result.level:
                continue
            key = f"{previous_level}->{result.level}"
            report.transitions[key] = report.transitions.get(key, 0) + 1
            due = months.get(result.level)
            customer.next_review_due = add_months(today, due) if due else None
            detail = f"Risk level changed from {previous_level} to {result.level} (re-scoring)."
            entries.append(
                audit.Entry(
                    actor=actor,
                    action="customer.risk_rescored",
                    obj=customer.as_customer(),
                    before={"risk_level": previous_level, "risk_score": previous_score},
                    after={
                        "risk_level": result.level,
                        "risk_score": result.score,
                        "next_review_due": customer.next_review_due,
                    },
                    reason=result.reasons_for_level(),
                )
            )
            reviews.append(
                PeriodicReview(
                    customer_id=customer.pk,
                    trigger=PeriodicReview.Trigger.RISK_CHANGE,
                    due_date=today + timedelta(days=RISK_CHANGE_REVIEW_DAYS),
                    detail=detail,
                )
            )
        with transaction.atomic():
            _bulk_update_risk(changed, now)
            # One open review per customer and trigger (kyc's constraint): keep an open one.
            created = PeriodicReview.objects.bulk_create(reviews, ignore_conflicts=True)
            audit.record_many(entries)
        report.score_changed += len(changed)
        report.level_changed += len(entries)
        report.reviews_opened += len(created)
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
