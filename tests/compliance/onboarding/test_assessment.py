"""Each onboarding path end to end on PostgreSQL: verification -> screening -> risk -> decision."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from compliance.onboarding import services
from compliance.onboarding.config import save_risk_model_row, snapshot
from compliance.onboarding.models import OnboardingAssessment, RiskFactor
from core import audit
from core.actors import Actor
from core.errors import FourEyesViolation, InvalidTransition, NotPermitted, ValidationFailed
from core.models import WebhookDelivery
from kyc.models import Customer, PeriodicReview
from kyc.reviews import add_months
from tests.compliance.onboarding.conftest import NAME_MISMATCH, NO_RECORD, cnic, entity

pytestmark = pytest.mark.django_db
Status = OnboardingAssessment.Status


def _actions(obj) -> list[str]:
    return list(audit.events_for(obj).values_list("action", flat=True))


# --- automatic approval ----------------------------------------------------------------------


def test_low_risk_customer_with_clean_identity_is_approved_with_standard_tier(assessed):
    customer, assessment = assessed()
    assert assessment.status == Status.APPROVED
    assert customer.status == Customer.Status.APPROVED
    assert (customer.risk_level, assessment.risk_level) == ("low", "low")
    assert customer.risk_score == assessment.risk_score
    assert customer.tier.code == "standard" == assessment.tier_code
    assert assessment.verification_outcome == "match"
    assert assessment.screening_result["hits"] == []


def test_low_risk_next_review_is_36_months_away(assessed):
    customer, assessment = assessed()
    expected = add_months(timezone.localdate(), 36)
    assert customer.next_review_due == expected == assessment.next_review_due


def test_medium_risk_is_approved_automatically_and_reviewed_in_24_months(assessed):
    customer, assessment = assessed(
        occupation="business_owner",
        source_of_funds="business_income",
        expected_monthly_turnover_pkr=Decimal("3000000"),
    )
    assert (assessment.risk_level, assessment.status) == ("medium", Status.APPROVED)
    assert customer.next_review_due == add_months(timezone.localdate(), 24)


def test_assessment_stores_each_factor_contribution_as_explanation(assessed):
    _, assessment = assessed(expected_monthly_turnover_pkr=Decimal("1200000"))
    by_factor = {row["factor"]: row for row in assessment.contributions}
    assert len(by_factor) == 11
    assert by_factor["EXPECTED_TURNOVER"]["score"] == "15.00"
    assert "1,200,000" in by_factor["EXPECTED_TURNOVER"]["detail"]
    total = sum(Decimal(row["score"]) for row in assessment.contributions)
    assert total == assessment.risk_score


def test_entity_with_named_owners_is_assessed_through_its_owners(assessed):
    customer, assessment = assessed(entity())
    assert assessment.status == Status.APPROVED
    ubo = next(r for r in assessment.contributions if r["factor"] == "UBO_OPACITY")
    assert ubo["points"] == "0"
    assert customer.customer_type == "entity"


def test_assessing_twice_changes_nothing(assessed):
    customer, _ = assessed()
    assert services.assess_customer(customer.pk) is None
    assert customer.onboarding_assessments.count() == 1


# --- EDD and the MLRO's four eyes ------------------------------------------------------------


@pytest.fixture
def pep_in_review(assessed):
    customer, assessment = assessed(
        is_pep_declared=True, pep_details="Member, Provincial Assembly of Punjab (2018-2023)"
    )
    return customer, assessment


def test_pep_goes_to_review_with_edd_required(pep_in_review):
    customer, assessment = pep_in_review
    assert assessment.status == Status.IN_REVIEW
    assert assessment.edd_required
    assert assessment.risk_level == "high"
    assert customer.status == Customer.Status.IN_REVIEW
    assert customer.tier is None


def test_mlro_cannot_approve_before_edd_is_recorded(pep_in_review, staff_user):
    _, assessment = pep_in_review
    mlro = Actor.for_user(staff_user("MLRO"))
    with pytest.raises(InvalidTransition, match="source of wealth"):
        services.approve_after_edd(assessment=assessment, actor=mlro, reason="ok")


def test_analyst_cannot_approve_a_pep(pep_in_review, staff_user):
    _, assessment = pep_in_review
    analyst = Actor.for_user(staff_user("Analyst"))
    other = Actor.for_user(staff_user("Analyst"))
    services.record_edd(assessment=assessment, evidence="Salary slips 2019-2024", actor=analyst)
    with pytest.raises(FourEyesViolation):
        services.approve_after_edd(assessment=assessment, actor=other, reason="looks fine")


def test_mlro_who_prepared_the_edd_cannot_approve_it(pep_in_review, staff_user):
    _, assessment = pep_in_review
    mlro = Actor.for_user(staff_user("MLRO"))
    services.record_edd(
        assessment=assessment, evidence="Agricultural land sale deed 2021", actor=mlro
    )
    with pytest.raises(FourEyesViolation, match="prepared"):
        services.approve_after_edd(assessment=assessment, actor=mlro, reason="self approval")
    assessment.refresh_from_db()
    assert assessment.status == Status.IN_REVIEW


def test_second_person_mlro_approves_pep_with_enhanced_tier_and_yearly_review(
    pep_in_review, staff_user
):
    customer, assessment = pep_in_review
    analyst, mlro = staff_user("Analyst"), staff_user("MLRO")
    services.record_edd(
        assessment=assessment,
        evidence="Inherited agricultural land in Okara; sale deed and bank statement seen.",
        actor=Actor.for_user(analyst),
    )
    services.approve_after_edd(
        assessment=assessment, actor=Actor.for_user(mlro), reason="Source of wealth evidenced."
    )
    customer.refresh_from_db()
    assert assessment.status == Status.APPROVED
    assert (assessment.prepared_by, assessment.approved_by) == (analyst, mlro)
    assert customer.status == Customer.Status.APPROVED
    assert customer.tier.code == "enhanced"
    assert customer.next_review_due == add_months(timezone.localdate(), 12)


def test_approval_after_edd_needs_a_reason(pep_in_review, staff_user):
    _, assessment = pep_in_review
    services.record_edd(
        assessment=assessment, evidence="Pension", actor=Actor.for_user(staff_user("Analyst"))
    )
    with pytest.raises(ValidationFailed):
        services.approve_after_edd(
            assessment=assessment, actor=Actor.for_user(staff_user("MLRO")), reason="  "
        )


def test_api_key_cannot_record_edd(pep_in_review):
    _, assessment = pep_in_review
    with pytest.raises(NotPermitted):
        services.record_edd(assessment=assessment, evidence="x", actor=Actor.automated("exchange"))


def test_pep_cannot_be_approved_by_an_officer_without_edd(pep_in_review, staff_user):
    _, assessment = pep_in_review
    with pytest.raises(InvalidTransition, match="MLRO"):
        services.approve_after_review(
            assessment=assessment, actor=Actor.for_user(staff_user("Analyst")), reason="fine"
        )


# --- prohibited ------------------------------------------------------------------------------


def test_resident_of_a_countermeasures_country_is_rejected_with_the_reason(assessed):
    customer, assessment = assessed(id_type="NICOP", country_of_residence="IR")
    assert assessment.status == Status.REJECTED
    assert assessment.risk_level == "prohibited"
    assert customer.status == Customer.Status.REJECTED
    assert "IR is on the FATF call-for-action list" in assessment.decision_reason
    assert "IR is on the FATF call-for-action list" in customer.status_reason


# --- verification outcomes -------------------------------------------------------------------


def test_name_mismatch_goes_to_review_without_edd(assessed):
    customer, assessment = assessed(id_number=cnic("M", NAME_MISMATCH))
    assert assessment.verification_outcome == "name_mismatch"
    assert assessment.status == Status.IN_REVIEW
    assert not assessment.edd_required
    assert customer.status == Customer.Status.IN_REVIEW
    assert "name_mismatch" in assessment.decision_reason


def test_officer_accepting_a_mismatch_grants_only_the_basic_tier(assessed, staff_user):
    customer, assessment = assessed(id_number=cnic("M", NAME_MISMATCH))
    services.approve_after_review(
        assessment=assessment,
        actor=Actor.for_user(staff_user("Analyst")),
        reason="Name spelled 'Ahmad' on the card; same person per selfie and father's name.",
    )
    customer.refresh_from_db()
    assert customer.status == Customer.Status.APPROVED
    assert customer.tier.code == "basic"


def test_officer_can_reject_after_review_with_a_reason(assessed, staff_user):
    customer, assessment = assessed(id_number=cnic("M", NAME_MISMATCH))
    services.reject_after_review(
        assessment=assessment,
        actor=Actor.for_user(staff_user("Analyst")),
        reason="Different person: photo and father's name do not match.",
    )
    customer.refresh_from_db()
    assert (assessment.status, customer.status) == (Status.REJECTED, Customer.Status.REJECTED)


def test_no_record_at_the_identity_authority_is_rejected(assessed):
    customer, assessment = assessed(id_number=cnic("M", NO_RECORD))
    assert assessment.verification_outcome == "no_record"
    assert assessment.status == Status.REJECTED
    assert customer.status == Customer.Status.REJECTED


# --- webhook and audit -----------------------------------------------------------------------


def test_status_changes_are_sent_to_the_exchange_without_the_reason(webhook_endpoint, assessed):
    customer, _ = assessed(is_pep_declared=True, pep_details="Senator")
    bodies = [
        json.loads(d.body)
        for d in WebhookDelivery.objects.filter(event_type="customer.status_changed")
    ]
    mine = [b["data"] for b in bodies if b["data"]["id"] == str(customer.pk)]
    assert [b["status"] for b in mine] == ["submitted", "verifying", "in_review"]
    assert all("reason" not in b and "risk_level" not in b for b in mine)  # no tipping off


def test_approval_webhook_carries_tier_and_limits(webhook_endpoint, assessed):
    customer, _ = assessed()
    deliveries = WebhookDelivery.objects.filter(event_type="customer.status_changed")
    data = [json.loads(d.body)["data"] for d in deliveries]
    approved = next(d for d in data if d["status"] == "approved")
    assert (approved["id"], approved["tier"]) == (str(customer.pk), "standard")
    assert approved["limits"]["per_transaction_pkr"] == "1000000.00"


def test_every_decision_is_in_the_audit_chain(pep_in_review, staff_user):
    customer, assessment = pep_in_review
    services.record_edd(
        assessment=assessment, evidence="Salary", actor=Actor.for_user(staff_user("Analyst"))
    )
    services.approve_after_edd(
        assessment=assessment, actor=Actor.for_user(staff_user("MLRO")), reason="Evidenced."
    )
    assert _actions(assessment) == [
        "onboarding.assessed",
        "onboarding.edd_recorded",
        "onboarding.approved_after_edd",
    ]
    customer_actions = _actions(customer)
    for action in (
        "customer.submitted",
        "customer.verification_started",
        "customer.identity_verified",
        "customer.risk_set",
        "customer.sent_to_review",
        "customer.approved",
    ):
        assert action in customer_actions
    approved = audit.events_for(assessment).get(action="onboarding.approved_after_edd")
    assert approved.reason == "Evidenced."
    assert approved.actor_type == "user"
    assert audit.verify_chain().intact


# --- submission event ------------------------------------------------------------------------


def test_submission_event_runs_the_assessment(
    db, exchange_actor, django_capture_on_commit_callbacks
):
    from kyc import services as kyc
    from tests.compliance.onboarding.conftest import individual

    customer = kyc.create_customer(actor=exchange_actor, data=individual())
    with django_capture_on_commit_callbacks(execute=True):
        kyc.submit_customer(customer=customer, actor=exchange_actor)
    customer.refresh_from_db()
    assert customer.status == Customer.Status.APPROVED
    assert customer.onboarding_assessments.get().status == Status.APPROVED


def test_resubmission_supersedes_the_assessment_under_review(assessed, staff_user, exchange_actor):
    from kyc import services as kyc

    customer, first = assessed(id_number=cnic("M", NAME_MISMATCH))
    kyc.request_information(
        customer=customer,
        actor=Actor.for_user(staff_user("Analyst")),
        reason="Upload a clear photo of the CNIC front.",
    )
    kyc.update_customer(customer=customer, actor=exchange_actor, changes={"id_number": cnic("M")})
    kyc.submit_customer(customer=customer, actor=exchange_actor)
    second = services.assess_customer(customer.pk)
    first.refresh_from_db()
    assert first.status == Status.SUPERSEDED
    assert second.status == Status.APPROVED


# --- risk model edits and re-scoring -----------------------------------------------------------


def test_a_weight_change_needs_a_reason_and_is_audited(db, staff_user):
    mlro = Actor.for_user(staff_user("MLRO"))
    factor = RiskFactor.objects.get(code="CHANNEL")
    before = snapshot(factor)
    factor.weight = Decimal("3.00")
    with pytest.raises(ValidationFailed):
        save_risk_model_row(row=factor, actor=mlro, reason="", before=before)
    save_risk_model_row(row=factor, actor=mlro, reason="Remote onboarding risk up", before=before)
    event = audit.events_for(factor).get()
    assert (event.action, event.before["weight"], event.after["weight"]) == (
        "risk_factor.changed",
        "1.00",
        "3.00",
    )


def test_rescore_after_weight_change_moves_levels_and_opens_reviews(assessed, staff_user):
    customers = [assessed()[0] for _ in range(3)]
    assert {c.risk_level for c in customers} == {"low"}
    factor = RiskFactor.objects.get(code="CHANNEL")
    before = snapshot(factor)
    factor.weight = Decimal("4.00")  # remote channel 10 points -> 40: low becomes medium
    save_risk_model_row(
        row=factor, actor=Actor.for_user(staff_user("MLRO")), reason="NRA update", before=before
    )
    report = services.rescore_all(batch_size=2)
    assert (report.scored, report.level_changed) == (3, 3)
    assert report.transitions == {"low->medium": 3}
    for customer in customers:
        customer.refresh_from_db()
        assert customer.risk_level == "medium"
        assert customer.risk_score == Decimal("45.00")
        assert customer.next_review_due == add_months(timezone.localdate(), 24)
        assert customer.reviews.get().trigger == PeriodicReview.Trigger.RISK_CHANGE
        event = audit.events_for(customer).filter(action="customer.risk_set").last()
        assert event.reason.startswith("re-scoring after a risk model change")
        assert (event.before["risk_level"], event.after["risk_level"]) == ("low", "medium")
        assert event.after["review_opened"] == str(customer.reviews.get().pk)
    assert audit.verify_chain().intact


def test_rescore_queries_do_not_grow_with_the_number_of_customers(assessed):
    for _ in range(6):
        assessed()
    RiskFactor.objects.filter(code="CHANNEL").update(weight=Decimal("4.00"))
    with CaptureQueriesContext(connection) as six_in_one_batch:
        services.rescore_all(batch_size=100)
    RiskFactor.objects.filter(code="CHANNEL").update(weight=Decimal("1.00"))
    for _ in range(6):
        assessed()
    with CaptureQueriesContext(connection) as twelve_in_one_batch:
        services.rescore_all(batch_size=100)
    assert len(twelve_in_one_batch) == len(six_in_one_batch)


def test_rescore_leaves_unchanged_scores_alone(assessed):
    customer, _ = assessed()
    stamp = Customer.objects.get(pk=customer.pk).risk_scored_at
    report = services.rescore_all()
    assert (report.scored, report.score_changed) == (1, 0)
    assert Customer.objects.get(pk=customer.pk).risk_scored_at == stamp


def test_profile_change_rescores_the_customer(assessed, exchange_actor):
    from kyc import services as kyc

    customer, _ = assessed()
    kyc.update_customer(
        customer=customer,
        actor=exchange_actor,
        changes={"expected_monthly_turnover_pkr": Decimal("25000000"), "occupation": "jeweller"},
    )
    services.rescore_customer(customer.pk)
    customer.refresh_from_db()
    assert customer.risk_level == "high"
    review = customer.reviews.get(trigger=PeriodicReview.Trigger.RISK_CHANGE)
    assert review.due_date == timezone.localdate() + timedelta(days=30)
