"""The risk level and score compliance computed: for one customer (``set_risk``) or many at
once (``set_risk_many``, a re-scoring run). Both go through the same code, so a customer gets
the same result whichever path scored them:

- the level must be one of kyc's levels; the score is kept to two places;
- the change is audited (``customer.risk_set``, before and after) with its reason, in one
  event per customer that also names the new ``next_review_due`` and the review it opened;
- a customer in the review cycle whose *level* moved gets ``next_review_due`` rescheduled from
  today by the new level (``ReviewPolicy``) and a risk-change review, due within
  ``RISK_CHANGE_REVIEW_DAYS``, unless one is already open (then that one stands);
- a customer in the review cycle without a ``next_review_due`` gets one;
- a first scoring (no previous level) opens no review.

The bulk path reads, locks and writes a whole batch in a fixed number of queries, whatever its
size; it is the one a caller uses for more than a handful of customers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import BooleanField, Model, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from core import audit
from core.actors import Actor
from core.errors import ValidationFailed
from kyc.models import Customer, PeriodicReview, RiskLevel
from kyc.reviews import REVIEWABLE_STATUSES, add_months, review_months_by_level
from kyc.services.locks import copy_state

RISK_CHANGE_REVIEW_DAYS = 30  # an officer looks at a changed risk level within a month
SCORE_PLACES = Decimal("0.01")
# What deciding a change reads of each customer, and what labels its audit event.
_LOCKED_FIELDS = (
    "id", "status", "risk_level", "risk_score", "next_review_due",
    "external_id", "customer_type", "full_name", "legal_name",
)  # fmt: skip
_LABEL_FIELDS = ("id", "external_id", "customer_type", "full_name", "legal_name")


@dataclass(frozen=True, slots=True)
class RiskChange:
    """One customer's new risk as compliance computed it, and why."""

    customer_id: Any
    level: str
    score: Decimal | int | str
    reason: str = ""
    details: Mapping[str, Any] | None = None  # added to the audit event's ``after``


@dataclass
class RiskUpdate:
    """What ``set_risk_many`` did."""

    updated: int = 0
    level_changed: int = 0  # a previous level moved (first scorings not counted)
    reviews_opened: int = 0
    transitions: dict[str, int] = field(default_factory=dict)  # "low->medium": n


class _Locked(NamedTuple):
    """A customer's row as locked for the change (a tuple: thousands are built per batch)."""

    id: Any
    status: str
    risk_level: str | None
    risk_score: Decimal | None
    next_review_due: date | None
    external_id: str
    customer_type: str
    full_name: str
    legal_name: str

    def label(self) -> Customer:
        """A Customer carrying only what the audit trail labels the event with (built the way
        the ORM builds a partly loaded row: a third of the cost of ``Customer(**fields)``)."""
        values = (self.id, self.external_id, self.customer_type, self.full_name, self.legal_name)
        return Customer.from_db(None, _LABEL_FIELDS, values)


class _Planned(NamedTuple):
    """The new state of one customer and whether a risk-change review is due."""

    level: str
    score: Decimal
    next_review_due: date | None
    level_moved: bool
    open_review: bool


def plan_change(
    *,
    status: str,
    previous_level: str | None,
    next_review_due: date | None,
    level: str,
    score: Decimal | int | str,
    today: date,
    months: Mapping[str, int],
) -> _Planned:
    """The rules above for one customer, without the database. ``months`` is the review
    frequency per level (``kyc.reviews.review_months_by_level``)."""
    in_cycle = status in REVIEWABLE_STATUSES
    moved = previous_level is not None and previous_level != level
    due = next_review_due
    if in_cycle and (moved or due is None):
        frequency = months.get(level)
        due = add_months(today, frequency) if frequency else None
    return _Planned(
        level=level,
        score=(score if isinstance(score, Decimal) else Decimal(str(score))).quantize(SCORE_PLACES),
        next_review_due=due,
        level_moved=moved,
        open_review=in_cycle and moved,
    )


def _validate(changes: Sequence[RiskChange]) -> None:
    unknown = sorted({c.level for c in changes if c.level not in RiskLevel.values}, key=str)
    if unknown:
        raise ValidationFailed(
            {"risk_level": [f"Unknown risk level {level!r}." for level in unknown]}
        )
    ids = [c.customer_id for c in changes]
    if len(set(ids)) != len(ids):
        raise ValueError("a customer appears more than once in one risk update")


def _among(model: type[Model], field: str, ids: list) -> Q | RawSQL:
    """``field`` (a UUID column) is one of ``ids``. PostgreSQL: ``= ANY(array)``, one parameter
    however many ids, and no join for the planner to get wrong (with a table's statistics not
    yet updated after a bulk insert, ``IN (SELECT unnest(...))`` can become a nested loop)."""
    # Names from the model's own metadata; the ids travel as a parameter.
    column = f'"{model._meta.db_table}"."{model._meta.get_field(field).column}"'
    return RawSQL(f"{column} = ANY(%s::uuid[])", (ids,), BooleanField())  # noqa: S611


def _lock(ids: list) -> dict[Any, _Locked]:
    rows = (
        Customer.objects.select_for_update(of=("self",))
        .filter(_among(Customer, "id", ids))
        .order_by("pk")  # one lock order for every writer: no deadlock between batches
        .values_list(*_LOCKED_FIELDS)
    )
    locked = {row[0]: _Locked._make(row) for row in rows}
    missing = [i for i in ids if i not in locked]
    if missing:
        raise Customer.DoesNotExist(f"no customer {missing[0]}")
    return locked


