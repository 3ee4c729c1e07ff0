"""What an officer can do to a case or a decision from the admin: a form, then one service call.

Each step says who may see it (``shown``) so the case page offers only what makes sense; the
services check roles and states again, so a hand-made POST gets the same refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from compliance.cases import access, services
from compliance.cases.admin.forms import (
    AssignForm,
    CloseForm,
    ConfirmForm,
    EscalateForm,
    NoteForm,
    ReasonForm,
    StepForm,
)
from compliance.cases.models import Case, Decision
from core.actors import Actor
from kyc.models import Customer

Status = Case.Status


@dataclass(frozen=True)
class Step:
    label: str
    form: type[StepForm]
    shown: Callable[[Any, Any], bool]
    run: Callable[[Any, dict[str, Any], Actor], object] | None = None  # one object at a time
    run_all: Callable[[list, dict[str, Any], Actor], object] | None = None  # all in one call
    decider_only: bool = False


def _pending_kinds(case: Case) -> set[str]:
    return {d.kind for d in case.decisions.all() if d.status == Decision.Status.PROPOSED}


def _customer_status(case: Case) -> str:
    return case.customer.status


CASE_STEPS: dict[str, Step] = {
    "assign": Step(
        label="Assign",
        form=AssignForm,
        run_all=lambda cases, data, actor: services.assign_cases(
            case_ids=[c.pk for c in cases], assignee=data["assignee"], actor=actor
        ),
        shown=lambda case, user: case.is_live,
    ),
    "start_investigation": Step(
        label="Start investigation",
        form=ConfirmForm,
        run=lambda case, data, actor: services.start_investigation(case=case, actor=actor),
        shown=lambda case, user: case.status == Status.OPEN,
    ),
    "add_note": Step(
        label="Add note",
        form=NoteForm,
        run=lambda case, data, actor: services.add_note(case=case, text=data["text"], actor=actor),
        shown=lambda case, user: True,
    ),
    "escalate": Step(
        label="Escalate to the MLRO",
        form=EscalateForm,
        run=lambda case, data, actor: services.escalate_case(
            case=case, reason=data["reason"], actor=actor, propose_str=data["propose_str"]
        ),
        shown=lambda case, user: case.status in (Status.OPEN, Status.INVESTIGATING),
    ),
    "close": Step(
        label="Close with reason",
        form=CloseForm,
        run=lambda case, data, actor: services.close_case(
            case=case, outcome=data["outcome"], reason=data["reason"], actor=actor
        ),
        shown=lambda case, user: (
            case.is_live and (case.status != Status.ESCALATED or access.can_decide(user))
        ),
    ),
    "propose_str": Step(
        label="Propose STR",
        form=ReasonForm,
        run=lambda case, data, actor: services.propose_str_decision(
            case=case, reason=data["reason"], actor=actor
        ),
        shown=lambda case, user: (
            case.status == Status.ESCALATED
            and Decision.Kind.STR_DECISION not in _pending_kinds(case)
        ),
    ),
    "propose_freeze": Step(
        label="Propose freeze",
        form=ReasonForm,
        run=lambda case, data, actor: services.propose_freeze(
            case=case, reason=data["reason"], actor=actor
        ),
        shown=lambda case, user: (
            case.is_live
            and _customer_status(case) not in (Customer.Status.FROZEN, Customer.Status.CLOSED)
            and Decision.Kind.FREEZE not in _pending_kinds(case)
        ),
    ),
    "propose_unfreeze": Step(
        label="Propose lifting the freeze",
        form=ReasonForm,
        run=lambda case, data, actor: services.propose_unfreeze(
            case=case, reason=data["reason"], actor=actor
        ),
        shown=lambda case, user: (
            _customer_status(case) == Customer.Status.FROZEN
            and Decision.Kind.UNFREEZE not in _pending_kinds(case)
        ),
    ),
}

DECISION_STEPS: dict[str, Step] = {
    "approve": Step(
        label="Approve",
        form=ReasonForm,
        run=lambda decision, data, actor: services.approve_decision(
            decision=decision, reason=data["reason"], actor=actor
        ),
        shown=lambda decision, user: decision.is_pending and decision.proposed_by_id != user.pk,
        decider_only=True,
    ),
    "refuse": Step(
        label="Refuse",
        form=ReasonForm,
        run=lambda decision, data, actor: services.refuse_decision(
            decision=decision, reason=data["reason"], actor=actor
        ),
        shown=lambda decision, user: decision.is_pending and decision.proposed_by_id != user.pk,
        decider_only=True,
    ),
}
