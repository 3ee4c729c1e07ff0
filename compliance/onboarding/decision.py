"""The onboarding decision: plain Python over the three results of an assessment.

Rules, in order (the first that applies decides):
1. Risk level ``prohibited`` -> ``rejected``, the reason naming what made it prohibited.
2. Identity provider says the ID number has **no record** -> ``rejected``: the identity cannot
   be established at all, so there is nothing an officer could review; the exchange must
   re-onboard with a correct ID. Every other verification problem is reviewable and goes to
   ``in_review``: a name or partial mismatch (typo, spouse's name), an expired or cancelled card
   (the customer may renew it), a provider error, and also ``deceased`` or ``blocked`` records -
   those smell of identity fraud, so an officer must look and consider an STR rather than the
   system quietly rejecting.
3. Any of: verification not clean, an open screening hit or screening not run, risk ``high``,
   a PEP -> ``in_review``. High risk and PEPs also need enhanced due diligence (source of wealth
   evidence) and MLRO approval by someone other than the preparer.
4. Otherwise (low or medium, clean verification, no open hit) -> ``approved`` automatically.
"""

from __future__ import annotations

from dataclasses import dataclass

from compliance.onboarding.risk import HIGH, PROHIBITED, RiskResult, level_rank
from compliance.onboarding.screening_step import ScreeningOutcome

APPROVED, IN_REVIEW, REJECTED = "approved", "in_review", "rejected"
CLEAN_VERIFICATION = frozenset({"match"})  # kyc IdentityVerification.Result.MATCH
REJECTING_VERIFICATION = frozenset({"no_record"})


@dataclass(frozen=True)
class Decision:
    status: str
    reason: str
    edd_required: bool = False


def decide(
    *, risk: RiskResult, verification_outcome: str, screening: ScreeningOutcome, is_pep: bool
) -> Decision:
    if screening.confirmed_match:
        # TFS: a confirmed sanctions match is never onboarded; the freeze and report are
        # already under way from the confirmation itself.
        return Decision(REJECTED, f"confirmed watchlist match: {screening.detail}")
    if risk.level == PROHIBITED:
        return Decision(REJECTED, f"prohibited risk: {risk.reasons_for_level()}")
    if verification_outcome in REJECTING_VERIFICATION:
        return Decision(
            REJECTED,
            f"identity verification returned '{verification_outcome}': the identity "
            "document could not be found with the issuing authority",
        )
    reasons = []
    if verification_outcome not in CLEAN_VERIFICATION:
        reasons.append(f"identity verification returned '{verification_outcome or 'not_run'}'")
    if not screening.screened:
        reasons.append(f"screening did not run: {screening.detail or 'unavailable'}")
    if screening.has_open_hits:
        names = ", ".join(f"{h.matched_name} ({h.list_name})" for h in screening.hits[:3])
        reasons.append(f"{len(screening.hits)} open screening hit(s): {names}")
    edd = level_rank(risk.level) >= level_rank(HIGH) or is_pep
    if is_pep:
        reasons.append("politically exposed person: EDD and MLRO approval required")
    if level_rank(risk.level) >= level_rank(HIGH):
        reasons.append(f"high risk: {risk.reasons_for_level()}; EDD and MLRO approval required")
    if reasons:
        return Decision(IN_REVIEW, "; ".join(reasons), edd_required=edd)
    return Decision(
        APPROVED, f"{risk.level} risk (score {risk.score}), identity verified, no screening hits"
    )


# Tiers are kyc's rows (limits are data there); which tier a decision grants is this rule:
# automatic approval (clean identity, low/medium risk) -> standard; an officer's approval of a
# customer whose identity did not verify cleanly -> basic (lower limits until the discrepancy
# is resolved at the next review); MLRO approval after EDD -> enhanced (source of wealth known).
BASIC, STANDARD, ENHANCED = "basic", "standard", "enhanced"


def tier_for(*, verification_clean: bool, edd_approved: bool) -> str:
    if edd_approved:
        return ENHANCED
    return STANDARD if verification_clean else BASIC
