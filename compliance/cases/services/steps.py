"""What every case action does alike: lock the row, insist on a reason, close the case.

Shared by ``workflow`` (the officer's steps) and ``decisions`` (four-eyes decisions), which
both import from here and not from each other.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from compliance.cases.models import Case, CaseEvent, Decision
from compliance.cases.signals import case_closed
from compliance.cases.timeline import Happening, record
from compliance.monitoring.models import Alert
from core.actors import Actor
from core.errors import ValidationFailed

Status = Case.Status


def lock_case(case: Case) -> Case:
    """Lock the case row for the rest of the transaction and bring ``case`` up to date."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    for f in Case._meta.concrete_fields:
        setattr(case, f.attname, getattr(locked, f.attname))
    case._state.adding, case._state.db = False, locked._state.db
    return case


def require_reason(reason: str, *, field: str = "reason", what: str = "this decision") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({field: [f"{what} needs a reason"]})
    return reason


def close_now(case: Case, *, outcome: str, reason: str, actor: Actor, decision: Decision) -> None:
    """Close a locked, live case (shared by ``close_case`` and STR approval)."""
    now = timezone.now()
    before = {"status": case.status}
    case.status = Status.CLOSED
    case.outcome = outcome
    case.closed_at = now
    case.closed_by = actor.user
    case.closing_reason = reason
    case.save(
        update_fields=[
            "status",
            "outcome",
            "closed_at",
            "closed_by",
            "closing_reason",
            "updated_at",
        ]
    )
    # The case's alerts are dealt with; a later finding of the same episode raises a new alert.
    Alert.objects.filter(case_link__case=case, status=Alert.Status.IN_CASE).update(
        status=Alert.Status.CLOSED, status_changed_at=now, updated_at=now
    )
    record(
        actor,
        Happening(
            case=case,
            kind=CaseEvent.Kind.CLOSED,
            message=f"Closed ({case.get_outcome_display()}): {reason}",
            action="case.closed",
            details={"outcome": outcome, "decision": str(decision.pk)},
            reason=reason,
            before=before,
        ),
        at=now,
    )
    case_id = case.pk
    transaction.on_commit(lambda: case_closed.send(Case, case_id=case_id, outcome=outcome))
