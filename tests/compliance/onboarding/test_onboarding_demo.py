"""The onboarding demo: assessments for kyc's demo customers; the PEP left for the MLRO."""

from __future__ import annotations

import io

import pytest

from compliance import demo as compliance_demo
from compliance.onboarding.models import OnboardingAssessment
from core import demo as core_demo
from kyc import demo as kyc_demo
from kyc.models import Customer

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = io.StringIO()
    for module in (core_demo, kyc_demo, compliance_demo):
        module.seed(stdout=out)
    return out.getvalue()


def test_demo_pep_waits_for_the_mlro_with_edd_prepared_by_the_analyst():
    _seed()
    assessment = OnboardingAssessment.objects.get(
        customer__external_id=compliance_demo.PEP_AWAITING_MLRO
    )
    assert assessment.status == OnboardingAssessment.Status.IN_REVIEW
    assert assessment.awaiting_mlro
    assert assessment.prepared_by.username == "analyst"
    assert assessment.source_of_wealth_document is not None
    assert assessment.risk_level == "high"


def test_every_decided_demo_customer_has_an_explained_assessment_and_the_model_score():
    _seed()
    decided = Customer.objects.filter(external_id__startswith="DEMO-").exclude(
        status__in=["draft", "submitted", "verifying"]
    )
    for customer in decided:
        assessment = customer.onboarding_assessments.get()
        assert len(assessment.contributions) == 11
        assert customer.risk_score == assessment.risk_score


def test_demo_runs_twice_without_duplicating_assessments():
    _seed()
    first = OnboardingAssessment.objects.count()
    _seed()
    assert OnboardingAssessment.objects.count() == first


def _individual_profile(fields: dict, verification: str = "match"):
    from decimal import Decimal

    from compliance.onboarding import risk

    return risk.RiskProfile(
        nationality="PK",
        country_of_residence=fields.get("country_of_residence", "PK"),
        occupation=fields["occupation"],
        source_of_funds=fields["source_of_funds"],
        product=fields["purpose_of_account"],
        expected_monthly_turnover_pkr=Decimal(fields["expected_monthly_turnover_pkr"]),
        verification_outcome=verification,
    )


@pytest.mark.parametrize("row", kyc_demo.PROFILES)
def test_each_demo_profile_scores_the_level_the_demo_plans_for_it(row):
    from compliance.onboarding import risk
    from compliance.onboarding.defaults import default_risk_model

    occupation, source, purpose, turnover, level = row
    profile = _individual_profile({"occupation": occupation, "source_of_funds": source,
                                   "purpose_of_account": purpose,
                                   "expected_monthly_turnover_pkr": turnover})  # fmt: skip
    assert risk.score(profile, default_risk_model()).level == level


def test_the_demo_stories_profiles_score_high_prohibited_and_medium_with_a_mismatch():
    from compliance.onboarding import risk
    from compliance.onboarding.defaults import default_risk_model

    model = default_risk_model()
    for fields in kyc_demo.HIGH_RISK_PROFILES:
        assert risk.score(_individual_profile(fields), model).level == "high"
    assert risk.score(_individual_profile(kyc_demo.PROHIBITED_PROFILE), model).level == (
        "prohibited"
    )
    mismatch = _individual_profile(kyc_demo.MISMATCH_PROFILE, verification="name_mismatch")
    assert risk.score(mismatch, model).level == "medium"


def test_the_demo_plans_the_risk_levels_the_assessments_compute():
    from core.models import AuditEvent

    _seed()
    for customer in Customer.objects.filter(external_id__startswith="DEMO-U-"):
        planned = AuditEvent.objects.filter(
            object_id=str(customer.pk), action="customer.risk_set", reason="demo risk assessment"
        ).first()
        if planned is None:
            continue
        assessment = customer.onboarding_assessments.get()
        assert (customer.external_id, assessment.risk_level) == (
            customer.external_id,
            planned.after["risk_level"],
        )
        assert "officer's judgement" not in assessment.decision_reason
    prohibited = Customer.objects.get(external_id="DEMO-U-0038")
    assert (prohibited.status, prohibited.risk_level) == ("rejected", "prohibited")
    edd = OnboardingAssessment.objects.filter(
        customer__external_id__in=["DEMO-U-0034", "DEMO-U-0035"]
    )
    assert {(a.status, a.risk_level, a.edd_required) for a in edd} == {("in_review", "high", True)}
