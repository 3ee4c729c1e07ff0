"""Moving a filing through its states; four-eyes; submission through the goAML adapter."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from core import audit
from core.actors import Actor
from core.errors import FourEyesViolation, InvalidTransition, NotPermitted, ValidationFailed
from reporting import outcomes
from reporting.models import Report
from reporting.services.common import (
    APPROVE_PERMISSION,
    create_report,
    locked,
    problem_messages,
    regenerate,
    require_status,
    state_of,
)
from reporting.submission import Outcome, get_submitter

# ------------------------------------------------------------------------------ transitions


@transaction.atomic
def update_draft(
    *,
    report: Report,
    actor: Actor,
    narrative: str | None = None,
    action_taken: str | None = None,
    indicators: Iterable[str] | None = None,
    reason: str = "",
) -> Report:
    """Edit a draft's narrative, action or indicators; the editor becomes its preparer."""
    report = locked(report)
    require_status(report, Report.Status.DRAFT, doing="edit")
    before = {
        "narrative": report.narrative,
        "action_taken": report.action_taken,
        "indicators": report.indicators,
    }
    if narrative is not None:
        report.narrative = narrative
    if action_taken is not None:
        report.action_taken = action_taken
    if indicators is not None:
        report.indicators = [code.strip() for code in indicators if code.strip()]
    if actor.user is not None:
        report.prepared_by = actor.user
    report.save()
    after = {
        "narrative": report.narrative,
        "action_taken": report.action_taken,
        "indicators": report.indicators,
    }
    audit.record(
        actor=actor, action="report.edited", obj=report, before=before, after=after, reason=reason
    )
    return regenerate(report=report, actor=actor)


def submit_for_approval(*, report: Report, actor: Actor) -> Report:
    """Regenerate, and move to ``pending_approval`` only when validation passes."""
    report = regenerate(report=report, actor=actor)
    if report.validation_problems:
        raise ValidationFailed({"xml": problem_messages(report)})
    with transaction.atomic():
        report = locked(report)
        require_status(report, Report.Status.DRAFT, doing="submit for approval")
        before = state_of(report)
        report.status = Report.Status.PENDING_APPROVAL
        report.approval_requested_by = actor.user
        if report.prepared_by is None:
            report.prepared_by = actor.user
        report.save()
        audit.record(
            actor=actor, action="report.submitted_for_approval", obj=report, before=before,
            after=state_of(report),
        )  # fmt: skip
    return report


@transaction.atomic
def return_to_draft(*, report: Report, actor: Actor, reason: str) -> Report:
    """The approver sends the report back for changes (reason required)."""
    if not reason.strip():
        raise ValidationFailed({"reason": ["Say what must change."]})
    report = locked(report)
    require_status(
        report, Report.Status.PENDING_APPROVAL, Report.Status.APPROVED, doing="return to draft"
    )
    before = state_of(report)
    report.status = Report.Status.DRAFT
    report.approved_by = None
    report.approved_at = None
    report.save()
    audit.record(
        actor=actor,
        action="report.returned_to_draft",
        obj=report,
        before=before,
        after=state_of(report),
        reason=reason,
    )
    return report


def _check_approver(report: Report, actor: Actor) -> None:
    user = actor.user
    if user is None or not user.has_perm(APPROVE_PERMISSION):
        raise FourEyesViolation(
            "Approving a filing needs the MLRO's approve_report permission.",
            required_permission=APPROVE_PERMISSION,
        )
    makers = {report.prepared_by_id, report.approval_requested_by_id} - {None}
    if user.pk in makers:
        raise FourEyesViolation(
            "The officer who prepared this report cannot approve it; another MLRO must."
        )


def _check_integrity(report: Report) -> None:
    digest = hashlib.sha256(report.xml.encode()).hexdigest()
    if not report.xml or digest != report.xml_sha256:
        raise InvalidTransition("the report's XML does not match its recorded SHA-256")


@transaction.atomic
def approve(*, report: Report, actor: Actor, reason: str = "") -> Report:
    report = locked(report)
    require_status(report, Report.Status.PENDING_APPROVAL, doing="approve")
    _check_approver(report, actor)
    _check_integrity(report)
    before = state_of(report)
    report.status = Report.Status.APPROVED
    report.approved_by = actor.user
    report.approved_at = timezone.now()
    report.save()
    audit.record(
        actor=actor,
        action="report.approved",
        obj=report,
        before=before,
        after=state_of(report),
        reason=reason,
    )
    return report


