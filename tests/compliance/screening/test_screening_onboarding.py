"""The onboarding assessment's screening step: a hit holds the customer for an officer."""

from __future__ import annotations

from datetime import date

import pytest
from screening_fixtures import *  # noqa: F403
from screening_helpers import entry

from compliance.onboarding.services import approve_after_review, assess_customer
from compliance.screening import services
from compliance.screening.models import ScreeningHit
from core.actors import Actor
from core.errors import InvalidTransition
from kyc import services as kyc
from kyc.models import Customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(make_customer, system):
    def make(**overrides):
        customer = make_customer(**overrides)
        kyc.submit_customer(customer=customer, actor=system)
        return customer

    return make


def test_customer_matching_a_listed_name_goes_to_review_with_an_open_hit(import_house, submitted):
    import_house([entry("UN-7", "Hafiz Muhammad Saeed", date_of_birth="1950", list="UN")])
    customer = submitted(full_name="Muhammad Saeed", date_of_birth=date(1950, 6, 5))
    assessment = assess_customer(customer.pk)
    customer.refresh_from_db()
    assert customer.status == Customer.Status.IN_REVIEW
    hit = customer.screening_hits.get()
    assert hit.origin == ScreeningHit.Origin.ONBOARDING and hit.status == ScreeningHit.Status.OPEN
    recorded = assessment.screening_result["hits"]
    assert [(h["list"], h["entry_id"], h["hit_id"]) for h in recorded] == [
        ("UN", "UN-7", str(hit.pk))
    ]


def test_customer_with_no_listed_name_is_not_held_by_screening(import_house, submitted):
    import_house([entry("UN-7", "Hafiz Muhammad Saeed", date_of_birth="1950", list="UN")])
    customer = submitted(full_name="Ayesha Siddiqui", gender="F", id_number="35202-9994567-2")
    assessment = assess_customer(customer.pk)
    assert assessment.screening_result["hits"] == []
    assert not customer.screening_hits.exists()


def test_officer_cannot_approve_while_a_hit_is_undecided(import_house, submitted, staff_user):
    import_house([entry("UN-7", "Hafiz Muhammad Saeed", date_of_birth="1950", list="UN")])
    customer = submitted(full_name="Muhammad Saeed", date_of_birth=date(1950, 6, 5))
    assessment = assess_customer(customer.pk)
    officer = Actor.for_user(staff_user("Analyst"))
    with pytest.raises(InvalidTransition):
        approve_after_review(assessment=assessment, actor=officer, reason="looks fine")
    services.mark_false_positive(
        hit=customer.screening_hits.get(), actor=officer, reason="DOB month differs, other city"
    )
    approve_after_review(assessment=assessment, actor=officer, reason="hit cleared")
    customer.refresh_from_db()
    assert customer.status == Customer.Status.APPROVED


def test_screening_that_cannot_run_holds_the_customer_for_an_officer(submitted, monkeypatch):
    from compliance.screening import onboarding

    def broken(**kwargs):
        raise RuntimeError("index unavailable")

    monkeypatch.setattr(onboarding, "screen_customer", broken)
    customer = submitted(full_name="Ayesha Siddiqui", gender="F", id_number="35202-9984567-2")
    assessment = assess_customer(customer.pk)
    customer.refresh_from_db()
    assert assessment.screening_result["screened"] is False
    assert customer.status == Customer.Status.IN_REVIEW
