"""Demo case queue: cases in every state, one escalated and awaiting the MLRO's STR decision.

The monitoring and screening demos have raised their alerts and hits by now, and those grouped
into open cases as they arrived. On top of them, for customers with no case yet, demo
transactions go through monitoring's intake and rules (cash just under the CTR threshold three
days running, large cash deposits), and the demo analyst works the resulting cases through the
case services:
- ``escalated``: structuring, investigated, escalated with an STR proposal awaiting the MLRO;
- ``open``: structuring, unassigned, for an analyst to pick up;
- ``investigating``: a large cash deposit, assigned, with a note;
- ``closed``: a large cash deposit explained by documents (no action);
- ``breaching``: a large cash deposit whose alert waited four days: past its SLA.
Safe to run again: each scenario keeps its customer (found by its transactions), transactions
are ingested once, and a scenario acts only on a case still in the state it expects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from compliance.cases import receivers, selectors, services
from compliance.cases.models import Case
from compliance.cases.tasks import group_new_items
from compliance.monitoring import services as monitoring
from compliance.monitoring.models import Alert, Transaction
from core.actors import Actor
from kyc.models import Customer

ACTOR = Actor.automated("seed_demo")
KARACHI = ZoneInfo("Asia/Karachi")
BACKLOG_WAITED = timedelta(days=4)


@dataclass(frozen=True)
class Deposit:
    days_ago: int
    amount_pkr: str


# Scenario -> cash deposits for one approved demo customer.
SCENARIOS: dict[str, list[Deposit]] = {
    # Three cash deposits just under PKR 2,000,000 on consecutive days: structuring.
    "escalated": [Deposit(4, "1950000.00"), Deposit(3, "1900000.00"), Deposit(2, "1985000.00")],
    "open": [Deposit(3, "1920000.00"), Deposit(2, "1975000.00"), Deposit(1, "1960000.00")],
    "investigating": [Deposit(1, "2400000.00")],
    "closed": [Deposit(6, "2250000.00")],
    "breaching": [Deposit(5, "3100000.00")],
}
BACKLOG = "breaching"
NOTES = {
    "escalated": (
        "Three cash deposits of PKR 1.90-1.99 million on consecutive days, each just under the "
        "CTR threshold. Customer declares a monthly turnover far below this and gave no source "
        "for the cash when called."
    ),
    "investigating": "Large cash deposit; asked the customer for the source of funds by e-mail.",
}
CLOSING_REASON = "Proceeds of a plot sale: sale deed and the buyer's bank transfer are on file."


def _deposit_body(customer: Customer, scenario: str, index: int, deposit: Deposit) -> dict:
    day = timezone.localdate() - timedelta(days=deposit.days_ago)
    occurred = datetime.combine(day, time(11, 15 + index), tzinfo=KARACHI)
    return {
        "external_id": f"DEMO-CASE-{scenario.upper()}-{index + 1}",
        "customer": customer.external_id,
        "kind": "deposit",
        "channel": "cash",
        "asset": "PKR",
        "amount": deposit.amount_pkr,
        "amount_pkr": deposit.amount_pkr,
        "occurred_at": min(occurred, timezone.now()).isoformat(),
    }


def _first_id(scenario: str) -> str:
    return f"DEMO-CASE-{scenario.upper()}-1"


def _scenario_customers() -> dict[str, Customer]:
    """Each scenario's customer: the one its transactions name, else a fresh approved one."""
    found = {
        tx.external_id: tx.customer
        for tx in Transaction.objects.filter(
            external_id__in=[_first_id(s) for s in SCENARIOS]
        ).select_related("customer")
    }
    customers = {s: found[_first_id(s)] for s in SCENARIOS if _first_id(s) in found}
    taken = {c.pk for c in customers.values()}
    # Customers nobody is investigating yet, so each scenario's case is its own.
    fresh = iter(
        Customer.objects.filter(external_id__startswith="DEMO-U-", status=Customer.Status.APPROVED)
        .exclude(pk__in=taken)
        .exclude(pk__in=selectors.live_cases().values("customer_id"))
        .order_by("external_id")
    )
    for scenario in SCENARIOS:
        if scenario not in customers:
            customer = next(fresh, None)
            if customer is None:
                break
            customers[scenario] = customer
    return customers


