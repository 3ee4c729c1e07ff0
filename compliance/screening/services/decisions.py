"""Officers' decisions on hits. Every decision needs a reason and is audited.

A true match takes two officers (four-eyes): one proposes it (``mark_true_match``), a second
one holding ``screening.confirm_match`` confirms it (``confirm_true_match``), which freezes the
customer "without delay" (UNSC 1267 / ATA 1997 s.11O: targeted financial sanctions) and queues
the report draft. A false positive is one officer's call and is remembered for the pair.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from compliance.screening.models import FalsePositiveMemory, ScreeningHit
from compliance.screening.signals import true_match_confirmed
from core import audit
from core.actors import Actor
from core.errors import FourEyesViolation, InvalidTransition, NotPermitted, ValidationFailed
from kyc.models import Customer

REVIEW_PERMISSION = "screening.change_screeninghit"
CONFIRM_PERMISSION = "screening.confirm_match"


def _reason(reason: str) -> str:
    cleaned = (reason or "").strip()
    if not cleaned:
        raise ValidationFailed({"reason": ["A reason is required for every screening decision."]})
    return cleaned


def _officer(actor: Actor, permission: str = REVIEW_PERMISSION):
    user = actor.user
    if user is None or not user.is_active:
        raise NotPermitted("screening decisions are taken by a signed-in officer")
    if not user.has_perm(permission):
        raise NotPermitted(f"{user.get_username()} may not decide screening hits")
    return user


def _locked(hit: ScreeningHit) -> ScreeningHit:
    return ScreeningHit.objects.select_for_update().select_related("entry").get(pk=hit.pk)


def _snapshot(hit: ScreeningHit) -> dict:
    return {
        "status": hit.status,
        "decided_by": hit.decided_by_id,
        "confirmed_by": hit.confirmed_by_id,
    }


@transaction.atomic
def mark_true_match(*, hit: ScreeningHit, actor: Actor, reason: str) -> ScreeningHit:
    """Propose a true match; it waits for a second officer's confirmation."""
    reason = _reason(reason)
    user = _officer(actor)
    hit = _locked(hit)
    if hit.status != ScreeningHit.Status.OPEN:
        raise InvalidTransition(f"only an open hit can be marked a true match, not {hit.status}")
    before = _snapshot(hit)
    hit.status = ScreeningHit.Status.PENDING_CONFIRMATION
    hit.decided_by = user
    hit.decided_at = timezone.now()
    hit.reason = reason
    hit.save(update_fields=["status", "decided_by", "decided_at", "reason", "updated_at"])
    audit.record(
        actor=actor,
        action="screening.true_match_proposed",
        obj=hit,
        before=before,
        after=_snapshot(hit),
        reason=reason,
    )
    return hit


@transaction.atomic
def confirm_true_match(*, hit: ScreeningHit, actor: Actor, reason: str) -> ScreeningHit:
    """The second officer confirms: the customer is frozen and ``true_match_confirmed`` sent."""
    reason = _reason(reason)
    user = actor.user
    if user is None:
        raise NotPermitted("screening decisions are taken by a signed-in officer")
    hit = _locked(hit)
    if hit.status != ScreeningHit.Status.PENDING_CONFIRMATION:
        raise InvalidTransition(f"only a proposed true match can be confirmed, not {hit.status}")
    if hit.decided_by_id == user.pk:
        raise FourEyesViolation("the officer who proposed the true match cannot also confirm it")
    if not user.is_active or not user.has_perm(CONFIRM_PERMISSION):
        raise FourEyesViolation("confirming a true match needs the confirm_match permission")
    before = _snapshot(hit)
    hit.status = ScreeningHit.Status.TRUE_MATCH
    hit.confirmed_by = user
    hit.confirmed_at = timezone.now()
    hit.confirmation_reason = reason
    hit.save(
        update_fields=[
            "status",
            "confirmed_by",
            "confirmed_at",
            "confirmation_reason",
            "updated_at",
        ]
    )
    audit.record(
        actor=actor,
        action="screening.true_match_confirmed",
        obj=hit,
        before=before,
        after=_snapshot(hit),
        reason=reason,
    )
    _freeze(hit=hit, actor=actor, reason=reason)
    hit_id = hit.pk
    transaction.on_commit(lambda: true_match_confirmed.send(sender=ScreeningHit, hit_id=hit_id))
    return hit


def _freeze(*, hit: ScreeningHit, actor: Actor, reason: str) -> None:
    from kyc.services import freeze_customer

    customer = Customer.objects.select_for_update().get(pk=hit.customer_id)
    if customer.status in (Customer.Status.FROZEN, Customer.Status.CLOSED):
        return  # already frozen, or no relationship left to freeze (the report still goes)
    entry = hit.entry
    freeze_customer(
        customer=customer,
        actor=actor,
        reason=f"confirmed sanctions match: {entry.list_code} {entry.entry_id} "
        f"({entry.primary_name}); {reason}",
    )


@transaction.atomic
def return_true_match(*, hit: ScreeningHit, actor: Actor, reason: str) -> ScreeningHit:
    """The second officer does not confirm (or the proposer withdraws): the hit is open again."""
    reason = _reason(reason)
    _officer(actor)
    hit = _locked(hit)
    if hit.status != ScreeningHit.Status.PENDING_CONFIRMATION:
        raise InvalidTransition(f"only a proposed true match can be returned, not {hit.status}")
    before = _snapshot(hit)
    hit.status = ScreeningHit.Status.OPEN
    hit.decided_by = None
    hit.decided_at = None
    hit.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    audit.record(
        actor=actor,
        action="screening.true_match_returned",
        obj=hit,
        before=before,
        after=_snapshot(hit),
        reason=reason,
    )
    return hit


@transaction.atomic
def mark_false_positive(*, hit: ScreeningHit, actor: Actor, reason: str) -> ScreeningHit:
    """Clear the hit; the pair stays cleared until the customer's data or the entry changes."""
    reason = _reason(reason)
    user = _officer(actor)
    hit = _locked(hit)
    if hit.status != ScreeningHit.Status.OPEN:
        raise InvalidTransition(
            f"only an open hit can be marked a false positive, not {hit.status}"
        )
    before = _snapshot(hit)
    hit.status = ScreeningHit.Status.FALSE_POSITIVE
    hit.decided_by = user
    hit.decided_at = timezone.now()
    hit.reason = reason
    hit.save(update_fields=["status", "decided_by", "decided_at", "reason", "updated_at"])
    FalsePositiveMemory.objects.update_or_create(
        customer_id=hit.customer_id,
        subject_key=hit.subject_key,
        entry_id=hit.entry_id,
        defaults={
            "customer_fingerprint": hit.subject_fingerprint,
            "entry_fingerprint": hit.entry_fingerprint,
            "hit": hit,
            "decided_by": user,
            "reason": reason,
        },
    )
    audit.record(
        actor=actor,
        action="screening.false_positive",
        obj=hit,
        before=before,
        after=_snapshot(hit),
        reason=reason,
    )
    return hit
