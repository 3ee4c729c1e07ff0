"""The officer admin: risk explanation shown, EDD and MLRO decisions with reasons, audited edits."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from compliance.onboarding.models import OnboardingAssessment, RiskFactor
from core import audit

pytestmark = pytest.mark.django_db


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    if user.groups.filter(name__in=["MLRO", "Admin"]).exists():
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id  # two-factor verified session
        session.save()
    return client


def _decide_url(assessment, decision: str) -> str:
    return reverse("admin:compliance_onboarding_decide", args=[assessment.pk, decision])


def test_assessment_page_shows_each_factor_contribution(assessed, staff_user):
    _, assessment = assessed(expected_monthly_turnover_pkr=Decimal("1200000"))
    page = _client_for(staff_user("Analyst")).get(
        reverse("admin:compliance_onboardingassessment_change", args=[assessment.pk])
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "EXPECTED_TURNOVER" in html
    assert "1,200,000" in html


def test_edd_and_mlro_approval_through_the_admin(assessed, staff_user):
    _, assessment = assessed(is_pep_declared=True, pep_details="District Nazim, Multan")
    analyst, mlro = staff_user("Analyst"), staff_user("MLRO")
    response = _client_for(analyst).post(
        _decide_url(assessment, "record_edd"), {"evidence": "Family textile business dividends."}
    )
    assert response.status_code == 302
    mlro_client = _client_for(mlro)
    refused = mlro_client.post(_decide_url(assessment, "approve_after_edd"), {"reason": ""})
    assert refused.status_code == 200  # the form again: a reason is required
    assessment.refresh_from_db()
    assert assessment.status == OnboardingAssessment.Status.IN_REVIEW
    mlro_client.post(
        _decide_url(assessment, "approve_after_edd"), {"reason": "Dividends evidenced."}
    )
    assessment.refresh_from_db()
    assert assessment.status == OnboardingAssessment.Status.APPROVED
    assert (assessment.prepared_by, assessment.approved_by) == (analyst, mlro)


def test_analyst_cannot_open_the_mlro_approval(assessed, staff_user):
    _, assessment = assessed(is_pep_declared=True, pep_details="MNA")
    response = _client_for(staff_user("Analyst")).get(_decide_url(assessment, "approve_after_edd"))
    assert response.status_code == 403


def test_risk_factor_edit_in_the_admin_needs_a_reason_and_is_audited(staff_user):
    factor = RiskFactor.objects.get(code="PEP")
    url = reverse("admin:compliance_riskfactor_change", args=[factor.pk])
    client = _client_for(staff_user("MLRO"))
    form = {
        "description": factor.description,
        "weight": "1.50",
        "settings": '{"pep_points": 60, "floor_level": "high"}',
        "is_active": "on",
    }
    assert client.post(url, {**form, "change_reason": ""}).status_code == 200
    assert client.post(url, {**form, "change_reason": "Board risk appetite"}).status_code == 302
    factor.refresh_from_db()
    assert factor.weight == Decimal("1.50")
    event = audit.events_for(factor).get()
    assert (event.reason, event.before["weight"], event.after["weight"]) == (
        "Board risk appetite",
        "1.00",
        "1.50",
    )


def test_unusable_factor_settings_are_refused_by_the_form(staff_user):
    factor = RiskFactor.objects.get(code="EXPECTED_TURNOVER")
    url = reverse("admin:compliance_riskfactor_change", args=[factor.pk])
    response = _client_for(staff_user("MLRO")).post(
        url,
        {
            "description": factor.description,
            "weight": "1.00",
            "settings": '{"bands": [{"min": "0"}]}',
            "is_active": "on",
            "change_reason": "typo",
        },
    )
    assert response.status_code == 200
    assert "not usable" in response.content.decode()
    factor.refresh_from_db()
    assert factor.settings["bands"][0]["min_pkr"] == "0"
