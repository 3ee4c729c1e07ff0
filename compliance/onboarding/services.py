"""Onboarding assessment: identity verification -> screening -> risk scoring -> decision.

``assess_customer`` runs when kyc announces a submission (Celery task
``compliance.onboarding.assess_customer``). It drives the customer's status only through kyc's
services (which audit and emit ``customer.status_changed``) and keeps its own record, the
``OnboardingAssessment``, as the evidence of what was checked and why it was decided.

High-risk and PEP customers need enhanced due diligence: an officer records the source of
wealth evidence (``record_edd``) and an MLRO who is not that officer approves
(``approve_after_edd``): four eyes, FATF R.12 / SBP AML/CFT regulations on PEPs (senior
management approval). Other reviews (an identity mismatch, a screening hit) are decided by an
officer with ``approve_after_review`` / ``reject_after_review``.

An officer may also approve or reject the customer in kyc's own admin. kyc announces that
decision (``customer_decided``) and ``close_after_kyc_decision`` closes the assessment still in
review with it; kyc's approval runs compliance's guard first (no approval while a screening hit
is undecided, ``screening_step.refuse_with_open_hits``), the same check as the approvals here.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from compliance.onboarding import decision as rules
from compliance.onboarding import risk
from compliance.onboarding.config import load_risk_model
from compliance.onboarding.models import OnboardingAssessment
from compliance.onboarding.profiles import profile_for
from compliance.onboarding.rescoring import RescoreReport, rescore_all, rescore_customer
from compliance.onboarding.screening_step import (
    OPEN_HITS_REFUSAL,
    ScreeningOutcome,
    has_open_hits,
    screen_at_onboarding,
)
from core import audit
from core.actors import Actor
from core.errors import FourEyesViolation, InvalidTransition, NotPermitted, ValidationFailed
from kyc import services as kyc
from kyc.models import Customer, CustomerDocument, IdentityVerification
from kyc.verification import verify_identity

__all__ = [
    "RescoreReport",
    "approve_after_edd",
    "approve_after_review",
    "assess_customer",
    "close_after_kyc_decision",
    "record_edd",
    "reject_after_review",
    "rescore_all",
    "rescore_customer",
]

SYSTEM = Actor.automated("compliance.onboarding")
Status = OnboardingAssessment.Status
APPROVE_PERMISSION = "compliance.approve_customer"
REVIEW_PERMISSION = "compliance.change_onboardingassessment"


# --- the automatic assessment ----------------------------------------------------------------


def assess_customer(customer_id: Any, *, actor: Actor | None = None) -> OnboardingAssessment | None:
    """Assess a submitted customer end to end; ``None`` if there is nothing to assess.

    Safe to run again for the same customer (task redelivery): a customer already decided is
    left alone, one left in ``verifying`` by a crashed run is picked up where it stopped.
    """
    actor = actor or SYSTEM
    assessment = _start(customer_id, actor)
    if assessment is None:
        return None
    customer = Customer.objects.get(pk=customer_id)
    verification = verify_identity(customer=customer, actor=actor)
    screening = screen_at_onboarding(customer)
    owners = list(customer.current_beneficial_owners) if customer.is_entity else []
    profile = profile_for(
        customer,
        verification_outcome=verification.result_code,
        is_pep=screening.pep_found,
        has_self_hosted_wallet=customer.wallets.exists(),
        owners=owners,
    )
    result = risk.score(profile, load_risk_model())
    decision = rules.decide(
        risk=result,
        verification_outcome=verification.result_code,
        screening=screening,
        is_pep=profile.is_pep,
    )
    return _record_decision(
        assessment, actor=actor, verification=verification, screening=screening,
        is_pep=profile.is_pep, result=result, decision=decision,
    )  # fmt: skip


@transaction.atomic
def _start(customer_id: Any, actor: Actor) -> OnboardingAssessment | None:
    customer = Customer.objects.select_for_update().filter(pk=customer_id).first()
    if customer is None:
        return None
    if customer.status == Customer.Status.VERIFYING:
        running = customer.onboarding_assessments.filter(status=Status.RUNNING).first()
        if running is not None:
            return running
        return OnboardingAssessment.objects.create(customer=customer, started_at=timezone.now())
    if customer.status != Customer.Status.SUBMITTED:
        return None
    # A resubmission (after an information request) replaces the assessment under review.
    earlier = list(
        customer.onboarding_assessments.filter(status__in=[Status.RUNNING, Status.IN_REVIEW])
    )
    for old in earlier:
        old.status = Status.SUPERSEDED
        old.completed_at = old.completed_at or timezone.now()
        old.save(update_fields=["status", "completed_at", "updated_at"])
    audit.record_many(
        audit.Entry(actor=actor, action="onboarding.superseded", obj=old,
                    reason="customer resubmitted")
        for old in earlier
    )  # fmt: skip
    kyc.begin_verification(customer=customer, actor=actor)
    return OnboardingAssessment.objects.create(customer=customer, started_at=timezone.now())


@transaction.atomic
def _record_decision(
    assessment: OnboardingAssessment,
    *,
    actor: Actor,
    verification: IdentityVerification,
    screening: ScreeningOutcome,
    is_pep: bool,
    result: risk.RiskResult,
    decision: rules.Decision,
) -> OnboardingAssessment:
    locked = OnboardingAssessment.objects.select_for_update().get(pk=assessment.pk)
    customer = Customer.objects.select_for_update().get(pk=locked.customer_id)
    now = timezone.now()
    if locked.status != Status.RUNNING or customer.status != Customer.Status.VERIFYING:
        # Another run decided first (concurrent redelivery): keep this one as evidence only.
        locked.status, locked.completed_at = Status.SUPERSEDED, now
        locked.save(update_fields=["status", "completed_at", "updated_at"])
        return locked
    locked.verification = verification
    locked.verification_outcome = verification.result_code
    locked.screening_result = screening.as_dict()
    locked.is_pep = is_pep
    locked.risk_score, locked.risk_level = result.score, result.level
    locked.contributions = result.explanation()
    locked.edd_required = decision.edd_required
    kyc.set_risk(
        customer=customer, actor=actor, level=result.level, score=result.score,
        reason=f"onboarding assessment {locked.pk}",
        details={"assessment": str(locked.pk), "band_level": result.band_level},
    )  # fmt: skip
    if decision.status == rules.APPROVED:
        tier = rules.tier_for(verification_clean=True, edd_approved=False)
        kyc.approve_customer(customer=customer, actor=actor, tier=tier, reason=decision.reason)
        locked.tier_code, locked.next_review_due = tier, customer.next_review_due
    elif decision.status == rules.IN_REVIEW:
        kyc.send_to_review(customer=customer, actor=actor, reason=decision.reason)
    else:
        kyc.reject_customer(customer=customer, actor=actor, reason=decision.reason)
    locked.status = decision.status
    locked.decision_reason = decision.reason
    locked.decided_by = OnboardingAssessment.DecidedBy.SYSTEM
    locked.decided_at = locked.completed_at = now
    locked.save()
    audit.record(
        actor=actor,
        action="onboarding.assessed",
        obj=locked,
        after={
            "customer": str(customer.pk),
            "status": locked.status,
            "verification": locked.verification_outcome,
            "screening_hits": len(screening.hits),
            "risk_score": result.score,
            "risk_level": result.level,
            "edd_required": locked.edd_required,
            "tier": locked.tier_code or None,
            "next_review_due": locked.next_review_due,
        },
        reason=decision.reason,
    )
    return locked


# --- officers' decisions ---------------------------------------------------------------------


def _staff(actor: Actor, permission: str, what: str) -> None:
    if actor.user is None:
        raise NotPermitted(f"{what} is an officer's decision (a staff login)")
    if not actor.user.has_perm(permission):
        raise NotPermitted(f"{what} needs the {permission} permission")


def _require_reason(reason: str) -> None:
    if not (reason or "").strip():
        raise ValidationFailed({"reason": ["A reason is required for this decision."]})


def _lock_in_review(assessment: OnboardingAssessment) -> OnboardingAssessment:
    locked = OnboardingAssessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.status != Status.IN_REVIEW:
        raise InvalidTransition(f"the assessment is {locked.status}, not in review")
    return locked


def _sync(source: OnboardingAssessment, target: OnboardingAssessment) -> OnboardingAssessment:
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    return target


@transaction.atomic
def record_edd(
    *,
    assessment: OnboardingAssessment,
    evidence: str,
    actor: Actor,
    document: CustomerDocument | None = None,
) -> OnboardingAssessment:
    """An officer records the source-of-wealth evidence; they become the EDD's preparer."""
    _staff(actor, REVIEW_PERMISSION, "recording EDD")
    locked = _lock_in_review(assessment)
    if not locked.edd_required:
        raise InvalidTransition("this assessment does not require enhanced due diligence")
    if not (evidence or "").strip():
        raise ValidationFailed({"source_of_wealth": ["Describe the source of wealth evidence."]})
    if document is not None and document.customer_id != locked.customer_id:
        raise ValidationFailed({"document": ["The document belongs to another customer."]})
    before = {
        "source_of_wealth": locked.source_of_wealth,
        "document": str(locked.source_of_wealth_document_id or "") or None,
        "prepared_by": locked.prepared_by_id,
    }
    locked.source_of_wealth = evidence.strip()
    locked.source_of_wealth_document = document
    locked.prepared_by = actor.user
    locked.prepared_at = timezone.now()
    locked.save()
    audit.record(
        actor=actor,
        action="onboarding.edd_recorded",
        obj=locked,
        before=before,
        after={
            "source_of_wealth": locked.source_of_wealth,
            "document": str(document.pk) if document else None,
            "prepared_by": actor.user_id,
        },
    )
    return _sync(locked, assessment)