def _write(rows: list[tuple[Any, _Planned]], now) -> None:
    """One UPDATE for the batch: an UPDATE ... FROM unnest(arrays), four array
    parameters whatever the size (Django's bulk_update builds a CASE per column, several times
    slower for thousands of rows)."""
    sql = (
        f"UPDATE {Customer._meta.db_table} AS c SET risk_score = v.score, "  # noqa: S608
        "risk_level = v.level, next_review_due = v.due, risk_scored_at = %s, updated_at = %s "
        "FROM unnest(%s::uuid[], %s::numeric[], %s::text[], %s::date[]) AS v(id, score, level, due)"
        " WHERE c.id = v.id"
    )
    params = [
        now,
        now,
        [pk for pk, _ in rows],
        [p.score for _, p in rows],
        [p.level for _, p in rows],
        [p.next_review_due for _, p in rows],
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _open_reviews(reviews: list[PeriodicReview]) -> dict[Any, PeriodicReview]:
    """Insert the risk-change reviews; a customer's review already open stands (one open per
    customer and trigger, kept by the constraint). Returns the reviews really opened, by
    customer id: their ids were made here, so the rows found under them are the ones inserted."""
    if not reviews:
        return {}
    PeriodicReview.objects.bulk_create(reviews, ignore_conflicts=True)
    inserted = set(
        PeriodicReview.objects.filter(_among(PeriodicReview, "id", [r.pk for r in reviews]))
        .order_by()
        .values_list("pk", flat=True)
    )
    return {r.customer_id: r for r in reviews if r.pk in inserted}


@transaction.atomic
def set_risk_many(
    *, changes: Sequence[RiskChange], actor: Actor, audit_score_only_changes: bool = True
) -> RiskUpdate:
    """Record many customers' risk levels and scores with ``set_risk``'s rules (module doc).

    A fixed number of queries whatever ``len(changes)``: one locking read, one UPDATE, two for
    the risk-change reviews, one audit append. Each customer gets one ``customer.risk_set``
    event: level and score before and after, ``next_review_due`` when it moved, and the
    risk-change review it opened (``review_opened``), so re-scoring 100,000 customers appends
    100,000 events, not twice that. ``audit_score_only_changes=False`` is for a re-scoring run
    that records one summary event naming the risk model (each score is reproducible from it):
    a customer whose level and review date did not move then gets no event of its own.
    """
    result = RiskUpdate()
    if not changes:
        return result
    _validate(changes)
    locked = _lock([c.customer_id for c in changes])
    today, now = timezone.localdate(), timezone.now()
    months = review_months_by_level()
    review_due = today + timedelta(days=RISK_CHANGE_REVIEW_DAYS)
    planned: list[tuple[Any, _Planned]] = []
    reviews: list[PeriodicReview] = []
    for change in changes:
        row = locked[change.customer_id]
        plan = plan_change(
            status=row.status, previous_level=row.risk_level, next_review_due=row.next_review_due,
            level=change.level, score=change.score, today=today, months=months,
        )  # fmt: skip
        planned.append((row.id, plan))
        if plan.level_moved:
            result.level_changed += 1
            key = f"{row.risk_level}->{plan.level}"
            result.transitions[key] = result.transitions.get(key, 0) + 1
        if plan.open_review:
            detail = f"Risk level changed from {row.risk_level} to {plan.level}. {change.reason}"
            reviews.append(
                PeriodicReview(
                    customer_id=row.id, trigger=PeriodicReview.Trigger.RISK_CHANGE,
                    due_date=review_due, detail=detail.strip(),
                )
            )  # fmt: skip
    _write(planned, now)
    opened = _open_reviews(reviews)
    entries = []
    for change, (pk, plan) in zip(changes, planned, strict=True):
        row = locked[pk]
        rescheduled = plan.next_review_due != row.next_review_due
        score_only = not plan.level_moved and row.risk_level is not None and not rescheduled
        if score_only and not audit_score_only_changes:
            continue
        before: dict[str, Any] = {"risk_level": row.risk_level, "risk_score": row.risk_score}
        after: dict[str, Any] = {"risk_level": plan.level, "risk_score": plan.score}
        if rescheduled:
            before["next_review_due"] = row.next_review_due
            after["next_review_due"] = plan.next_review_due
        review = opened.get(pk)
        if review is not None:
            after["review_opened"] = str(review.pk)  # due RISK_CHANGE_REVIEW_DAYS from today
        entries.append(
            audit.Entry(
                actor=actor, action="customer.risk_set", obj=row.label(), before=before,
                after={**after, **(change.details or {})}, reason=change.reason,
            )
        )  # fmt: skip
    audit.record_many(entries)
    result.updated = len(planned)
    result.reviews_opened = len(opened)
    return result


@transaction.atomic
def set_risk(
    *,
    customer: Customer,
    actor: Actor,
    level: str,
    score: Decimal | int | str,
    reason: str = "",
    details: Mapping[str, Any] | None = None,
) -> Customer:
    """Record the risk level and score compliance computed for one customer (module doc for
    the rules; ``set_risk_many`` does the work). ``customer`` is refreshed from the row."""
    change = RiskChange(customer.pk, level, score, reason, details)
    set_risk_many(changes=[change], actor=actor)
    copy_state(Customer.objects.select_related("tier").get(pk=customer.pk), customer)
    return customer