def submit(*, report: Report, actor: Actor) -> Report:
    """Send an approved report through the goAML adapter; record the FMU's answer if any."""
    user = actor.user
    if actor.kind == "api_key" or (user is not None and not user.has_perm(APPROVE_PERMISSION)):
        raise NotPermitted("Only the MLRO (or Nigraan's scheduler) files reports with the FMU.")
    submitter = get_submitter()
    with transaction.atomic():
        report = locked(report)
        require_status(report, Report.Status.APPROVED, doing="submit")
        _check_integrity(report)
        sent = submitter.submit(reference=report.reference, xml=report.xml.encode())
        before = state_of(report)
        report.status = Report.Status.SUBMITTED
        report.submitted_at = sent.submitted_at
        report.submitted_by_label = actor.label
        report.transport_ref = sent.transport_ref
        report.save()
        audit.record(
            actor=actor,
            action="report.submitted",
            obj=report,
            before=before,
            after={**state_of(report), "transport_ref": sent.transport_ref},
        )
    return fetch_outcome(report=report)


def fetch_outcome(*, report: Report) -> Report:
    """Ask the adapter for the FMU's answer to a submitted report and record it."""
    if report.status != Report.Status.SUBMITTED:
        return report
    outcome: Outcome | None = get_submitter().outcome(reference=report.reference)
    if outcome is None:
        return report
    fmu = Actor.automated("goaml")
    if outcome.accepted:
        return record_acknowledgement(
            report=report,
            actor=fmu,
            fiu_ref_number=outcome.fiu_ref_number,
            acknowledged_at=outcome.decided_at,
        )
    return record_rejection(
        report=report, actor=fmu, reason=outcome.reason, rejected_at=outcome.decided_at
    )


@transaction.atomic
def record_acknowledgement(
    *, report: Report, actor: Actor, fiu_ref_number: str, acknowledged_at: datetime | None = None
) -> Report:
    report = locked(report)
    require_status(report, Report.Status.SUBMITTED, doing="record an acknowledgement for")
    before = state_of(report)
    report.status = Report.Status.ACKNOWLEDGED
    report.fiu_ref_number = fiu_ref_number.strip()
    report.acknowledged_at = acknowledged_at or timezone.now()
    report.save()
    audit.record(
        actor=actor,
        action="report.acknowledged",
        obj=report,
        before=before,
        after={**state_of(report), "fiu_ref_number": report.fiu_ref_number},
    )
    outcomes.filing_answered(report)
    return report


@transaction.atomic
def record_rejection(
    *, report: Report, actor: Actor, reason: str, rejected_at: datetime | None = None
) -> Report:
    if not reason.strip():
        raise ValidationFailed({"reason": ["Give the FMU's reason for the rejection."]})
    report = locked(report)
    require_status(report, Report.Status.SUBMITTED, doing="record a rejection for")
    before = state_of(report)
    report.status = Report.Status.REJECTED
    report.rejection_reason = reason.strip()
    report.rejected_at = rejected_at or timezone.now()
    report.save()
    audit.record(
        actor=actor,
        action="report.rejected",
        obj=report,
        before=before,
        after=state_of(report),
        reason=report.rejection_reason,
    )
    outcomes.filing_answered(report)
    return report


def _base_reference(report: Report) -> str:
    first = report
    while first.previous_version_id is not None:
        first = first.previous_version
    return first.reference


def correct_and_resubmit(
    *,
    report: Report,
    actor: Actor,
    reason: str,
    narrative: str | None = None,
    action_taken: str | None = None,
    indicators: Iterable[str] | None = None,
) -> Report:
    """The corrected next version of a rejected report, as a new draft.

    The new version keeps the links and the original due date (the FMU counts from the first
    suspicion); it is validated now and must be approved again (four-eyes) before it is sent.
    Its XML names the rejected report in ``prev_rejected_ref_number``.
    """
    if not reason.strip():
        raise ValidationFailed({"reason": ["Say what was corrected."]})
    with transaction.atomic():
        old = locked(report)
        require_status(old, Report.Status.REJECTED, doing="correct")
        if Report.objects.filter(previous_version=old).exists():
            raise InvalidTransition("this report has already been corrected")
        version = old.version + 1
        new = create_report(
            kind=old.kind,
            reference=f"{_base_reference(old)}-V{version}",
            version=version,
            previous_version=old,
            origin=old.origin,
            customer=old.customer,
            case=old.case,
            screening_hit=old.screening_hit,
            prepared_by=actor.user,
            suspicion_formed_at=old.suspicion_formed_at,
            due_at=old.due_at,
            narrative=old.narrative if narrative is None else narrative,
            action_taken=old.action_taken if action_taken is None else action_taken,
            indicators=old.indicators if indicators is None else list(indicators),
        )
        new.transactions.set(old.transactions.all())
        audit.record(
            actor=actor,
            action="report.correction_started",
            obj=old,
            after={"next_version": str(new.pk), "reference": new.reference},
            reason=reason,
        )
        audit.record(
            actor=actor,
            action="report.drafted",
            obj=new,
            after={**state_of(new), "kind": new.kind, "corrects": old.reference},
            reason=reason,
        )
    return regenerate(report=new, actor=actor)
