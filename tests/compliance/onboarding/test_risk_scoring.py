"""Risk scoring rules, proved on the default model without a database."""

from dataclasses import replace
from decimal import Decimal

import pytest

from compliance.onboarding.decision import APPROVED, IN_REVIEW, REJECTED, decide
from compliance.onboarding.defaults import FATF_GREY, default_risk_model
from compliance.onboarding.risk import (
    ENTITY,
    HIGH,
    LOW,
    MEDIUM,
    PROHIBITED,
    Band,
    FactorConfig,
    OwnerProfile,
    RiskModel,
    RiskProfile,
    score,
)
from compliance.onboarding.screening_step import NO_HITS, ScreeningHitSummary, ScreeningOutcome

MODEL = default_risk_model()
ORDINARY = RiskProfile(
    nationality="PK",
    country_of_residence="PK",
    occupation="salaried_private",
    source_of_funds="salary",
    expected_monthly_turnover_pkr=Decimal("150000"),
    product="trading",
    verification_outcome="match",
)


def _contribution(result, code):
    return next(c for c in result.contributions if c.code == code)


def test_salaried_pakistani_with_clean_verification_is_low_risk():
    result = score(ORDINARY, MODEL)
    assert result.level == LOW
    assert result.score == Decimal("15.00")  # product 5 + remote channel 10


def test_every_factor_reports_its_contribution_with_a_reason():
    result = score(ORDINARY, MODEL)
    codes = [c.code for c in result.contributions]
    assert codes == [
        "NATIONALITY", "RESIDENCE", "PEP", "OCCUPATION", "SOURCE_OF_FUNDS", "EXPECTED_TURNOVER",
        "PRODUCT", "CHANNEL", "ENTITY_TYPE", "UBO_OPACITY", "VERIFICATION",
    ]  # fmt: skip
    assert all(c.detail for c in result.contributions)
    assert sum(Decimal(row["score"]) for row in result.explanation()) == result.score


def test_contribution_is_weight_times_points():
    heavier = RiskModel(
        factors=tuple(
            replace(f, weight=Decimal("2.5")) if f.code == "CHANNEL" else f for f in MODEL.factors
        ),
        countries=MODEL.countries,
        bands=MODEL.bands,
    )
    channel = _contribution(score(ORDINARY, heavier), "CHANNEL")
    assert channel.points == Decimal("10")
    assert channel.score == Decimal("25.00")


def test_declared_pep_is_at_least_high_whatever_the_score():
    result = score(replace(ORDINARY, is_pep=True), MODEL)
    assert result.level == HIGH
    assert _contribution(result, "PEP").floor == HIGH
    assert "politically exposed person" in result.reasons_for_level()


def test_nationality_under_fatf_countermeasures_is_prohibited():
    result = score(replace(ORDINARY, nationality="KP"), MODEL)
    assert result.level == PROHIBITED
    assert "FATF call-for-action list" in _contribution(result, "NATIONALITY").detail


def test_iranian_resident_is_prohibited():
    assert score(replace(ORDINARY, country_of_residence="IR"), MODEL).level == PROHIBITED


def test_myanmar_is_high_risk_but_not_barred():
    # FATF asks for enhanced due diligence on Myanmar, not countermeasures.
    result = score(replace(ORDINARY, nationality="MM", country_of_residence="MM"), MODEL)
    assert result.level == HIGH


def test_grey_list_nationality_living_in_pakistan_is_medium():
    result = score(replace(ORDINARY, nationality="KE"), MODEL)
    assert result.level == MEDIUM
    assert "FATF increased-monitoring list" in _contribution(result, "NATIONALITY").detail


def test_grey_list_resident_and_national_is_high():
    assert (
        score(replace(ORDINARY, nationality="YE", country_of_residence="YE"), MODEL).level == HIGH
    )


def test_grey_list_holds_the_october_2025_jurisdictions():
    assert {"NG", "ZA", "MZ", "BF", "HR", "ML", "TZ"}.isdisjoint(FATF_GREY)
    assert {"BO", "VG", "MC", "VN", "LB", "SY", "YE"} <= set(FATF_GREY)


def test_turnover_band_boundary_is_inclusive():
    at = _contribution(
        score(replace(ORDINARY, expected_monthly_turnover_pkr=Decimal("1000000")), MODEL),
        "EXPECTED_TURNOVER",
    )
    below = _contribution(
        score(replace(ORDINARY, expected_monthly_turnover_pkr=Decimal("999999.99")), MODEL),
        "EXPECTED_TURNOVER",
    )
    assert (below.points, at.points) == (Decimal("5"), Decimal("15"))


def test_unknown_occupation_gets_the_default_points_and_says_so():
    c = _contribution(score(replace(ORDINARY, occupation="astronaut"), MODEL), "OCCUPATION")
    assert c.points == Decimal("20")
    assert "not in the list" in c.detail


def test_band_boundary_score_exactly_at_medium_is_medium():
    model = RiskModel(
        factors=(FactorConfig("CHANNEL", Decimal("1"), {"points": {"non_face_to_face": 30}}),),
        countries={},
        bands=(Band(LOW, Decimal("0")), Band(MEDIUM, Decimal("30")), Band(HIGH, Decimal("60"))),
    )
    assert score(ORDINARY, model).level == MEDIUM
    lower = replace(model, factors=(replace(model.factors[0], weight=Decimal("0.99")),))
    assert score(ORDINARY, lower).level == LOW


def test_bands_must_start_at_zero():
    with pytest.raises(ValueError):
        RiskModel(factors=(), countries={}, bands=(Band(MEDIUM, Decimal("10")),))


