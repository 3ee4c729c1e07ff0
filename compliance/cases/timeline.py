"""Writing a case's timeline: each happening is a ``CaseEvent`` and an audit event at once.

The timeline is what an officer reads; the audit trail is what an inspector verifies. Writing
both from one place keeps them from drifting apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models
from django.utils import timezone

from compliance.cases.models import Case, CaseEvent
from core import audit
from core.actors import Actor


@dataclass(frozen=True)
class Happening:
    case: Case
    kind: str  # CaseEvent.Kind
    message: str
    action: str  # audit action, e.g. "case.escalated"
    details: dict[str, Any] = field(default_factory=dict)
    reason: str = ""
    obj: models.Model | None = None  # what the audit event is about; the case by default
    before: dict[str, Any] | None = None


def record(actor: Actor, *happenings: Happening, at: datetime | None = None) -> list[CaseEvent]:
    """Append the happenings to their cases' timelines and to the audit trail (one batch each)."""
    if not happenings:
        return []
    now = at or timezone.now()
    details = [audit.to_json_safe(h.details) or {} for h in happenings]
    events = CaseEvent.objects.bulk_create(
        CaseEvent(
            case=h.case,
            occurred_at=now,
            kind=h.kind,
            actor_user=actor.user,
            actor_label=actor.label[:200],
            message=h.message[:500],
            details=detail,
        )
        for h, detail in zip(happenings, details)
    )
    audit.record_many(
        audit.Entry(
            actor=actor,
            action=h.action,
            obj=h.obj if h.obj is not None else h.case,
            before=h.before,
            after={"case": h.case.reference, **detail},
            reason=h.reason,
        )
        for h, detail in zip(happenings, details)
    )
    return events
