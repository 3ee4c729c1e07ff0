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
