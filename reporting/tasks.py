"""Reporting's scheduled work (queue ``reports``); thin callers of reporting.services."""

from __future__ import annotations

from celery import shared_task

from core.actors import Actor
from reporting import selectors, services
from reporting.models import Report


@shared_task(name="reporting.generate_ctrs")
def generate_ctrs() -> int:
    """Beat: a CTR draft for every qualifying cash transaction that has none (idempotent)."""
    return len(services.generate_ctrs())


@shared_task(name="reporting.draft_ctr")
def draft_ctr(transaction_id: str) -> str | None:
    """One transaction's CTR, as soon as monitoring announces large cash."""
    from compliance.monitoring.models import Transaction

    tx = Transaction.objects.filter(pk=transaction_id).first()
    if tx is None:
        return None
    report = services.draft_ctr_for_transaction(tx=tx)
    return str(report.pk) if report else None


@shared_task(name="reporting.draft_strf")
def draft_strf(hit_id: str) -> str | None:
    """The STR-F draft for a confirmed sanctions match."""
    from compliance.screening.models import ScreeningHit

    hit = ScreeningHit.objects.select_related("customer", "entry").filter(pk=hit_id).first()
    if hit is None:
        return None
    return str(services.draft_strf_from_hit(hit=hit, actor=Actor.automated("reporting")).pk)


@shared_task(name="reporting.draft_str")
def draft_str(case_id: str, decision_id: str | None = None) -> str | None:
    """The STR draft for a case whose STR decision the MLRO approved."""
    from compliance.cases.models import Case, Decision

    case = Case.objects.select_related("customer").filter(pk=case_id).first()
    if case is None:
        return None
    decision = Decision.objects.filter(pk=decision_id).first() if decision_id else None
    # The analyst who proposed the STR is its maker; the MLRO who agreed may approve the filing.
    maker = decision.proposed_by if decision is not None else None
    report = services.draft_str_from_case(
        case=case, actor=Actor.automated("reporting"), prepared_by=maker
    )
    return str(report.pk)


@shared_task(name="reporting.alert_overdue")
def alert_overdue() -> int:
    """Beat: tell the MLRO about filings past their deadline (once a day per report)."""
    return len(services.alert_overdue())


@shared_task(name="reporting.fetch_outcomes")
def fetch_outcomes() -> int:
    """Ask the goAML adapter for the FMU's answer to every report still awaiting one."""
    changed = 0
    for report in Report.objects.filter(status=Report.Status.SUBMITTED):
        if services.fetch_outcome(report=report).status != Report.Status.SUBMITTED:
            changed += 1
    return changed


@shared_task(name="reporting.sweep_lost_drafts", ignore_result=True)
def sweep_lost_drafts() -> int:
    """Beat: STR and STR-F drafts whose task was lost (broker down, worker killed) are drafted.

    Drafting is idempotent per origin, so a draft that is merely slow is not made twice.
    """
    cases, hits = selectors.lost_draft_origins()
    for case_id, decision_id in cases:
        draft_str.delay(str(case_id), str(decision_id))
    for hit_id in hits:
        draft_strf.delay(str(hit_id))
    return len(cases) + len(hits)
