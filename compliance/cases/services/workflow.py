"""Working a case: assign, investigate, note, attach, escalate, close.

Status moves ``open`` -> ``investigating`` -> ``escalated`` -> ``closed``; a case may be
escalated straight from ``open`` (a plain sanctions hit needs no investigation to go to the
MLRO) and closed from any live status. Every step needs a reason where it decides something,
and lands on the case timeline and in the audit trail.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from compliance.cases import access
from compliance.cases.models import Case, CaseAttachment, CaseEvent, CaseNote, Decision
from compliance.cases.services.decisions import propose_str_decision
from compliance.cases.services.steps import close_now, lock_case, require_reason
from compliance.cases.timeline import Happening, record
from compliance.screening.models import ScreeningHit
from core.actors import Actor
from core.errors import Conflict, InvalidTransition, ValidationFailed
from kyc import services as kyc_services
from kyc.models import Customer

Status = Case.Status
Outcome = Case.Outcome
# Outcomes an analyst closes with; exiting a relationship is the MLRO's, and an STR is filed
# only through an approved STR decision (four eyes).
ANALYST_OUTCOMES = (Outcome.NO_ACTION, Outcome.MONITOR)


def _require_live(case: Case) -> None:
    if not case.is_live:
        raise InvalidTransition(f"case {case.reference} is closed")


@transaction.atomic
def assign_cases(*, case_ids: Iterable[Any], assignee: Any, actor: Actor) -> list[Case]:
    """Give live cases to ``assignee`` (a user who works cases; ``None`` unassigns them).

    Closed cases and cases already with that assignee are left as they are. Returns the cases
    that changed hands.
    """
    access.require_case_worker(actor)
    if assignee is not None and not access.can_work_cases(assignee):
        raise ValidationFailed({"assignee": [f"{assignee} cannot work cases"]})
    cases = list(
        Case.objects.select_for_update(of=("self",))
        .filter(pk__in=list(case_ids), status__in=Case.LIVE_STATUSES)
        .exclude(assignee=assignee)
        .select_related("assignee")
    )
    if not cases:
        return []
    now = timezone.now()
    happenings = []
    for case in cases:
        before = {"assignee": case.assignee.get_username() if case.assignee else None}
        case.assignee = assignee
        case.updated_at = now
        name = assignee.get_username() if assignee is not None else None
        happenings.append(
            Happening(
                case=case,
                kind=CaseEvent.Kind.ASSIGNED,
                message=f"Assigned to {name}." if name else "Unassigned.",
                action="case.assigned",
                details={"assignee": name},
                before=before,
            )
        )
    Case.objects.bulk_update(cases, ["assignee", "updated_at"])
    record(actor, *happenings, at=now)
    return cases


@transaction.atomic
def start_investigation(*, case: Case, actor: Actor) -> Case:
    """An officer picks the case up; an unassigned case becomes theirs."""
    access.require_case_worker(actor, person=True)
    lock_case(case)
    if case.status != Status.OPEN:
        raise InvalidTransition(f"case {case.reference} is {case.status}, not open")
    now = timezone.now()
    case.status = Status.INVESTIGATING
    case.investigation_started_at = now
    fields = ["status", "investigation_started_at", "updated_at"]
    if case.assignee_id is None:
        case.assignee = actor.user
        fields.append("assignee")
    case.save(update_fields=fields)
    record(
        actor,
        Happening(
            case=case,
            kind=CaseEvent.Kind.INVESTIGATION_STARTED,
            message=f"Investigation started by {actor.label}.",
            action="case.investigation_started",
            details={"assignee": case.assignee.get_username() if case.assignee else None},
            before={"status": Status.OPEN},
        ),
        at=now,
    )
    return case


@transaction.atomic
def add_note(*, case: Case, text: str, actor: Actor) -> CaseNote:
    """Append a note (notes are never edited; a correction is another note)."""
    access.require_case_worker(actor)
    text = require_reason(text, field="text", what="a note").strip()
    now = timezone.now()
    note = CaseNote.objects.create(
        case=case, author=actor.user, author_label=actor.label[:200], text=text, created_at=now
    )
    record(
        actor,
        Happening(
            case=case,
            kind=CaseEvent.Kind.NOTE_ADDED,
            message=text[:200] + ("..." if len(text) > 200 else ""),
            action="case.note_added",
            details={"note": note.pk},
        ),
        at=now,
    )
    return note


@transaction.atomic
def add_attachment(
    *, case: Case, file: File, actor: Actor, description: str = ""
) -> CaseAttachment:
    """Store evidence (bank statement, screenshot, correspondence) with its SHA-256."""
    access.require_case_worker(actor)
    size = file.size or 0
    if size > settings.DOCUMENT_MAX_BYTES:
        raise ValidationFailed({"file": [f"larger than {settings.DOCUMENT_MAX_BYTES} bytes"]})
    if size == 0:
        raise ValidationFailed({"file": ["the file is empty"]})
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    name = (getattr(file, "name", "") or "attachment").rsplit("/", 1)[-1][:255]
    content_type = getattr(file, "content_type", "") or mimetypes.guess_type(name)[0] or ""
    attachment = CaseAttachment(
        case=case,
        original_name=name,
        content_type=content_type[:100],
        size=size,
        sha256=digest.hexdigest(),
        description=description.strip()[:300],
        uploaded_by=actor.user,
        uploaded_by_label=actor.label[:200],
    )
    attachment.file.save(name, file, save=False)
    attachment.save()
    record(
        actor,
        Happening(
            case=case,
            kind=CaseEvent.Kind.ATTACHMENT_ADDED,
            message=f"Attached {name} ({size} bytes).",
            action="case.attachment_added",
            details={"attachment": str(attachment.pk), "sha256": attachment.sha256},
            obj=attachment,
        ),
    )
    return attachment


@transaction.atomic
def update_case_details(
    *, case: Case, actor: Actor, summary: str | None = None, narrative: str | None = None
) -> Case:
    """Change the one-line summary or the narrative (the STR's grounds); audited with before."""
    access.require_case_worker(actor, person=True)
    lock_case(case)
    _require_live(case)
    changes = {
        name: value.strip()
        for name, value in (("summary", summary), ("narrative", narrative))
        if value is not None and value.strip() != getattr(case, name)
    }
    if not changes:
        return case
    before = {name: getattr(case, name) for name in changes}
    for name, value in changes.items():
        setattr(case, name, value)
    case.summary_edited = case.summary_edited or "summary" in changes
    limit = Case._meta.get_field("summary").max_length
    if len(changes.get("summary", "")) > limit:
        raise ValidationFailed({"summary": [f"at most {limit} characters"]})
    case.save(update_fields=[*changes, "summary_edited", "updated_at"])
    record(
        actor,
        Happening(
            case=case,
            kind=CaseEvent.Kind.DETAILS_CHANGED,
            message=f"Changed {' and '.join(changes)}.",
            action="case.details_changed",
            details=changes,
            before=before,
        ),
    )
    return case


def single_person_decision(
    case: Case, kind: str, actor: Actor, reason: str, details: dict | None = None
) -> Decision:
    """A decision one officer may take alone, recorded beside the four-eyes ones."""
    now = timezone.now()
    return Decision.objects.create(
        case=case,
        kind=kind,
        status=Decision.Status.APPROVED,
        four_eyes=False,
        proposed_by=actor.user,
        proposed_by_label=actor.label[:200],
        proposed_at=now,
        reason=reason,
        details=details or {},
        decided_by=actor.user,
        decided_by_label=actor.label[:200],
        decided_at=now,
        decision_reason=reason,
    )


@transaction.atomic
def escalate_case(*, case: Case, reason: str, actor: Actor, propose_str: bool = False) -> Case:
    """Send the case to the MLRO. Suspicion is formed now: the STR clock starts here
    (AMLA 2010 s.7: STR within 7 working days). ``propose_str`` also proposes filing an STR,
    which the MLRO approves or refuses."""
    access.require_case_worker(actor, person=True)
    reason = require_reason(reason, what="an escalation")
    lock_case(case)
    if case.status not in (Status.OPEN, Status.INVESTIGATING):
        raise InvalidTransition(f"case {case.reference} is {case.status}; it cannot be escalated")
    now = timezone.now()
    before = {"status": case.status}
    case.status = Status.ESCALATED
    case.escalated_at = now
    case.suspicion_formed_at = case.suspicion_formed_at or now
    if case.assignee_id is None:
        case.assignee = actor.user
    # The grounds for suspicion are the STR's narrative until the officer writes a fuller one.
    case.narrative = case.narrative or reason
    case.save(
        update_fields=[
            "status",
            "escalated_at",
            "suspicion_formed_at",
            "assignee",
            "narrative",
            "updated_at",
        ]
    )
    decision = single_person_decision(case, Decision.Kind.ESCALATE, actor, reason)
    record(
        actor,
        Happening(
            case=case,
            kind=CaseEvent.Kind.ESCALATED,
            message=f"Escalated to the MLRO: {reason}",
            action="case.escalated",
            details={"decision": str(decision.pk), "suspicion_formed_at": now},
            reason=reason,
            before=before,
        ),
        at=now,
    )
    if propose_str:
        propose_str_decision(case=case, reason=reason, actor=actor)
    return case


@transaction.atomic
def close_case(*, case: Case, outcome: str, reason: str, actor: Actor) -> Case:
    """Close with an outcome and a reason.

    An analyst closes with ``no_action`` or ``monitor``. Closing an escalated case, and exiting
    the relationship (which closes the customer in kyc), are the MLRO's. ``str_filed`` is never
    chosen here: it is the outcome of an approved STR decision.
    """
    access.require_case_worker(actor, person=True)
    reason = require_reason(reason, what="closing a case")
    if outcome == Outcome.STR_FILED:
        raise ValidationFailed(
            {"outcome": ["str_filed is recorded by approving an STR decision (four eyes)"]}
        )
    if outcome not in Outcome.values:
        raise ValidationFailed({"outcome": [f"unknown outcome {outcome!r}"]})
    lock_case(case)
    _require_live(case)
    if outcome == Outcome.EXIT_RELATIONSHIP:
        access.require_decider(actor, what="exiting a customer relationship")
    if case.status == Status.ESCALATED:
        access.require_decider(actor, what="closing an escalated case")
    pending = case.decisions.filter(status=Decision.Status.PROPOSED).first()
    if pending is not None:
        raise Conflict(
            f"decide the pending {pending.get_kind_display()} decision first",
            decision=str(pending.pk),
        )
    undecided = ScreeningHit.objects.filter(
        case_link__case=case, status__in=ScreeningHit.UNDECIDED
    ).count()
    if undecided:
        raise Conflict(
            f"{undecided} screening hit(s) in this case are undecided: mark each a true match "
            "or a false positive first",
            undecided_hits=undecided,
        )
    if outcome == Outcome.EXIT_RELATIONSHIP:
        _exit_relationship(case, reason, actor)
    decision = single_person_decision(
        case, Decision.Kind.CLOSE, actor, reason, details={"outcome": outcome}
    )
    close_now(case, outcome=outcome, reason=reason, actor=actor, decision=decision)
    return case


def _exit_relationship(case: Case, reason: str, actor: Actor) -> None:
    customer = Customer.objects.get(pk=case.customer_id)
    if customer.status == Customer.Status.FROZEN:
        raise Conflict("a frozen customer's relationship ends once the freeze is decided")
    if customer.status != Customer.Status.CLOSED:
        kyc_services.close_customer(
            customer=customer, actor=actor, reason=f"{reason} (case {case.reference})"
        )
