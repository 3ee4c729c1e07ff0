"""Periodic review: 12/24/36 months by risk, opened when due and on triggers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from kyc import reviews, services
from kyc.models import PeriodicReview, ReviewPolicy

pytestmark = pytest.mark.django_db


def approved(make_customer, actor, level, **overrides):
    customer = make_customer(**overrides)
    services.submit_customer(customer=customer, actor=actor)
    services.begin_verification(customer=customer, actor=actor)
    services.set_risk(customer=customer, actor=actor, level=level, score=10)
    services.approve_customer(customer=customer, actor=actor)
    return customer


def test_add_months_clamps_to_the_end_of_the_month():
    assert reviews.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert reviews.add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert reviews.add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert reviews.add_months(date(2024, 11, 15), 36) == date(2027, 11, 15)


@pytest.mark.parametrize(("level", "months"), [("high", 12), ("medium", 24), ("low", 36)])
def test_approval_schedules_the_next_review_by_risk_level(
    make_customer, system_actor, level, months
):
    customer = approved(make_customer, system_actor, level)
    assert customer.next_review_due == reviews.add_months(timezone.localdate(), months)


def test_review_frequency_is_data_the_compliance_team_can_change(make_customer, system_actor):
    ReviewPolicy.objects.filter(risk_level="low").update(review_months=48)
    customer = approved(make_customer, system_actor, "low")
    assert customer.next_review_due == reviews.add_months(timezone.localdate(), 48)


def test_a_due_review_is_opened_once_however_often_the_task_runs(make_customer, system_actor):
    customer = approved(make_customer, system_actor, "medium")
    today = timezone.localdate()
    customer.next_review_due = today
    customer.save()
    assert reviews.open_due_reviews(today=today) == 1
    assert reviews.open_due_reviews(today=today) == 0
    review = PeriodicReview.objects.get(customer=customer)
    assert review.trigger == "scheduled" and review.due_date == today


def test_a_review_not_yet_due_is_not_opened(make_customer, system_actor):
    approved(make_customer, system_actor, "low")
    assert reviews.open_due_reviews() == 0


def test_an_overdue_review_is_visible_as_overdue(make_customer, system_actor):
    from kyc.selectors import open_reviews

    customer = approved(make_customer, system_actor, "high")
    today = timezone.localdate()
    customer.next_review_due = today - timedelta(days=3)
    customer.save()
    reviews.open_due_reviews(today=today)
    [review] = open_reviews(overdue_only=True)
    assert review.is_overdue and review.customer == customer


def test_an_id_expiring_within_the_notice_period_opens_a_review(make_customer, system_actor):
    today = timezone.localdate()
    soon = approved(make_customer, system_actor, "low", id_expiry_date=today + timedelta(days=30))
    approved(make_customer, system_actor, "low", id_expiry_date=today + timedelta(days=31))
    assert reviews.open_due_reviews(today=today) == 1
    review = PeriodicReview.objects.get()
    assert (review.customer, review.trigger, review.due_date) == (
        soon,
        "id_expiry",
        soon.id_expiry_date,
    )


def test_a_risk_change_reschedules_and_opens_a_review(make_customer, system_actor):
    customer = approved(make_customer, system_actor, "low")
    services.set_risk(customer=customer, actor=system_actor, level="high", score=80,
                      reason="adverse media")  # fmt: skip
    assert customer.next_review_due == reviews.add_months(timezone.localdate(), 12)
    review = PeriodicReview.objects.get(customer=customer)
    assert review.trigger == "risk_change" and "low to high" in review.detail


def test_first_scoring_opens_no_risk_change_review(make_customer, system_actor):
    approved(make_customer, system_actor, "medium")
    assert not PeriodicReview.objects.exists()


def test_completing_a_scheduled_review_sets_the_next_one(make_customer, system_actor):
    customer = approved(make_customer, system_actor, "high")
    today = timezone.localdate()
    customer.next_review_due = today
    customer.save()
    reviews.open_due_reviews(today=today)
    review = PeriodicReview.objects.get()
    reviews.complete_review(review=review, actor=system_actor, outcome="profile unchanged")
    customer.refresh_from_db()
    assert review.status == "completed"
    assert customer.next_review_due == reviews.add_months(today, 12)


def test_the_beat_task_is_registered_under_its_scheduled_name():
    from celery import current_app

    import kyc.tasks  # noqa: F401

    assert "kyc.open_due_reviews" in current_app.tasks
