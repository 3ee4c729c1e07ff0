"""Drafting filings from cases, confirmed sanctions matches and qualifying cash transactions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from compliance.cases.models import Case
from compliance.monitoring.models import Transaction
from compliance.screening.models import ScreeningHit
from core import audit, dead_letters
from core.actors import Actor
from kyc.models import Customer
from reporting import selectors
from reporting.goaml.lookups import Lookups
from reporting.models import Report
from reporting.services.common import (
    create_report,
    latest_for_origin,
    regenerate,
    state_of,
)

# ----------------------------------------------------------------------------------- drafting


def _indicators_of_case(case: Case) -> list[str]:
    typologies = (
        case.alert_links.order_by("linked_at").values_list("alert__typology", flat=True).distinct()
    )
    codes: list[str] = []
    for code in typologies:
        if code not in codes:
            codes.append(code)
    if case.hit_links.filter(hit__status=ScreeningHit.Status.TRUE_MATCH).exists():
        codes.append("SANCTIONED_COUNTERPARTY")
    return codes


def transactions_of_case(case: Case) -> list[Transaction]:
    """The case's alerted transactions and those named by its screening hits."""
    alerted = Transaction.objects.filter(alerts__case_link__case=case)
    refs = [r for r in case.hit_links.values_list("hit__transaction_ref", flat=True) if r]
    named = Transaction.objects.filter(external_id__in=refs, customer_id=case.customer_id)
    return list((alerted | named).distinct().order_by("occurred_at"))


def _case_action(case: Case) -> str:
    lines = [f"Case {case.reference} investigated and escalated to the MLRO."]
    if case.customer.status == Customer.Status.FROZEN:
        lines.append("The customer's account is frozen.")
    return " ".join(lines)


def draft_str_from_case(
    *,
    case: Case,
    actor: Actor,
    kind: str = Report.Kind.STR,
    narrative: str | None = None,
    prepared_by=None,
) -> Report:
    """The STR draft for an escalated case (idempotent: a case has one report chain).

    The clock starts when suspicion was formed: the case's ``suspicion_formed_at`` (set when
    it was escalated), else its escalation time, else now.
    """
    origin = f"case:{case.pk}"
    existing = latest_for_origin(origin)
    if existing is not None:
        return existing
    formed = case.suspicion_formed_at or case.escalated_at or timezone.now()
    with transaction.atomic():
        report = create_report(
            kind=kind,
            origin=origin,
            case=case,
            customer=case.customer,
            prepared_by=prepared_by or actor.user,
            suspicion_formed_at=formed,
            due_at=selectors.str_due_for(formed),
            narrative=narrative if narrative is not None else (case.narrative or case.summary),
            action_taken=_case_action(case),
            indicators=_indicators_of_case(case),
        )
        report.transactions.set(transactions_of_case(case))
        audit.record(
            actor=actor,
            action="report.drafted",
            obj=report,
            after={**state_of(report), "kind": report.kind, "origin": origin},
            reason=f"STR for case {case.reference}",
        )
    return regenerate(report=report, actor=actor)


def draft_strf_from_hit(*, hit: ScreeningHit, actor: Actor) -> Report:
    """The STR-F draft for a confirmed targeted-financial-sanctions match (idempotent).

    Transactions: the one the hit was found on, else the customer's last 90 days (at most
    50). A customer with none cannot be reported as transactions; validation says so.
    """
    origin = f"screening_hit:{hit.pk}"
    existing = latest_for_origin(origin)
    if existing is not None:
        return existing
    formed = hit.confirmed_at or hit.decided_at or timezone.now()
    customer = hit.customer
    if hit.transaction_ref:
        rows = list(Transaction.objects.filter(external_id=hit.transaction_ref, customer=customer))
    else:
        since = formed - timedelta(days=90)
        rows = list(
            Transaction.objects.filter(customer=customer, occurred_at__gte=since).order_by(
                "-occurred_at"
            )[:50]
        )
    entry = hit.entry
    narrative = (
        f"{hit.get_subject_kind_display()} '{hit.subject_name}' matches "
        f"{getattr(entry, 'list_code', 'a sanctions list')} entry "
        f"{getattr(entry, 'entry_id', '')} ('{hit.matched_name}', score {hit.score}). "
        "Confirmed as a true match by a second officer"
        + (f" on {timezone.localtime(hit.confirmed_at):%d %b %Y}" if hit.confirmed_at else "")
        + "."
        + (f" Grounds: {hit.confirmation_reason or hit.reason}" if hit.reason else "")
    )
    indicators = ["TFS_MATCH"]
    if hit.subject_kind in (ScreeningHit.SubjectKind.COUNTERPARTY, ScreeningHit.SubjectKind.WALLET):
        indicators.append("SANCTIONED_COUNTERPARTY")
    action = (
        "Funds and account frozen without delay (UNSC Act 1948 SROs / ATA 1997 s.11O)."
        if customer.status == Customer.Status.FROZEN
        else ""
    )
    with transaction.atomic():
        report = create_report(
            kind=Report.Kind.STR_F,
            origin=origin,
            screening_hit=hit,
            customer=customer,
            prepared_by=actor.user,
            suspicion_formed_at=formed,
            due_at=selectors.str_due_for(formed),
            narrative=narrative,
            action_taken=action,
            indicators=indicators,
        )
        report.transactions.set(rows)
        audit.record(
            actor=actor,
            action="report.drafted",
            obj=report,
            after={**state_of(report), "kind": report.kind, "origin": origin},
            reason="STR-F for a confirmed sanctions match",
        )
    return regenerate(report=report, actor=actor)