@transaction.atomic
def approve_after_edd(
    *, assessment: OnboardingAssessment, actor: Actor, reason: str
) -> OnboardingAssessment:
    """MLRO approval of a high-risk or PEP customer after EDD. Four eyes: the approver holds
    ``compliance.approve_customer`` and is not the officer who prepared the EDD."""
    _require_reason(reason)
    if actor.user is None:
        raise NotPermitted("MLRO approval needs a staff login")
    locked = _lock_in_review(assessment)
    if not locked.edd_required:
        raise InvalidTransition(
            "no EDD was required: an officer approves with approve_after_review"
        )
    if not locked.edd_recorded:
        raise InvalidTransition("record the source of wealth evidence (EDD) before approval")
    if not actor.user.has_perm(APPROVE_PERMISSION):
        raise FourEyesViolation("approving a high-risk or PEP customer is for the MLRO")
    if actor.user_id == locked.prepared_by_id:
        raise FourEyesViolation("the officer who prepared the EDD cannot also approve it")
    if has_open_hits(locked.customer):
        raise InvalidTransition(OPEN_HITS_REFUSAL)
    tier = rules.tier_for(verification_clean=True, edd_approved=True)
    return _approve(locked, assessment, actor=actor, tier=tier, reason=reason,
                    decided_by=OnboardingAssessment.DecidedBy.MLRO)  # fmt: skip


