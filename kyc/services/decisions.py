"""Status decisions: submit, verify, approve, review, reject, request information, suspend,
close, freeze, unfreeze. (The risk level compliance computed: ``kyc.services.risk``.)

Every status change is audited with its reason and queues the ``customer.status_changed``
webhook for the exchange (``customer.frozen`` too on a freeze). Webhooks carry no reasons.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from core import audit, webhooks
from core.actors import Actor
from core.errors import InvalidTransition, NotPermitted, ValidationFailed
from kyc.models import Customer, RiskLevel, Tier
from kyc.reviews import next_review_date
from kyc.services.locks import copy_state, lock_customer
from kyc.signals import customer_decided, customer_submitted

Status = Customer.Status
DEFAULT_TIER = "standard"

# Checks a higher app adds to every approval, since kyc cannot import it: compliance refuses
# an approval while the customer has screening hits no officer has decided (the same check its
# own approve pages make). A guard takes the locked customer and returns why the approval is
# refused, or None. Registered by name at the app's ready(), so registering again replaces.
ApprovalGuard = Callable[[Customer], str | None]
_approval_guards: dict[str, ApprovalGuard] = {}


def register_approval_guard(name: str, guard: ApprovalGuard) -> None:
    """Run ``guard`` on every approval (``approve_customer``), inside its transaction."""
    _approval_guards[name] = guard


def _announce_decision(customer: Customer, actor: Actor, reason: str) -> None:
    """``customer_decided`` after the commit, when the decision is an officer's."""
    if actor.user is None:
        return
    payload = {
        "customer_id": customer.pk,
        "status": customer.status,
        "actor_label": actor.label,
        "actor_user_id": actor.user_id,
        "reason": reason,
    }
    transaction.on_commit(lambda: customer_decided.send(Customer, **payload))


def _webhook_payload(customer: Customer, previous: str, **extra: Any) -> dict[str, Any]:
    # No reasons or risk here: the exchange must not learn why (AMLA 2010 s.34, tipping off).
    return {
        "id": str(customer.pk),
        "external_id": customer.external_id,
        "status": customer.status,
        "previous_status": previous,
        "tier": customer.tier.code if customer.tier_id else None,
        "limits": {k: v for k, v in customer.limits.items() if k != "tier"},
        "changed_at": customer.status_changed_at,
        **extra,
    }


def _require_reason(reason: str) -> None:
    if not (reason or "").strip():
        raise ValidationFailed({"reason": ["A reason is required for this decision."]})


def _transition(
    customer: Customer,
    *,
    actor: Actor,
    to: str,
    allowed_from: Iterable[str],
    action: str,
    reason: str = "",
    updates: Mapping[str, Any] | None = None,
    audit_after: Mapping[str, Any] | None = None,
    webhook_extra: Mapping[str, Any] | None = None,
    check=None,
) -> Customer:
    locked = lock_customer(customer)
    allowed = tuple(allowed_from)
    if locked.status not in allowed:
        raise InvalidTransition(
            f"cannot move a {locked.status} customer to {to} (allowed from: {', '.join(allowed)})"
        )
    if check is not None:
        check(locked)
    previous = locked.status
    locked.status = to
    locked.status_changed_at = timezone.now()
    if reason:
        locked.status_reason = reason
    for name, value in (updates or {}).items():
        setattr(locked, name, value)
    locked.save()
    audit.record(
        actor=actor,
        action=action,
        obj=locked,
        before={"status": previous},
        after={"status": to, **(audit_after or {})},
        reason=reason,
    )
    webhooks.emit(
        "customer.status_changed", _webhook_payload(locked, previous, **(webhook_extra or {}))
    )
    copy_state(locked, customer)
    return customer


@transaction.atomic
def submit_customer(*, customer: Customer, actor: Actor) -> Customer:
    """``draft`` -> ``submitted`` (or a resubmission after an information request); compliance
    starts the assessment when ``customer_submitted`` arrives after commit."""

    def outstanding_request(locked: Customer) -> None:
        if locked.status == Status.IN_REVIEW and locked.information_requested_at is None:
            raise InvalidTransition("an in-review customer is resubmitted only after a request")

    _transition(
        customer,
        actor=actor,
        to=Status.SUBMITTED,
        allowed_from=(Status.DRAFT, Status.IN_REVIEW),
        action="customer.submitted",
        check=outstanding_request,
        updates={"submitted_at": timezone.now(), "information_requested_at": None},
    )
    customer_id = customer.pk
    transaction.on_commit(lambda: customer_submitted.send(Customer, customer_id=customer_id))
    return customer


