"""Demo filings: one STR filed and acknowledged, one CTR filed, one STR awaiting MLRO approval.

Built from what the other demos left when there is any (an approved STR decision on a case,
qualifying cash deposits, a customer's monitored transactions); otherwise from kyc's demo
customers, with a few transactions taken in through monitoring's ingest service. Each filing
goes through the real services: the demo analyst prepares, the demo MLRO approves and files,
the sandbox goAML acknowledges. Idempotent: a second run finds what the first made.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from compliance.cases.models import Case, Decision
from compliance.monitoring.models import Alert, Transaction
from core.actors import Actor
from core.errors import DomainError
from kyc.models import Customer
from reporting import services
from reporting.models import Report

ACTOR = Actor.automated("seed_demo")
STR_ORIGIN = "demo:str-acknowledged"
PENDING_ORIGIN = "demo:str-awaiting-approval"
NARRATIVE_TAIL = (
    "The customer gave no economic reason when asked; the activity does not fit the declared "
    "occupation and turnover."
)
NOTES: list[str] = []  # why a demo filing stopped short, shown at the end of the seed
STR_NARRATIVE = (
    "Three cash deposits of PKR 1.93M-1.97M within 48 hours, each just under the PKR 2,000,000 "
    "CTR threshold, converted to USDT the same day and withdrawn to a wallet at a foreign VASP. "
    "The customer's declared monthly turnover is PKR 250,000; no business reason was given."
)
PENDING_NARRATIVE = (
    "Repeated USDT withdrawals to an unhosted wallet within hours of PKR deposits from several "
    "unrelated third parties; activity far above the customer's declared salary."
)


def _user(username: str):
    return get_user_model().objects.filter(username=username, is_active=True).first()


def _candidates() -> list[Customer]:
    """Approved individual demo customers with the KYC a goAML "my client" person needs."""
    return list(
        Customer.objects.filter(
            status=Customer.Status.APPROVED,
            customer_type=Customer.Type.INDIVIDUAL,
            date_of_birth__isnull=False,
        )
        .exclude(mobile="")
        .exclude(occupation="")
        .order_by("external_id")[:10]
    )


def _ingest(customer: Customer, external_id: str, **fields) -> Transaction:
    """A demo transaction through monitoring's ingest (reused when it exists)."""
    from compliance.monitoring.services.ingest import ingest_transaction

    existing = Transaction.objects.filter(external_id=external_id).first()
    if existing is not None:
        return existing
    body = {
        "external_id": external_id,
        "customer": customer.external_id,
        "kind": "deposit",
        "channel": "cash",
        "asset": "PKR",
        **fields,
    }
    result = ingest_transaction(body=body, actor=ACTOR)
    return Transaction.objects.get(pk=result.id)


def _transactions_for(customer: Customer, prefix: str) -> list[Transaction]:
    recent = list(
        Transaction.objects.filter(
            customer=customer, occurred_at__gte=timezone.now() - timedelta(days=60)
        ).order_by("-amount_pkr")[:4]
    )
    if recent:
        return recent
    start = timezone.now() - timedelta(days=6)
    rows = []
    for n, amount in enumerate(("1950000.00", "1930000.00", "1970000.00"), start=1):
        rows.append(
            _ingest(
                customer,
                f"{prefix}-{n}",
                amount=amount,
                amount_pkr=amount,
                occurred_at=(start + timedelta(hours=20 * n)).isoformat(),
            )
        )
    rows.append(
        _ingest(
            customer,
            f"{prefix}-4",
            kind="transfer_out",
            channel="crypto",
            asset="USDT",
            amount="20500.000000",
            amount_pkr="5760000.00",
            occurred_at=(start + timedelta(hours=70)).isoformat(),
            counterparty={
                "wallet_address": "TQ5NfXQY7kP3vQ3JrCk7mFJ9yVh2Lq8dRe",
                "chain": "tron",
                "vasp_name": "Gulf Digital Assets FZE",
                "country": "AE",
            },
        )
    )
    return rows


def _alerted(typologies: tuple[str, ...], *, not_for: list) -> tuple | None:
    """(customer, transactions, explanation) of a monitoring demo alert, when there is one."""
    alert = (
        Alert.objects.filter(
            typology__in=typologies,
            is_shadow=False,
            customer__status=Customer.Status.APPROVED,
            customer__customer_type=Customer.Type.INDIVIDUAL,
        )
        .exclude(customer__in=not_for)
        .select_related("customer")
        .order_by("created_at")
        .first()
    )
    if alert is None:
        return None
    transactions = list(alert.transactions.order_by("occurred_at"))
    explanation = alert.explanation.strip()
    if explanation and explanation[-1] not in ".!?":
        explanation += "."
    return (alert.customer, transactions, explanation) if transactions else None


def _drive(report: Report, *, analyst, mlro, file: bool) -> Report:
    """Analyst asks for approval; the MLRO approves and (if ``file``) files with the FMU."""
    try:
        if report.status == Report.Status.DRAFT:
            report = services.submit_for_approval(report=report, actor=Actor.for_user(analyst))
        if file and report.status == Report.Status.PENDING_APPROVAL:
            report = services.approve(
                report=report, actor=Actor.for_user(mlro), reason="Grounds reviewed (demo)."
            )
        if file and report.status == Report.Status.APPROVED:
            report = services.submit(report=report, actor=Actor.for_user(mlro))
    except DomainError as exc:
        report.refresh_from_db()
        detail = getattr(exc, "errors", None) or exc.detail or str(exc)
        NOTES.append(f"{report.reference} stays {report.status}: {detail}")
    return report