def test_entity_with_no_beneficial_owner_is_opaque():
    entity = replace(ORDINARY, customer_type=ENTITY, entity_type="private_limited", owners=())
    c = _contribution(score(entity, MODEL), "UBO_OPACITY")
    assert c.points == Decimal("60")
    assert c.detail == "no beneficial owner declared"


def test_entity_with_unexplained_ownership_and_listed_owner_scores_both():
    entity = replace(
        ORDINARY,
        customer_type=ENTITY,
        entity_type="foreign_company",
        owners=(OwnerProfile("PK", Decimal("40")), OwnerProfile("AE", Decimal("5")),
                OwnerProfile("SY", Decimal("30"))),
    )  # fmt: skip
    c = _contribution(score(entity, MODEL), "UBO_OPACITY")
    assert c.points == Decimal("60")
    assert "25% of ownership not attributed" in c.detail
    assert "SY" in c.detail


def test_entity_fully_owned_by_named_pakistanis_is_not_opaque():
    entity = replace(
        ORDINARY, customer_type=ENTITY, entity_type="private_limited",
        owners=(OwnerProfile("PK", Decimal("60")), OwnerProfile("PK", Decimal("40"))),
    )  # fmt: skip
    assert _contribution(score(entity, MODEL), "UBO_OPACITY").points == 0


def test_natural_person_scores_nothing_for_entity_factors():
    result = score(ORDINARY, MODEL)
    assert _contribution(result, "ENTITY_TYPE").points == 0
    assert _contribution(result, "UBO_OPACITY").points == 0


def test_self_hosted_wallet_adds_to_product_risk():
    c = _contribution(score(replace(ORDINARY, has_self_hosted_wallet=True), MODEL), "PRODUCT")
    assert c.points == Decimal("15")


def test_verification_mismatch_adds_points():
    c = _contribution(score(replace(ORDINARY, verification_outcome="name_mismatch"), MODEL),
                      "VERIFICATION")  # fmt: skip
    assert c.points == Decimal("30")


# --- the decision -----------------------------------------------------------------------------


def _decide(profile, screening=NO_HITS):
    return decide(
        risk=score(profile, MODEL),
        verification_outcome=profile.verification_outcome,
        screening=screening,
        is_pep=profile.is_pep,
    )


def test_low_risk_clean_customer_is_approved_automatically():
    decision = _decide(ORDINARY)
    assert decision.status == APPROVED
    assert not decision.edd_required


def test_medium_risk_clean_customer_is_approved_automatically():
    profile = replace(ORDINARY, nationality="KE")
    assert score(profile, MODEL).level == MEDIUM
    assert _decide(profile).status == APPROVED


def test_pep_goes_to_review_with_edd():
    decision = _decide(replace(ORDINARY, is_pep=True))
    assert decision.status == IN_REVIEW
    assert decision.edd_required


def test_high_risk_goes_to_review_with_edd():
    decision = _decide(replace(ORDINARY, nationality="YE", country_of_residence="YE"))
    assert (decision.status, decision.edd_required) == (IN_REVIEW, True)


def test_prohibited_is_rejected_with_the_reason():
    decision = _decide(replace(ORDINARY, nationality="IR"))
    assert decision.status == REJECTED
    assert "IR is on the FATF call-for-action list" in decision.reason


def test_name_mismatch_goes_to_review_without_edd():
    decision = _decide(replace(ORDINARY, verification_outcome="name_mismatch"))
    assert decision.status == IN_REVIEW
    assert not decision.edd_required
    assert "name_mismatch" in decision.reason


def test_no_record_with_the_identity_authority_is_rejected():
    decision = _decide(replace(ORDINARY, verification_outcome="no_record"))
    assert decision.status == REJECTED


def test_open_screening_hit_sends_a_low_risk_customer_to_review():
    hit = ScreeningHitSummary("un", "QDi.001", "Some Listed Name", 0.93)
    decision = _decide(ORDINARY, ScreeningOutcome(hits=(hit,)))
    assert decision.status == IN_REVIEW
    assert "Some Listed Name" in decision.reason


def test_confirmed_true_match_is_rejected_even_at_low_risk():
    hit = ScreeningHitSummary("un", "QDi.001", "Some Listed Name", 0.97)
    outcome = ScreeningOutcome(hits=(hit,), detail="1 confirmed true match", confirmed_match=True)
    decision = _decide(ORDINARY, outcome)
    assert decision.status == REJECTED
    assert "confirmed watchlist match" in decision.reason


def test_screening_that_did_not_run_is_never_approved_automatically():
    decision = _decide(ORDINARY, ScreeningOutcome(screened=False, detail="index not loaded"))
    assert decision.status == IN_REVIEW


def test_deceased_record_goes_to_an_officer_not_an_automatic_rejection():
    decision = _decide(replace(ORDINARY, verification_outcome="deceased"))
    assert decision.status == IN_REVIEW


def test_entity_business_activity_keyword_adds_its_points():
    entity = replace(
        ORDINARY, customer_type=ENTITY, entity_type="private_limited",
        business_activity="Gold bullion wholesale",
        owners=(OwnerProfile("PK", Decimal("100")),),
    )  # fmt: skip
    c = _contribution(score(entity, MODEL), "ENTITY_TYPE")
    assert c.points == Decimal("30")  # private limited 10 + 'gold' 20
    assert "gold" in c.detail


def test_entities_read_their_own_turnover_bands():
    person = replace(ORDINARY, expected_monthly_turnover_pkr=Decimal("15000000"))
    company = replace(
        person, customer_type=ENTITY, entity_type="private_limited",
        owners=(OwnerProfile("PK", Decimal("100")),),
    )  # fmt: skip
    assert _contribution(score(person, MODEL), "EXPECTED_TURNOVER").points == Decimal("30")
    assert _contribution(score(company, MODEL), "EXPECTED_TURNOVER").points == Decimal("5")