# Who the customer is: a change to any of these is a new identity to verify, not an edit.
IDENTITY_FIELDS = frozenset(
    {
        "id_type", "id_number", "full_name", "father_or_spouse_name", "date_of_birth",
        "nationality", "legal_name", "registration_number", "country_of_incorporation",
        "incorporation_date",
    }
)  # fmt: skip


def reverify_identity(
    *, customer: Customer, actor: Actor, changed_fields: Iterable[str], id_numbers=None
) -> Customer:
    """An approved customer's identity changed: back to ``submitted``, so compliance verifies
    the identity again, screens it and decides by the onboarding policy (a mismatch or a hit
    goes to an officer). Audited with the fields; ID numbers only as encrypted tokens
    (``id_numbers``: the (before, after) ``id_number_encrypted`` pair, when the number changed).
    """
    fields = sorted(set(changed_fields) & IDENTITY_FIELDS)
    extra: dict[str, Any] = {"identity_fields_changed": fields}
    if id_numbers is not None:
        extra["id_number_encrypted"] = list(id_numbers)
    _transition(
        customer,
        actor=actor,
        to=Status.SUBMITTED,
        allowed_from=(Status.APPROVED,),
        action="customer.identity_reverification",
        reason=f"Identity changed ({', '.join(fields)}): verified and screened again",
        updates={"submitted_at": timezone.now()},
        audit_after=extra,
    )
    customer_id = customer.pk
    transaction.on_commit(lambda: customer_submitted.send(Customer, customer_id=customer_id))
    return customer


@transaction.atomic
def begin_verification(*, customer: Customer, actor: Actor) -> Customer:
    """``submitted`` -> ``verifying``: the assessment has started."""
    return _transition(
        customer,
        actor=actor,
        to=Status.VERIFYING,
        allowed_from=(Status.SUBMITTED,),
        action="customer.verification_started",
    )


def _resolve_tier(tier: Tier | str | None) -> Tier:
    if isinstance(tier, Tier):
        return tier
    code = tier or DEFAULT_TIER
    found = Tier.objects.filter(code=code).first()
    if found is None:
        raise ValidationFailed({"tier": [f"Unknown tier {code!r}."]})
    return found


@transaction.atomic
def approve_customer(
    *,
    customer: Customer,
    actor: Actor,
    tier: Tier | str | None = None,
    reason: str = "",
    next_review_due: date | None = None,
) -> Customer:
    """Approve with a tier (default ``standard``); schedules the next review by risk level.

    Refuses a prohibited-risk customer, an expired ID, or what a registered approval guard
    refuses (compliance: undecided screening hits). An officer (user actor) must give a reason;
    their approval is announced (``customer_decided``) after the commit. Four-eyes approval of
    high risk and PEPs is compliance's rule, enforced before this.
    """
    if actor.user is not None:
        _require_reason(reason)
    chosen = _resolve_tier(tier)
    today = timezone.localdate()

    def approvable(locked: Customer) -> None:
        if locked.risk_level == RiskLevel.PROHIBITED:
            raise InvalidTransition("a prohibited-risk customer cannot be approved")
        if locked.id_expiry_date is not None and locked.id_expiry_date < today:
            raise InvalidTransition("the customer's ID has expired")
        for guard in _approval_guards.values():
            refusal = guard(locked)
            if refusal:
                raise InvalidTransition(refusal)

    locked_level = Customer.objects.values_list("risk_level", flat=True).get(pk=customer.pk)
    due = next_review_due or next_review_date(locked_level, today)
    _transition(
        customer,
        actor=actor,
        to=Status.APPROVED,
        allowed_from=(Status.SUBMITTED, Status.VERIFYING, Status.IN_REVIEW, Status.SUSPENDED),
        action="customer.approved",
        reason=reason,
        check=approvable,
        updates={
            "tier": chosen,
            "approved_at": timezone.now(),
            "information_requested_at": None,
            "information_request": "",
            "next_review_due": due,
        },
        audit_after={"tier": chosen.code, "next_review_due": due},
    )
    _announce_decision(customer, actor, reason)
    return customer


