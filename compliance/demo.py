"""Demo onboarding assessments for kyc's demo customers (runs after kyc's demo).

Customers still waiting (``submitted`` / ``verifying``) are assessed for real. Customers kyc's
demo already drove to a decision get the assessment record that decision would have left: their
latest identity verification, the real risk model's score with each factor's contribution, and
the decision with its reason; their risk level and score become the model's (kyc's demo sets
placeholder scores). The PEP stays ``in_review`` with EDD recorded by the analyst, waiting for
the MLRO's approval (four eyes: the analyst prepared it, so only another user may approve).
Safe to run again: a customer that has an assessment is left alone.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from compliance.onboarding import decision as rules
from compliance.onboarding import risk, services
from compliance.onboarding.config import load_risk_model
from compliance.onboarding.models import OnboardingAssessment
from compliance.onboarding.profiles import profiles_for_batch
from core import audit
from core.actors import Actor
from kyc import services as kyc
from kyc.models import Customer, CustomerDocument

ACTOR = Actor.automated("seed_demo")
PEP_AWAITING_MLRO = "DEMO-U-0007"  # kyc.demo.PEP_AWAITING_MLRO
PEP_EVIDENCE = (
    "Source of wealth: inherited agricultural land (about 120 acres, tehsil Kasur) and its crop "
    "income, per the fard (land record) and three years of agricultural income tax returns; "
    "salary as MPA per the Assembly's pay slip. Bank statement (12 months) seen: inflows match "
    "the declared harvest sales. No adverse media found."
)
AFTER_DECISION = {
    Customer.Status.APPROVED: OnboardingAssessment.Status.APPROVED,
    Customer.Status.SUSPENDED: OnboardingAssessment.Status.APPROVED,
    Customer.Status.FROZEN: OnboardingAssessment.Status.APPROVED,
    Customer.Status.CLOSED: OnboardingAssessment.Status.APPROVED,
    Customer.Status.IN_REVIEW: OnboardingAssessment.Status.IN_REVIEW,
    Customer.Status.REJECTED: OnboardingAssessment.Status.REJECTED,
}


def _pending() -> list[Customer]:
    return list(
        Customer.objects.filter(external_id__startswith="DEMO-", onboarding_assessments=None)
        .exclude(status=Customer.Status.DRAFT)
        .order_by("external_id")
    )


def _record_history(customer: Customer, profile: risk.RiskProfile, model) -> OnboardingAssessment:
    """The assessment a customer decided by kyc's demo would have: the real score and the
    decision that was taken."""
    result = risk.score(profile, model)
    verification = customer.verifications.order_by("-created_at").first()
    outcome = verification.result_code if verification else ""
    status = AFTER_DECISION[customer.status]
    in_review = status == OnboardingAssessment.Status.IN_REVIEW
    high = risk.level_rank(result.level) >= risk.level_rank(risk.HIGH)
    edd = in_review and (profile.is_pep or high)
    reason = customer.status_reason or result.reasons_for_level()
    if status == OnboardingAssessment.Status.APPROVED and customer.status != status:
        # Suspended, frozen or closed later: the onboarding decision is the approval.
        approval = audit.events_for(customer).filter(action="customer.approved").last()
        reason = approval.reason if approval and approval.reason else result.reasons_for_level()
    if in_review and "EDD" in customer.status_reason and not edd:
        # kyc's demo sent this customer to EDD although the model scores lower: an officer's
        # judgement, recorded as such next to the model's view.
        edd = True
        reason += f" - officer's judgement; the model scores {result.level} ({result.score})"
    approved = status == OnboardingAssessment.Status.APPROVED
    tier = customer.tier.code if approved and customer.tier_id else ""
    if not tier and approved:
        tier = rules.tier_for(verification_clean=outcome == "match", edd_approved=False)
    when = customer.approved_at or customer.status_changed_at or timezone.now()
    with transaction.atomic():
        assessment = OnboardingAssessment.objects.create(
            customer=customer,
            status=status,
            started_at=customer.submitted_at or when,
            completed_at=when,
            verification=verification,
            verification_outcome=outcome,
            screening_result={"screened": True, "detail": "no watchlist hits", "hits": []},
            is_pep=profile.is_pep,
            risk_score=result.score,
            risk_level=result.level,
            contributions=result.explanation(),
            decision_reason=reason,
            decided_by=OnboardingAssessment.DecidedBy.SYSTEM,
            decided_at=when,
            tier_code=tier,
            next_review_due=customer.next_review_due if approved else None,
            edd_required=edd,
        )
        if customer.risk_level != result.level or customer.risk_score != result.score:
            kyc.set_risk(
                customer=customer, actor=ACTOR, level=result.level, score=result.score,
                reason=f"onboarding assessment {assessment.pk}",
                details={"assessment": str(assessment.pk)},
            )  # fmt: skip
        audit.record(
            actor=ACTOR,
            action="onboarding.assessed",
            obj=assessment,
            after={"status": status, "risk_level": result.level, "risk_score": result.score},
            reason=assessment.decision_reason,
        )
    return assessment


def _prepare_pep_edd(stdout) -> None:
    assessment = (
        OnboardingAssessment.objects.filter(
            customer__external_id=PEP_AWAITING_MLRO, status=OnboardingAssessment.Status.IN_REVIEW
        )
        .select_related("customer")
        .first()
    )
    analyst = get_user_model().objects.filter(username="analyst").first()
    if assessment is None or analyst is None or assessment.edd_recorded:
        return
    if not assessment.edd_required:
        assessment.edd_required = True
        assessment.save(update_fields=["edd_required", "updated_at"])
    evidence = (
        CustomerDocument.objects.filter(
            customer_id=assessment.customer_id, kind=CustomerDocument.Kind.SOURCE_OF_WEALTH
        )
        .order_by("-created_at")
        .first()
    )
    services.record_edd(
        assessment=assessment, evidence=PEP_EVIDENCE, actor=Actor.for_user(analyst),
        document=evidence,
    )  # fmt: skip
    stdout.write(f"  {PEP_AWAITING_MLRO}: EDD prepared by 'analyst', awaiting MLRO approval.")


def seed(*, stdout) -> None:
    pending = _pending()
    waiting = [c for c in pending if c.status in (Customer.Status.SUBMITTED,
                                                  Customer.Status.VERIFYING)]  # fmt: skip
    for customer in waiting:
        services.assess_customer(customer.pk)
    decided = [c for c in pending if c.status in AFTER_DECISION]
    if decided:
        model = load_risk_model()
        profiles = profiles_for_batch(decided)
        for customer in decided:
            _record_history(customer, profiles[customer.pk], model)
    _prepare_pep_edd(stdout)
    by_status: dict[str, int] = {}
    for status in OnboardingAssessment.objects.filter(
        customer__external_id__startswith="DEMO-"
    ).values_list("status", flat=True):
        by_status[status] = by_status.get(status, 0) + 1
    summary = ", ".join(f"{k} {v}" for k, v in sorted(by_status.items()))
    stdout.write(
        f"Onboarding assessments: {len(waiting)} run now, {len(decided)} recorded for decided "
        f"demo customers ({summary})."
    )