@transaction.atomic
def approve_after_review(
    *, assessment: OnboardingAssessment, actor: Actor, reason: str
) -> OnboardingAssessment:
    """An officer accepts a customer held for a non-EDD reason (identity mismatch, a hit
    resolved as false positive). A customer whose identity did not verify cleanly gets the
    basic tier."""
    _require_reason(reason)
    _staff(actor, REVIEW_PERMISSION, "approving a customer")
    locked = _lock_in_review(assessment)
    if locked.edd_required:
        raise InvalidTransition("a high-risk or PEP customer needs EDD and MLRO approval")
    if has_open_hits(locked.customer):
        raise InvalidTransition(OPEN_HITS_REFUSAL)
    clean = locked.verification_outcome in rules.CLEAN_VERIFICATION
    tier = rules.tier_for(verification_clean=clean, edd_approved=False)
    return _approve(locked, assessment, actor=actor, tier=tier, reason=reason,
                    decided_by=OnboardingAssessment.DecidedBy.OFFICER)  # fmt: skip


def _approve(locked, assessment, *, actor, tier, reason, decided_by) -> OnboardingAssessment:
    customer = Customer.objects.get(pk=locked.customer_id)
    kyc.approve_customer(customer=customer, actor=actor, tier=tier, reason=reason)
    now = timezone.now()
    locked.status = Status.APPROVED
    locked.decision_reason = reason
    locked.decided_by, locked.decided_at = decided_by, now
    locked.tier_code, locked.next_review_due = tier, customer.next_review_due
    if decided_by == OnboardingAssessment.DecidedBy.MLRO:
        locked.approved_by, locked.approved_at = actor.user, now
    locked.completed_at = locked.completed_at or now
    locked.save()
    audit.record(
        actor=actor,
        action="onboarding.approved_after_edd" if locked.approved_by_id else "onboarding.approved",
        obj=locked,
        before={"status": Status.IN_REVIEW},
        after={
            "status": Status.APPROVED,
            "tier": tier,
            "next_review_due": locked.next_review_due,
            "prepared_by": locked.prepared_by_id,
            "approved_by": locked.approved_by_id,
        },
        reason=reason,
    )
    return _sync(locked, assessment)


