"""Periodic review: when a customer is next reviewed, and opening reviews when due or triggered.

Review frequency by risk level is data (``ReviewPolicy``: 12/24/36 months for high/medium/low by
default). ``open_due_reviews`` runs daily from beat (``kyc.open_due_reviews``) and may run any
number of times: at most one review per customer and trigger is open at a time.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from core import audit
from core.actors import Actor
from core.errors import InvalidTransition, ValidationFailed
from kyc.models import Customer, PeriodicReview, ReviewPolicy, RiskLevel

# Used only if the policy rows are missing (the data migration creates them).
DEFAULT_REVIEW_MONTHS = {RiskLevel.HIGH: 12, RiskLevel.MEDIUM: 24, RiskLevel.LOW: 36}
DEFAULT_ID_EXPIRY_NOTICE_DAYS = 30
# Reviews are for customers we do business with; drafts, rejected and closed are out of scope.
REVIEWABLE_STATUSES = (
    Customer.Status.APPROVED,
    Customer.Status.IN_REVIEW,
    Customer.Status.SUSPENDED,
    Customer.Status.FROZEN,
)


def add_months(start: date, months: int) -> date:
    """Calendar months later; the 31st lands on the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def review_months_by_level() -> dict[str, int]:
    """Months between reviews for each level that has them (one query): the policy rows over
    the defaults. A prohibited customer is not kept, so is never scheduled."""
    months = {str(level): n for level, n in DEFAULT_REVIEW_MONTHS.items()}
    months.update({p.risk_level: p.review_months for p in ReviewPolicy.objects.all()})
    months.pop(RiskLevel.PROHIBITED, None)
    return months


def review_months(risk_level: str | None) -> int | None:
    """Months between reviews for a risk level; None when unscored or prohibited."""
    if risk_level is None:
        return None
    return review_months_by_level().get(risk_level)


def next_review_date(risk_level: str | None, from_date: date) -> date | None:
    months = review_months(risk_level)
    return add_months(from_date, months) if months else None


@transaction.atomic
def schedule_next_review(
    *, customer: Customer, actor: Actor, from_date: date | None = None
) -> date | None:
    """Set ``next_review_due`` from the customer's risk level (12/24/36 months by default)."""
    start = from_date or timezone.localdate()
    before = customer.next_review_due
    customer.next_review_due = next_review_date(customer.risk_level, start)
    if customer.next_review_due != before:
        customer.save(update_fields=["next_review_due", "updated_at"])
        audit.record(
            actor=actor,
            action="customer.review_scheduled",
            obj=customer,
            before={"next_review_due": before},
            after={"next_review_due": customer.next_review_due, "risk_level": customer.risk_level},
        )
    return customer.next_review_due


def open_review(
    *, customer: Customer, trigger: str, due_date: date, actor: Actor, detail: str = ""
) -> PeriodicReview:
    """Open a review for ``trigger`` unless one is already open (then return that one)."""
    review, _ = _open_review(
        customer=customer, trigger=trigger, due_date=due_date, actor=actor, detail=detail
    )
    return review


def _open_review(
    *, customer: Customer, trigger: str, due_date: date, actor: Actor, detail: str
) -> tuple[PeriodicReview, bool]:
    existing = PeriodicReview.objects.filter(
        customer=customer, trigger=trigger, status=PeriodicReview.Status.OPEN
    ).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            review = PeriodicReview.objects.create(
                customer=customer, trigger=trigger, due_date=due_date, detail=detail
            )
            audit.record(
                actor=actor,
                action="review.opened",
                obj=review,
                after={"customer": str(customer.pk), "trigger": trigger, "due_date": due_date},
                reason=detail,
            )
    except IntegrityError:  # opened concurrently: the constraint keeps one
        review = PeriodicReview.objects.get(
            customer=customer, trigger=trigger, status=PeriodicReview.Status.OPEN
        )
        return review, False
    return review, True


@transaction.atomic
def complete_review(*, review: PeriodicReview, actor: Actor, outcome: str) -> PeriodicReview:
    """Close a review with its outcome; a scheduled review sets the next due date."""
    if review.status != PeriodicReview.Status.OPEN:
        raise InvalidTransition(f"review is {review.status}, not open")
    if not outcome.strip():
        raise ValidationFailed({"outcome": ["Record the review's outcome."]})
    review.status = PeriodicReview.Status.COMPLETED
    review.completed_at = timezone.now()
    review.completed_by = actor.user
    review.outcome = outcome
    review.save()
    audit.record(actor=actor, action="review.completed", obj=review, reason=outcome)
    if review.trigger in (PeriodicReview.Trigger.SCHEDULED, PeriodicReview.Trigger.RISK_CHANGE):
        schedule_next_review(customer=review.customer, actor=actor)
    return review


def _without_open(trigger: str):
    return ~Exists(
        PeriodicReview.objects.filter(
            customer=OuterRef("pk"), trigger=trigger, status=PeriodicReview.Status.OPEN
        )
    )


def open_due_reviews(*, today: date | None = None, actor: Actor | None = None) -> int:
    """Open scheduled reviews that are due and ID-expiry reviews within the notice period.

    Returns how many reviews were opened. Safe to run repeatedly and concurrently.
    """
    today = today or timezone.localdate()
    actor = actor or Actor.automated("kyc.reviews")
    opened = 0
    due = Customer.objects.filter(
        status__in=REVIEWABLE_STATUSES, next_review_due__lte=today
    ).filter(_without_open(PeriodicReview.Trigger.SCHEDULED))
    for customer in due.iterator(chunk_size=500):
        _, created = _open_review(
            customer=customer,
            trigger=PeriodicReview.Trigger.SCHEDULED,
            due_date=customer.next_review_due,
            actor=actor,
            detail=f"Periodic review due {customer.next_review_due:%Y-%m-%d} "
            f"({customer.get_risk_level_display() or 'unscored'} risk).",
        )
        opened += created
    notice = {p.risk_level: p.id_expiry_notice_days for p in ReviewPolicy.objects.all()}
    horizon = today + timedelta(days=max([DEFAULT_ID_EXPIRY_NOTICE_DAYS, *notice.values()]))
    expiring = Customer.objects.filter(
        status__in=REVIEWABLE_STATUSES,
        id_expiry_date__isnull=False,
        id_expiry_date__lte=horizon,
    ).filter(_without_open(PeriodicReview.Trigger.ID_EXPIRY))
    for customer in expiring.iterator(chunk_size=500):
        days = notice.get(customer.risk_level or "", DEFAULT_ID_EXPIRY_NOTICE_DAYS)
        if customer.id_expiry_date > today + timedelta(days=days):
            continue
        _, created = _open_review(
            customer=customer,
            trigger=PeriodicReview.Trigger.ID_EXPIRY,
            due_date=customer.id_expiry_date,
            actor=actor,
            detail=f"ID document expires {customer.id_expiry_date:%Y-%m-%d}: collect the renewed "
            "document.",
        )
        opened += created
    return opened
