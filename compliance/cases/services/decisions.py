"""Four-eyes decisions on a case: file an STR, freeze the customer, lift a freeze.

One officer proposes (with a reason); a second officer holding ``cases.decide_case`` (the MLRO)
approves or refuses (with a reason). Maker and checker are different people: the service
refuses a self-approval whatever the caller (admin, API, task, test), and a database constraint
refuses it again. Approval takes effect in the same transaction: an STR closes the case as
``str_filed`` and tells reporting (``signals.str_approved``); a freeze or unfreeze goes through
kyc (``customer.frozen`` webhook; ``/transactions/check/`` blocks a frozen customer).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from compliance.cases import access
from compliance.cases.models import Case, CaseEvent, Decision
from compliance.cases.services.steps import close_now, lock_case, require_reason
from compliance.cases.signals import str_approved
from compliance.cases.timeline import Happening, record
from core.actors import Actor
from core.errors import Conflict, InvalidTransition
from kyc import services as kyc_services
from kyc.models import Customer

Kind = Decision.Kind


def _propose(case: Case, kind: str, reason: str, actor: Actor) -> Decision:
    pending = case.decisions.filter(kind=kind, status=Decision.Status.PROPOSED).first()
    if pending is not None:
        raise Conflict(
            f"a {pending.get_kind_display()} decision is already awaiting approval",
            decision=str(pending.pk),
        )
    now = timezone.now()
    decision = Decision.objects.create(
        case=case,
        kind=kind,
        status=Decision.Status.PROPOSED,
        four_eyes=True,
        proposed_by=actor.user,
        proposed_by_label=actor.label[:200],
        proposed_at=now,
        reason=reason,
    )
    record(
        actor,
        Happening(
            case=case,
            kind=CaseEvent.Kind.DECISION_PROPOSED,
            message=f"Proposed: {decision.get_kind_display()}. {reason}",
            action=f"case.{kind}_proposed",
            details={"decision": str(decision.pk), "kind": kind},
            reason=reason,
            obj=decision,
        ),
        at=now,
    )
    return decision


def _customer_status(case: Case) -> str:
    return Customer.objects.values_list("status", flat=True).get(pk=case.customer_id)


@transaction.atomic
def propose_str_decision(*, case: Case, reason: str, actor: Actor) -> Decision:
    """Propose filing an STR on an escalated case; the MLRO (another officer) decides."""
    access.require_case_worker(actor, person=True)
    reason = require_reason(reason, what="an STR proposal")
    lock_case(case)
    if case.status != Case.Status.ESCALATED:
        raise InvalidTransition(
            f"case {case.reference} is {case.status}: escalate it to the MLRO first"
        )
    return _propose(case, Kind.STR_DECISION, reason, actor)


@transaction.atomic
def propose_freeze(*, case: Case, reason: str, actor: Actor) -> Decision:
    """Propose freezing the case's customer (e.g. a confirmed sanctions match)."""
    access.require_case_worker(actor, person=True)
    reason = require_reason(reason, what="a freeze proposal")
    lock_case(case)
    if not case.is_live:
        raise InvalidTransition(f"case {case.reference} is closed")
    status = _customer_status(case)
    if status in (Customer.Status.FROZEN, Customer.Status.CLOSED):
        raise InvalidTransition(f"the customer is {status}; there is nothing to freeze")
    return _propose(case, Kind.FREEZE, reason, actor)


@transaction.atomic
def propose_unfreeze(*, case: Case, reason: str, actor: Actor) -> Decision:
    """Propose lifting the customer's freeze (allowed on a closed case: a freeze outlives it)."""
    access.require_case_worker(actor, person=True)
    reason = require_reason(reason, what="an unfreeze proposal")
    lock_case(case)
    if _customer_status(case) != Customer.Status.FROZEN:
        raise InvalidTransition("the customer is not frozen")
    return _propose(case, Kind.UNFREEZE, reason, actor)


def _lock_pending(decision: Decision) -> tuple[Decision, Case]:
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    if locked.status != Decision.Status.PROPOSED:
        raise InvalidTransition(f"the decision is already {locked.status}")
    if not locked.four_eyes:
        raise InvalidTransition("this decision was taken by one officer; nothing to approve")
    case = Case.objects.select_for_update().get(pk=locked.case_id)
    return locked, case