@transaction.atomic
def send_to_review(*, customer: Customer, actor: Actor, reason: str) -> Customer:
    """Put the customer in front of an officer (high risk, PEP, screening hit, mismatch)."""
    _require_reason(reason)
    return _transition(
        customer,
        actor=actor,
        to=Status.IN_REVIEW,
        allowed_from=(Status.SUBMITTED, Status.VERIFYING, Status.APPROVED, Status.SUSPENDED),
        action="customer.sent_to_review",
        reason=reason,
    )


@transaction.atomic
def reject_customer(*, customer: Customer, actor: Actor, reason: str) -> Customer:
    """Decline the customer; an officer's rejection is announced (``customer_decided``)."""
    _require_reason(reason)
    _transition(
        customer,
        actor=actor,
        to=Status.REJECTED,
        allowed_from=(Status.SUBMITTED, Status.VERIFYING, Status.IN_REVIEW),
        action="customer.rejected",
        reason=reason,
        updates={"tier": None, "next_review_due": None},
    )
    _announce_decision(customer, actor, reason)
    return customer


@transaction.atomic
def request_information(*, customer: Customer, actor: Actor, reason: str) -> Customer:
    """Ask the customer (through the exchange) for more; ``reason`` is what is needed and is
    sent to the exchange in the webhook, so it must not reveal suspicion."""
    _require_reason(reason)
    now = timezone.now()
    return _transition(
        customer,
        actor=actor,
        to=Status.IN_REVIEW,
        allowed_from=(Status.SUBMITTED, Status.VERIFYING, Status.IN_REVIEW),
        action="customer.information_requested",
        reason=reason,
        updates={"information_requested_at": now, "information_request": reason},
        audit_after={"information_request": reason},
        webhook_extra={"information_request": reason},
    )


@transaction.atomic
def suspend_customer(*, customer: Customer, actor: Actor, reason: str) -> Customer:
    _require_reason(reason)
    return _transition(
        customer,
        actor=actor,
        to=Status.SUSPENDED,
        allowed_from=(Status.APPROVED, Status.IN_REVIEW),
        action="customer.suspended",
        reason=reason,
    )


@transaction.atomic
def close_customer(*, customer: Customer, actor: Actor, reason: str) -> Customer:
    """End the relationship. A frozen customer stays frozen until the freeze is decided."""
    _require_reason(reason)
    return _transition(
        customer,
        actor=actor,
        to=Status.CLOSED,
        allowed_from=tuple(s for s in Status.values if s not in (Status.CLOSED, Status.FROZEN)),
        action="customer.closed",
        reason=reason,
        updates={"tier": None, "next_review_due": None},
    )


@transaction.atomic
def freeze_customer(*, customer: Customer, actor: Actor, reason: str) -> Customer:
    """Freeze (e.g. a confirmed sanctions match: UNSC resolutions, AMLA s.7 / SRO freezing
    obligations). Emits ``customer.frozen`` as well as ``customer.status_changed``."""
    _require_reason(reason)
    previous = Customer.objects.values_list("status", flat=True).get(pk=customer.pk)
    _transition(
        customer,
        actor=actor,
        to=Status.FROZEN,
        allowed_from=tuple(s for s in Status.values if s not in (Status.CLOSED, Status.FROZEN)),
        action="customer.frozen",
        reason=reason,
        updates={"status_before_freeze": previous},
    )
    webhooks.emit(
        "customer.frozen",
        {
            "id": str(customer.pk),
            "external_id": customer.external_id,
            "status": customer.status,
            "frozen_at": customer.status_changed_at,
        },
    )
    return customer


@transaction.atomic
def unfreeze_customer(*, customer: Customer, actor: Actor, reason: str) -> Customer:
    """Lift a freeze, back to the status before it. Only staff holding ``kyc.decide_freeze``
    (or Nigraan itself) may; never an API key. The maker/checker step before this call is the
    caller's: compliance's case decisions (proposed by one officer, approved by another)."""
    _require_reason(reason)
    if actor.api_key is not None:
        raise NotPermitted("an API key cannot lift a freeze")
    if actor.user is not None and not actor.user.has_perm("kyc.decide_freeze"):
        raise NotPermitted("lifting a freeze needs the decide_freeze permission")
    before = Customer.objects.values_list("status_before_freeze", flat=True).get(pk=customer.pk)
    return _transition(
        customer,
        actor=actor,
        to=before or Status.IN_REVIEW,
        allowed_from=(Status.FROZEN,),
        action="customer.unfrozen",
        reason=reason,
        updates={"status_before_freeze": ""},
    )
