"""Risk levels for one customer (set_risk) and many (set_risk_many): the same rules, one code
path, and a bulk update whose number of queries does not grow with the customers."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import audit
from core.errors import ValidationFailed
from kyc import reviews, services
from kyc.models import Customer, PeriodicReview
from kyc.services.risk import plan_change

MONTHS = {"low": 36, "medium": 24, "high": 12}
TODAY = date(2025, 1, 31)


# --- the rules, without the database ---------------------------------------------------------


def test_a_moved_level_reschedules_from_today_and_asks_for_a_review():
    plan = plan_change(
        status="approved", previous_level="low", next_review_due=date(2027, 5, 1),
        level="high", score=71, today=TODAY, months=MONTHS,
    )  # fmt: skip
    assert (plan.next_review_due, plan.level_moved, plan.open_review) == (
        date(2026, 1, 31),
        True,
        True,
    )
    assert plan.score == Decimal("71.00")


def test_a_first_scoring_schedules_but_opens_no_review():
    plan = plan_change(
        status="approved", previous_level=None, next_review_due=None,
        level="medium", score="40.005", today=TODAY, months=MONTHS,
    )  # fmt: skip
    assert (plan.next_review_due, plan.level_moved, plan.open_review) == (
        date(2027, 1, 31),
        False,
        False,
    )


def test_a_score_only_change_keeps_the_review_date():
    plan = plan_change(
        status="approved", previous_level="low", next_review_due=date(2027, 5, 1),
        level="low", score=12, today=TODAY, months=MONTHS,
    )  # fmt: skip
    assert (plan.next_review_due, plan.open_review) == (date(2027, 5, 1), False)


def test_customers_outside_the_review_cycle_get_no_schedule_or_review():
    for status in ("draft", "submitted", "verifying", "rejected", "closed"):
        plan = plan_change(
            status=status, previous_level="low", next_review_due=None,
            level="high", score=80, today=TODAY, months=MONTHS,
        )  # fmt: skip
        assert (plan.next_review_due, plan.level_moved, plan.open_review) == (None, True, False)


def test_a_prohibited_level_has_no_next_review():
    plan = plan_change(
        status="approved", previous_level="high", next_review_due=date(2026, 1, 1),
        level="prohibited", score=99, today=TODAY, months=MONTHS,
    )  # fmt: skip
    assert (plan.next_review_due, plan.open_review) == (None, True)


# --- with the database -----------------------------------------------------------------------


def _approved(make_customer, actor, level: str | None, **overrides) -> Customer:
    customer = make_customer(**overrides)
    services.submit_customer(customer=customer, actor=actor)
    services.begin_verification(customer=customer, actor=actor)
    if level:
        services.set_risk(customer=customer, actor=actor, level=level, score=10)
    services.approve_customer(customer=customer, actor=actor)
    return customer


def _scenarios(make_customer, actor) -> list[tuple[Customer, str, str]]:
    """(customer, new level, new score): every branch of the rules."""
    verifying = make_customer()
    services.submit_customer(customer=verifying, actor=actor)
    services.begin_verification(customer=verifying, actor=actor)
    services.set_risk(customer=verifying, actor=actor, level="low", score=10)
    with_open_review = _approved(make_customer, actor, "low")
    services.set_risk(customer=with_open_review, actor=actor, level="medium", score=40)
    unscored = _approved(make_customer, actor, None)
    return [
        (_approved(make_customer, actor, "low"), "high", "72.5"),  # level moves up
        (_approved(make_customer, actor, "high"), "medium", "41"),  # level moves down
        (_approved(make_customer, actor, "medium"), "medium", "44.25"),  # score only
        (unscored, "low", "11"),  # first scoring of an approved customer
        (verifying, "high", "80"),  # not in the review cycle yet
        (with_open_review, "high", "75"),  # already has an open risk-change review
        (_approved(make_customer, actor, "high"), "prohibited", "99"),  # no review date
    ]


def _state(customer: Customer) -> dict:
    customer.refresh_from_db()
    events = [
        (e.action, e.before, {k: v for k, v in e.after.items() if k != "review_opened"}, e.reason)
        for e in audit.events_for(customer).filter(action="customer.risk_set").order_by("id")
    ]
    return {
        "level": customer.risk_level,
        "score": customer.risk_score,
        "next_review_due": customer.next_review_due,
        "reviews": sorted(
            (r.trigger, r.status, r.due_date, r.detail) for r in customer.reviews.all()
        ),
        "events": events,
    }


def test_set_risk_many_has_the_same_effects_as_set_risk(make_customer, system_actor):
    one_by_one = _scenarios(make_customer, system_actor)
    in_bulk = _scenarios(make_customer, system_actor)
    for customer, level, score in one_by_one:
        services.set_risk(
            customer=customer, actor=system_actor, level=level, score=score, reason="model v2"
        )
    update = services.set_risk_many(
        changes=[
            services.RiskChange(c.pk, level, score, "model v2") for c, level, score in in_bulk
        ],
        actor=system_actor,
    )
    for (single, *_), (bulk, *_) in zip(one_by_one, in_bulk, strict=True):
        assert _state(single) == _state(bulk)
    assert (update.updated, update.level_changed, update.reviews_opened) == (7, 5, 3)
    assert update.transitions == {
        "low->high": 2,
        "high->medium": 1,
        "medium->high": 1,
        "high->prohibited": 1,
    }
    assert audit.verify_chain().intact


def test_one_event_per_customer_names_the_new_review_date_and_the_review_opened(
    make_customer, system_actor
):
    customer = _approved(make_customer, system_actor, "low")
    before_due = customer.next_review_due
    services.set_risk_many(
        changes=[services.RiskChange(customer.pk, "high", 70, "adverse media")], actor=system_actor
    )
    event = audit.events_for(customer).filter(action="customer.risk_set").last()
    review = customer.reviews.get()
    assert event.before == {"risk_level": "low", "risk_score": "10.00",
                            "next_review_due": before_due.isoformat()}  # fmt: skip
    assert event.after == {
        "risk_level": "high",
        "risk_score": "70.00",
        "next_review_due": reviews.add_months(timezone.localdate(), 12).isoformat(),
        "review_opened": str(review.pk),
    }
    assert review.due_date == timezone.localdate() + timedelta(
        days=services.RISK_CHANGE_REVIEW_DAYS
    )
    assert review.detail == "Risk level changed from low to high. adverse media"


def test_set_risk_many_queries_do_not_grow_with_the_number_of_customers(
    make_customer, system_actor
):
    def run(n: int) -> int:
        customers = [_approved(make_customer, system_actor, "low") for _ in range(n)]
        changes = [services.RiskChange(c.pk, "medium", 45, "re-scored") for c in customers]
        with CaptureQueriesContext(connection) as queries:
            update = services.set_risk_many(changes=changes, actor=system_actor)
        assert (update.updated, update.reviews_opened) == (n, n)
        return len(queries)

    assert run(2) == run(12)


def test_score_only_changes_may_be_left_to_the_callers_summary_event(make_customer, system_actor):
    moved, score_only = (_approved(make_customer, system_actor, "low") for _ in range(2))
    services.set_risk_many(
        changes=[
            services.RiskChange(moved.pk, "medium", 40, "re-scored"),
            services.RiskChange(score_only.pk, "low", 12, "re-scored"),
        ],
        actor=system_actor,
        audit_score_only_changes=False,
    )
    score_only.refresh_from_db()
    assert score_only.risk_score == Decimal("12.00")
    assert audit.events_for(moved).filter(action="customer.risk_set").count() == 2
    assert audit.events_for(score_only).filter(action="customer.risk_set").count() == 1


def test_an_unknown_level_is_refused_before_anything_is_written(make_customer, system_actor):
    customer = _approved(make_customer, system_actor, "low")
    with pytest.raises(ValidationFailed) as refused:
        services.set_risk_many(
            changes=[
                services.RiskChange(customer.pk, "medium", 40),
                services.RiskChange(customer.pk, "extreme", 99),
            ],
            actor=system_actor,
        )
    assert refused.value.errors == {"risk_level": ["Unknown risk level 'extreme'."]}
    assert Customer.objects.get(pk=customer.pk).risk_level == "low"


def test_a_customer_appears_once_in_a_bulk_update(make_customer, system_actor):
    customer = _approved(make_customer, system_actor, "low")
    with pytest.raises(ValueError, match="more than once"):
        services.set_risk_many(
            changes=[
                services.RiskChange(customer.pk, "medium", 40),
                services.RiskChange(customer.pk, "high", 70),
            ],
            actor=system_actor,
        )


def test_an_empty_update_does_nothing(db, system_actor):
    with CaptureQueriesContext(connection) as queries:
        update = services.set_risk_many(changes=[], actor=system_actor)
    assert update.updated == 0
    assert not [q for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]


def test_set_risk_refreshes_the_callers_instance(make_customer, system_actor):
    customer = _approved(make_customer, system_actor, "low")
    services.set_risk(customer=customer, actor=system_actor, level="high", score=80)
    assert (customer.risk_level, customer.risk_score) == ("high", Decimal("80.00"))
    assert customer.next_review_due == reviews.add_months(timezone.localdate(), 12)
    assert PeriodicReview.objects.filter(customer=customer, trigger="risk_change").exists()