def _decide(decision: Decision, status: str, reason: str, actor: Actor) -> None:
    decision.status = status
    decision.decided_by = actor.user
    decision.decided_by_label = actor.label[:200]
    decision.decided_at = timezone.now()
    decision.decision_reason = reason
    decision.save(
        update_fields=[
            "status",
            "decided_by",
            "decided_by_label",
            "decided_at",
            "decision_reason",
            "updated_at",
        ]
    )


@transaction.atomic
def approve_decision(*, decision: Decision, reason: str, actor: Actor) -> Decision:
    """The checker approves: a different officer with ``cases.decide_case``. Takes effect now."""
    locked, case = _lock_pending(decision)
    access.require_checker(actor, maker_id=locked.proposed_by_id)
    reason = require_reason(reason, what="approving a decision")
    _decide(locked, Decision.Status.APPROVED, reason, actor)
    record(
        actor,
        Happening(
            case=case,
            kind=CaseEvent.Kind.DECISION_APPROVED,
            message=f"Approved: {locked.get_kind_display()}. {reason}",
            action=f"case.{locked.kind}_approved",
            details={
                "decision": str(locked.pk),
                "kind": locked.kind,
                "proposed_by": locked.proposed_by_label,
            },
            reason=reason,
            obj=locked,
        ),
    )
    if locked.kind == Kind.STR_DECISION:
        _file_str(locked, case, reason, actor)
    elif locked.kind == Kind.FREEZE:
        _freeze(locked, case, actor)
    elif locked.kind == Kind.UNFREEZE:
        _unfreeze(locked, case, actor)
    _copy(locked, decision)
    return locked


@transaction.atomic
def refuse_decision(*, decision: Decision, reason: str, actor: Actor) -> Decision:
    """The checker refuses (same authority as approving); nothing takes effect. A refused STR
    leaves the case escalated for the MLRO to close or to act on otherwise."""
    locked, case = _lock_pending(decision)
    access.require_checker(actor, maker_id=locked.proposed_by_id)
    reason = require_reason(reason, what="refusing a decision")
    _decide(locked, Decision.Status.REFUSED, reason, actor)
    record(
        actor,
        Happening(
            case=case,
            kind=CaseEvent.Kind.DECISION_REFUSED,
            message=f"Refused: {locked.get_kind_display()}. {reason}",
            action=f"case.{locked.kind}_refused",
            details={"decision": str(locked.pk), "kind": locked.kind},
            reason=reason,
            obj=locked,
        ),
    )
    _copy(locked, decision)
    return locked


def _copy(source: Decision, target: Decision) -> None:
    for f in Decision._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))


def _file_str(decision: Decision, case: Case, reason: str, actor: Actor) -> None:
    if case.status != Case.Status.ESCALATED:
        raise InvalidTransition(f"case {case.reference} is {case.status}, no longer escalated")
    other = case.decisions.filter(status=Decision.Status.PROPOSED).exclude(pk=decision.pk)
    if other.exists():
        raise Conflict("decide the case's other pending decisions before filing the STR")
    close_now(
        case,
        outcome=Case.Outcome.STR_FILED,
        reason=f"{decision.reason} / approved: {reason}",
        actor=actor,
        decision=decision,
    )
    case_id, decision_id = case.pk, decision.pk
    transaction.on_commit(lambda: str_approved.send(Case, case_id=case_id, decision_id=decision_id))


def _freeze(decision: Decision, case: Case, actor: Actor) -> None:
    customer = Customer.objects.get(pk=case.customer_id)
    kyc_services.freeze_customer(
        customer=customer, actor=actor, reason=f"{decision.reason} (case {case.reference})"
    )
    record(
        actor,
        Happening(
            case=case,
            kind=CaseEvent.Kind.CUSTOMER_FROZEN,
            message=f"Customer {customer.external_id} frozen; the exchange was notified.",
            action="case.customer_frozen",
            details={"decision": str(decision.pk), "customer": str(customer.pk)},
            obj=decision,
        ),
    )


def _unfreeze(decision: Decision, case: Case, actor: Actor) -> None:
    customer = Customer.objects.get(pk=case.customer_id)
    kyc_services.unfreeze_customer(
        customer=customer, actor=actor, reason=f"{decision.reason} (case {case.reference})"
    )
    record(
        actor,
        Happening(
            case=case,
            kind=CaseEvent.Kind.CUSTOMER_UNFROZEN,
            message=f"Freeze lifted; customer {customer.external_id} is {customer.status}.",
            action="case.customer_unfrozen",
            details={"decision": str(decision.pk), "customer": str(customer.pk)},
            obj=decision,
        ),
    )