@transaction.atomic
def reject_after_review(
    *, assessment: OnboardingAssessment, actor: Actor, reason: str
) -> OnboardingAssessment:
    """An officer (or the MLRO) declines the customer after review."""
    _require_reason(reason)
    _staff(actor, REVIEW_PERMISSION, "rejecting a customer")
    locked = _lock_in_review(assessment)
    customer = Customer.objects.get(pk=locked.customer_id)
    kyc.reject_customer(customer=customer, actor=actor, reason=reason)
    now = timezone.now()
    locked.status = Status.REJECTED
    locked.decision_reason = reason
    is_mlro = actor.user.has_perm(APPROVE_PERMISSION)
    locked.decided_by = (
        OnboardingAssessment.DecidedBy.MLRO if is_mlro else OnboardingAssessment.DecidedBy.OFFICER
    )
    locked.decided_at = now
    locked.completed_at = locked.completed_at or now
    locked.save()
    audit.record(
        actor=actor,
        action="onboarding.rejected",
        obj=locked,
        before={"status": Status.IN_REVIEW},
        after={"status": Status.REJECTED},
        reason=reason,
    )
    return _sync(locked, assessment)


# --- a decision taken in kyc -----------------------------------------------------------------

AFTER_KYC_DECISION = {
    Customer.Status.APPROVED: Status.APPROVED,
    Customer.Status.REJECTED: Status.REJECTED,
}


@transaction.atomic
def close_after_kyc_decision(
    *, customer_id: Any, status: str, actor: Actor, reason: str
) -> list[OnboardingAssessment]:
    """An officer approved or rejected the customer through kyc (its admin) while the
    onboarding assessment was in review: the assessment takes that decision, with the officer's
    name and reason, and is audited. Assessments already decided are left alone, so the
    decisions compliance itself takes (which go through kyc too) change nothing here."""
    outcome = AFTER_KYC_DECISION.get(status)
    if outcome is None:
        return []
    open_assessments = list(
        OnboardingAssessment.objects.select_for_update()
        .filter(customer_id=customer_id, status=Status.IN_REVIEW)
        .order_by("started_at")
    )
    if not open_assessments:
        return []
    customer = Customer.objects.select_related("tier").get(pk=customer_id)
    is_mlro = actor.user is not None and actor.user.has_perm(APPROVE_PERMISSION)
    decided_by = (
        OnboardingAssessment.DecidedBy.MLRO if is_mlro else OnboardingAssessment.DecidedBy.OFFICER
    )
    now = timezone.now()
    approved = outcome == Status.APPROVED
    for assessment in open_assessments:
        assessment.status = outcome
        assessment.decision_reason = reason
        assessment.decided_by, assessment.decided_at = decided_by, now
        assessment.completed_at = assessment.completed_at or now
        if approved:
            assessment.tier_code = customer.tier.code if customer.tier_id else ""
            assessment.next_review_due = customer.next_review_due
        assessment.save()
    audit.record_many(
        audit.Entry(
            actor=actor,
            action="onboarding.approved" if approved else "onboarding.rejected",
            obj=assessment,
            before={"status": Status.IN_REVIEW},
            after={
                "status": outcome,
                "decided_in": "kyc",
                "tier": assessment.tier_code or None,
                "next_review_due": assessment.next_review_due,
            },
            reason=reason,
        )
        for assessment in open_assessments
    )
    return open_assessments