def _ingest(scenario: str, customer: Customer) -> list[str]:
    ids = []
    for index, deposit in enumerate(SCENARIOS[scenario]):
        body = _deposit_body(customer, scenario, index, deposit)
        if not Transaction.objects.filter(external_id=body["external_id"]).exists():
            ids.append(monitoring.ingest_transaction(body=body, actor=ACTOR).id)
    return ids


def _ingest_all(customers: dict[str, Customer]) -> int:
    ingested = 0
    for scenario, customer in customers.items():
        if scenario == BACKLOG:
            # Grouped by hand below, as of the day the alert arrived and nobody picked it up.
            with receivers.paused():
                ids = _ingest(scenario, customer)
            alert_ids = Alert.objects.filter(
                transactions__id__in=ids, status=Alert.Status.OPEN
            ).values_list("pk", flat=True)
            services.group_into_cases(
                alert_ids=list(alert_ids), now=timezone.now() - BACKLOG_WAITED
            )
        else:
            ids = _ingest(scenario, customer)
        ingested += len(ids)
    return ingested


def _live_case(customer: Customer) -> Case | None:
    return selectors.live_cases().filter(customer=customer).first()


def _work_the_queue(customers: dict[str, Customer], analyst) -> None:
    actor = Actor.for_user(analyst)
    case = _live_case(customers["escalated"]) if "escalated" in customers else None
    if case is not None and case.status in (Case.Status.OPEN, Case.Status.INVESTIGATING):
        if case.status == Case.Status.OPEN:
            services.start_investigation(case=case, actor=actor)
        services.add_note(case=case, text=NOTES["escalated"], actor=actor)
        services.update_case_details(
            case=case,
            actor=actor,
            summary="Structuring under the CTR threshold, three days running",
            narrative=NOTES["escalated"],
        )
        services.escalate_case(
            case=case,
            reason="Pattern consistent with structuring; no plausible source of funds.",
            actor=actor,
            propose_str=True,
        )
    case = _live_case(customers["investigating"]) if "investigating" in customers else None
    if case is not None and case.status == Case.Status.OPEN:
        services.start_investigation(case=case, actor=actor)
        services.add_note(case=case, text=NOTES["investigating"], actor=actor)
    case = _live_case(customers["closed"]) if "closed" in customers else None
    if case is not None and case.status == Case.Status.OPEN:
        services.start_investigation(case=case, actor=actor)
        services.close_case(
            case=case, outcome=Case.Outcome.NO_ACTION, reason=CLOSING_REASON, actor=actor
        )


def seed(*, stdout) -> None:
    customers = _scenario_customers()
    ingested = _ingest_all(customers)
    group_new_items()
    analyst = get_user_model().objects.filter(username="analyst").first()
    if analyst is not None:
        _work_the_queue(customers, analyst)

    counts = selectors.queue_counts()
    by_status = {
        status: sum(row[status] for row in selectors.open_case_counts().values())
        for status in Case.LIVE_STATUSES
    }
    spread = ", ".join(f"{status} {n}" for status, n in by_status.items())
    stdout.write(
        f"Cases: {sum(by_status.values())} live ({spread}); "
        f"{counts['unassigned']} unassigned, {counts['breaching']} breaching SLA, "
        f"{counts['awaiting_decision']} decision(s) awaiting the MLRO"
        + (f"; {ingested} demo transactions ingested." if ingested else ".")
    )
    escalated = customers.get("escalated")
    if escalated is not None:
        stdout.write(f"  Escalated, STR awaiting the MLRO: customer {escalated.external_id}.")