def draft_str_for_transactions(
    *,
    customer: Customer,
    transactions: Iterable[Transaction],
    actor: Actor,
    narrative: str,
    action_taken: str = "",
    indicators: Iterable[str] = (),
    suspicion_formed_at: datetime | None = None,
    kind: str = Report.Kind.STR,
    origin: str = "",
) -> Report:
    """An STR (or STR-F) on chosen transactions without a case: the MLRO's own suspicion.

    With an ``origin`` the call is idempotent (the existing report chain is returned).
    """
    if origin:
        existing = latest_for_origin(origin)
        if existing is not None:
            return existing
    formed = suspicion_formed_at or timezone.now()
    with transaction.atomic():
        report = create_report(
            kind=kind,
            origin=origin,
            customer=customer,
            prepared_by=actor.user,
            suspicion_formed_at=formed,
            due_at=selectors.str_due_for(formed),
            narrative=narrative,
            action_taken=action_taken,
            indicators=list(indicators),
        )
        report.transactions.set(list(transactions))
        audit.record(
            actor=actor,
            action="report.drafted",
            obj=report,
            after={**state_of(report), "kind": report.kind, "origin": origin},
        )
    return regenerate(report=report, actor=actor)


def qualifies_for_ctr(tx: Transaction, threshold_pkr) -> bool:
    """Cash of PKR ``threshold`` or more (exactly the threshold qualifies)."""
    return tx.channel == Transaction.Channel.CASH and tx.amount_pkr >= threshold_pkr


def draft_ctr_for_transaction(
    *, tx: Transaction, actor: Actor | None = None, lookups: Lookups | None = None
) -> Report | None:
    """The CTR for a qualifying cash transaction; ``None`` when it does not qualify.

    Idempotent: one CTR chain per transaction. Due ``ctr_schedule_days`` working days after
    the transaction.
    """
    actor = actor or Actor.automated("reporting.ctr")
    if not qualifies_for_ctr(tx, selectors.filing_settings().ctr_threshold_pkr):
        return None
    origin = f"transaction:{tx.pk}"
    existing = latest_for_origin(origin)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            report = create_report(
                kind=Report.Kind.CTR,
                origin=origin,
                customer_id=tx.customer_id,
                prepared_by=actor.user,
                due_at=selectors.ctr_due_for(tx.occurred_at),
            )
            report.transactions.set([tx])
            audit.record(
                actor=actor,
                action="report.drafted",
                obj=report,
                after={**state_of(report), "kind": report.kind, "origin": origin},
                reason=f"Cash transaction {tx.external_id} of PKR {tx.amount_pkr}",
            )
    except IntegrityError:  # drafted concurrently (signal and sweep at once)
        return latest_for_origin(origin)
    return regenerate(report=report, actor=actor, lookups=lookups)


def transactions_needing_ctr(*, now: datetime | None = None):
    """Qualifying cash transactions in the look-back window that have no CTR yet."""
    settings = selectors.filing_settings()
    now = now or timezone.now()
    links = Report.transactions.through.objects.filter(
        transaction_id=OuterRef("pk"), report__kind=Report.Kind.CTR
    )
    return (
        Transaction.objects.filter(
            channel=Transaction.Channel.CASH,
            amount_pkr__gte=settings.ctr_threshold_pkr,
            occurred_at__gte=now - timedelta(days=settings.ctr_lookback_days),
        )
        .filter(~Exists(links))
        .order_by("occurred_at")
    )


CTR_KIND = "reporting.ctr"


def draft_ctrs_isolating(transactions: list[Transaction], *, lookups=None) -> list[Report]:
    """Draft each transaction's CTR on its own: one that fails is set aside as a dead letter
    (``core.dead_letters``) and the others are drafted."""
    actor = Actor.automated("reporting.ctr")

    def draft(part: list[Transaction]) -> list[Report | None]:
        with transaction.atomic():  # a part that fails leaves nothing half-drafted
            return [draft_ctr_for_transaction(tx=tx, actor=actor, lookups=lookups) for tx in part]

    outcome = dead_letters.run_isolating(CTR_KIND, transactions, draft, key=lambda tx: str(tx.pk))
    return [report for part in outcome.results for report in part if report is not None]


def _retry_ctrs(transaction_ids: list[str]) -> None:
    """The officers' retry of CTRs set aside."""
    draft_ctrs_isolating(
        list(Transaction.objects.select_related("customer").filter(pk__in=transaction_ids))
    )


dead_letters.register(CTR_KIND, retry=_retry_ctrs)


def generate_ctrs(*, now: datetime | None = None, limit: int = 1000) -> list[Report]:
    """The beat sweep: a CTR draft for every qualifying cash transaction without one. One
    transaction that cannot be drafted is set aside, never stops the others, and is left out
    of later sweeps until an officer retries it."""
    lookups = selectors.current_lookups()
    set_aside = dead_letters.open_item_ids(CTR_KIND)
    transactions = list(
        transactions_needing_ctr(now=now)
        .exclude(pk__in=set_aside)
        .select_related("customer")[:limit]
    )
    # One part per transaction: a failing one is set aside alone, nothing is drafted twice.
    return [r for tx in transactions for r in draft_ctrs_isolating([tx], lookups=lookups)]
