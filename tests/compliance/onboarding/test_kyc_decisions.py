"""Officers deciding a customer in kyc's admin: the onboarding assessment in review takes the
decision, and no approval passes while a screening hit is undecided."""

from __future__ import annotations

import csv
import html
import io
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from compliance.onboarding import services
from compliance.onboarding.models import OnboardingAssessment
from compliance.onboarding.screening_step import OPEN_HITS_REFUSAL
from core import audit
from core.actors import Actor
from core.errors import InvalidTransition
from kyc import services as kyc
from kyc.models import Customer
from tests.compliance.onboarding.conftest import NAME_MISMATCH, cnic

Status = OnboardingAssessment.Status
HOUSE_HEADER = ["entry_id", "list", "kind", "name", "aliases", "date_of_birth", "nationality",
                "id_numbers", "wallet_addresses", "program"]  # fmt: skip


@pytest.fixture(autouse=True)
def no_two_factor_for_tests(settings):
    settings.TWO_FACTOR_REQUIRED_GROUPS = []


@pytest.fixture(autouse=True)
def fresh_screening_index():
    """The screening index is per process: each test sees the lists of its own database."""
    from compliance.screening import index

    index.invalidate()
    yield
    index.invalidate()


@pytest.fixture
def listed(db, tmp_path):
    """Put one name on a watchlist (house CSV format), so onboarding screening finds it."""
    from compliance.screening.services import import_watchlist

    def run(name: str, date_of_birth: str) -> None:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=HOUSE_HEADER, restval="")
        writer.writeheader()
        writer.writerow({"entry_id": "UN-7", "list": "UN", "kind": "person", "name": name,
                         "date_of_birth": date_of_birth})  # fmt: skip
        path = tmp_path / "house.csv"
        path.write_text(out.getvalue(), encoding="utf-8")
        import_watchlist(source="csv", file=path, actor=Actor.automated("tests"), rescreen=False)

    return run


def _decide_in_kyc_admin(user, customer, decision: str, reason: str, **extra):
    client = Client()
    client.force_login(user)
    url = reverse("admin:kyc_customer_decide", args=[decision]) + f"?ids={customer.pk}"
    return client.post(url, {"ids": str(customer.pk), "reason": reason, **extra}, follow=True)


def test_a_rejection_in_kyc_admin_closes_the_assessment_in_review(
    assessed, staff_user, django_capture_on_commit_callbacks
):
    customer, assessment = assessed(id_number=cnic("M", NAME_MISMATCH))
    assert assessment.status == Status.IN_REVIEW
    analyst = staff_user("Analyst")
    with django_capture_on_commit_callbacks(execute=True):
        _decide_in_kyc_admin(analyst, customer, "reject", "Name on CNIC is someone else's")
    assessment.refresh_from_db()
    assert Customer.objects.get(pk=customer.pk).status == Customer.Status.REJECTED
    assert (assessment.status, assessment.decided_by, assessment.decision_reason) == (
        Status.REJECTED,
        OnboardingAssessment.DecidedBy.OFFICER,
        "Name on CNIC is someone else's",
    )
    event = audit.events_for(assessment).get(action="onboarding.rejected")
    assert (event.actor_user, event.after["decided_in"]) == (analyst, "kyc")
    assert audit.verify_chain().intact


def test_an_approval_in_kyc_admin_closes_the_assessment_with_tier_and_review_date(
    assessed, staff_user, django_capture_on_commit_callbacks
):
    customer, assessment = assessed(id_number=cnic("M", NAME_MISMATCH))
    with django_capture_on_commit_callbacks(execute=True):
        _decide_in_kyc_admin(
            staff_user("Analyst"), customer, "approve", "Name spelt in Urdu order", tier="basic"
        )
    customer.refresh_from_db()
    assessment.refresh_from_db()
    assert customer.status == Customer.Status.APPROVED
    assert (assessment.status, assessment.tier_code, assessment.next_review_due) == (
        Status.APPROVED,
        "basic",
        customer.next_review_due,
    )
    assert audit.events_for(assessment).get(action="onboarding.approved").reason == (
        "Name spelt in Urdu order"
    )


def test_an_mlro_deciding_in_kyc_is_recorded_as_the_mlro(
    assessed, staff_user, django_capture_on_commit_callbacks
):
    customer, assessment = assessed(id_number=cnic("M", NAME_MISMATCH))
    with django_capture_on_commit_callbacks(execute=True):
        _decide_in_kyc_admin(staff_user("MLRO"), customer, "reject", "Declined by the MLRO")
    assessment.refresh_from_db()
    assert assessment.decided_by == OnboardingAssessment.DecidedBy.MLRO


def test_a_decision_taken_on_the_assessment_is_not_recorded_twice(
    assessed, staff_user, django_capture_on_commit_callbacks
):
    _customer, assessment = assessed(id_number=cnic("M", NAME_MISMATCH))
    officer = Actor.for_user(staff_user("Analyst"))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.approve_after_review(assessment=assessment, actor=officer, reason="Checked")
    assert callbacks  # kyc announced the officer's approval
    decided = audit.events_for(assessment).filter(action__startswith="onboarding.approved")
    assert [e.after.get("decided_in") for e in decided] == [None]


def test_kyc_admin_refuses_approval_while_a_screening_hit_is_undecided(
    listed, submitted, staff_user, django_capture_on_commit_callbacks
):
    from compliance.screening import services as screening

    listed("Hafiz Muhammad Saeed", "1950")
    customer = submitted(full_name="Muhammad Saeed", date_of_birth=date(1950, 6, 5))
    assessment = services.assess_customer(customer.pk)
    assert assessment.status == Status.IN_REVIEW
    analyst = staff_user("Analyst")
    page = _decide_in_kyc_admin(analyst, customer, "approve", "Looks fine to me")
    assert OPEN_HITS_REFUSAL in html.unescape(page.content.decode())
    assert Customer.objects.get(pk=customer.pk).status == Customer.Status.IN_REVIEW
    screening.mark_false_positive(
        hit=customer.screening_hits.get(), actor=Actor.for_user(analyst),
        reason="Date of birth month differs; different father's name",
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        _decide_in_kyc_admin(analyst, customer, "approve", "Hit cleared as a false positive")
    assessment.refresh_from_db()
    assert Customer.objects.get(pk=customer.pk).status == Customer.Status.APPROVED
    assert assessment.status == Status.APPROVED


def test_no_approval_path_passes_an_undecided_hit(listed, submitted, staff_user):
    listed("Hafiz Muhammad Saeed", "1950")
    customer = submitted(full_name="Muhammad Saeed", date_of_birth=date(1950, 6, 5))
    services.assess_customer(customer.pk)
    with pytest.raises(InvalidTransition, match="open screening hits"):
        kyc.approve_customer(
            customer=customer, actor=Actor.for_user(staff_user("MLRO")), reason="Approve anyway"
        )