def _filed_str(candidates, analyst, mlro) -> Report | None:
    done = Report.objects.filter(kind=Report.Kind.STR, status=Report.Status.ACKNOWLEDGED).first()
    if done is not None:
        return done
    decision = (
        Decision.objects.filter(kind=Decision.Kind.STR_DECISION, status=Decision.Status.APPROVED)
        .select_related("case__customer")
        .order_by("decided_at")
        .first()
    )
    if decision is not None:
        report = services.draft_str_from_case(
            case=decision.case, actor=ACTOR, prepared_by=decision.proposed_by or analyst
        )
    elif candidates:
        alerted = _alerted(("STRUCTURING",), not_for=[])
        if alerted is not None:
            customer, transactions, explanation = alerted
            narrative = f"{explanation} {NARRATIVE_TAIL}"
        else:
            customer = candidates[0]
            transactions = _transactions_for(customer, "DEMO-RPT-STR")
            narrative = STR_NARRATIVE
        report = services.draft_str_for_transactions(
            customer=customer,
            transactions=transactions,
            actor=Actor.for_user(analyst),
            narrative=narrative,
            action_taken="Withdrawals held; customer placed under enhanced monitoring.",
            indicators=["STRUCTURING", "RAPID_MOVEMENT"],
            suspicion_formed_at=timezone.now() - timedelta(days=2),
            origin=STR_ORIGIN,
        )
    else:
        return None
    return _drive(report, analyst=analyst, mlro=mlro, file=True)


def _filed_ctr(candidates, analyst, mlro) -> Report | None:
    done = Report.objects.filter(kind=Report.Kind.CTR, status__in=Report.FILED_STATUSES).first()
    if done is not None:
        return done
    report = services.generate_ctrs()[:1] or list(
        Report.objects.filter(kind=Report.Kind.CTR, status=Report.Status.DRAFT)[:1]
    )
    if not report and len(candidates) > 1:
        tx = _ingest(
            candidates[1],
            "DEMO-RPT-CASH-1",
            amount="2500000.00",
            amount_pkr="2500000.00",
            occurred_at=(timezone.now() - timedelta(days=1)).isoformat(),
        )
        drafted = services.draft_ctr_for_transaction(tx=tx)
        report = [drafted] if drafted else []
    if not report:
        return None
    return _drive(report[0], analyst=analyst, mlro=mlro, file=True)


def _awaiting_approval(candidates, analyst, mlro) -> Report | None:
    waiting = Report.objects.filter(status=Report.Status.PENDING_APPROVAL).first()
    if waiting is not None:
        return waiting
    draft = Report.objects.filter(
        kind__in=(Report.Kind.STR, Report.Kind.STR_F), status=Report.Status.DRAFT
    ).first()
    if draft is None and len(candidates) > 2:
        filed = Report.objects.filter(origin=STR_ORIGIN).values_list("customer_id", flat=True)
        alerted = _alerted(("RAPID_MOVEMENT", "FAN_IN"), not_for=list(filed))
        if alerted is not None:
            customer, transactions, explanation = alerted
            narrative = f"{explanation} {NARRATIVE_TAIL}"
        else:
            customer = candidates[2]
            transactions = _transactions_for(customer, "DEMO-RPT-PEND")
            narrative = PENDING_NARRATIVE
        draft = services.draft_str_for_transactions(
            customer=customer,
            transactions=transactions,
            actor=Actor.for_user(analyst),
            narrative=narrative,
            indicators=["FAN_IN", "RAPID_MOVEMENT"],
            suspicion_formed_at=timezone.now() - timedelta(hours=20),
            origin=PENDING_ORIGIN,
        )
    if draft is None:
        return None
    return _drive(draft, analyst=analyst, mlro=mlro, file=False)


def seed(*, stdout) -> None:
    analyst, mlro = _user("analyst"), _user("mlro")
    if analyst is None or mlro is None:
        stdout.write("Reporting demo skipped: the demo analyst and MLRO logins are missing.")
        return
    candidates = _candidates()
    if not candidates and not Case.objects.exists():
        stdout.write("Reporting demo skipped: no approved demo customers.")
        return
    made = [
        ("STR filed and acknowledged", _filed_str(candidates, analyst, mlro)),
        ("CTR filed", _filed_ctr(candidates, analyst, mlro)),
        ("Awaiting MLRO approval", _awaiting_approval(candidates, analyst, mlro)),
    ]
    stdout.write("Filings (goAML, sandbox FMU):")
    for label, report in made:
        if report is None:
            stdout.write(f"  {label}: not made (no suitable demo data)")
            continue
        due = timezone.localtime(report.due_at).strftime("%d %b %Y") if report.due_at else "-"
        ref = f", FMU ref {report.fiu_ref_number}" if report.fiu_ref_number else ""
        stdout.write(
            f"  {label}: {report.kind} {report.reference} ({report.status}, due {due}{ref})"
        )
    for note in NOTES:
        stdout.write(f"  note: {note}")
    NOTES.clear()
    stdout.write(f"  {Report.objects.count()} report(s) in all.")
