"""Reads for the officers' pages: the dashboard's figures and a customer's 360 view.

Every figure is one aggregate query (``values().annotate()``), every list one query with its
relations joined, so a page costs the same number of queries for a customer with ten
transactions or ten thousand. Lists are capped (``LIST_LIMIT``) with their full count beside.

Filings belong to ``reporting``, which stands above ``compliance``: they are read through the
app registry (``apps.get_model``) rather than an import, so this app never imports upward.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Count, Max, Min, Q, Sum
from django.db.models import Value as V
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from compliance.cases import selectors as case_selectors
from compliance.cases.models import Case, Decision
from compliance.monitoring.models import Alert, AlertTransaction, Hold, Transaction
from compliance.onboarding.models import OnboardingAssessment
from compliance.screening.models import ScreeningHit
from core.business_calendar import KARACHI
from core.replica import reads_from_replica
from kyc.models import Customer, PeriodicReview

LIST_LIMIT = 100
CHART_DAYS = 90
MIN_CHART_DAYS = 30  # a burst of two days reads as a burst only against quieter days around it
DUE_SOON = timedelta(days=3)
ZERO = Decimal("0.00")

ONBOARDING_QUEUE = (
    Customer.Status.SUBMITTED,
    Customer.Status.VERIFYING,
    Customer.Status.IN_REVIEW,
)
INFLOW_KINDS = (Transaction.Kind.DEPOSIT, Transaction.Kind.TRANSFER_IN)
OUTFLOW_KINDS = (Transaction.Kind.WITHDRAWAL, Transaction.Kind.TRANSFER_OUT)


def report_model():
    """``reporting.Report`` when the reporting app provides it, else ``None``."""
    try:
        return apps.get_model("reporting", "Report")
    except LookupError:
        return None


# Dashboard ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardFigures:
    now: datetime
    alerts_by_typology: dict[str, dict[str, int]]  # typology -> severity -> open alerts
    alerts_unassigned: int  # open alerts not yet in a case
    cases_by_priority: dict[str, dict[str, int]]  # priority -> status -> live cases
    sla_by_priority: dict[str, dict[str, int]]  # priority -> SLA status -> live cases
    cases_by_typology: dict[str, int]  # alert typology -> live cases
    work_per_analyst: list[dict[str, Any]]  # compliance.cases.selectors.work_per_analyst rows
    queues: dict[str, int]  # work queue sizes for the viewer (mine, unassigned, breaching...)
    pending_decisions: dict[str, int]  # decision kind -> awaiting a second officer
    hits_undecided: dict[str, int]  # hit status -> count
    onboarding: dict[str, int]  # customer status -> count
    onboarding_oldest: list[Customer]
    onboarding_awaiting_mlro: int
    reviews_open: int
    reviews_overdue: int
    reports: dict[str, Any] = field(default_factory=dict)

    @property
    def open_alerts(self) -> int:
        return sum(sum(row.values()) for row in self.alerts_by_typology.values())

    @property
    def live_cases(self) -> int:
        return sum(sum(row.values()) for row in self.cases_by_priority.values())

    @property
    def sla_totals(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for row in self.sla_by_priority.values():
            for status, n in row.items():
                totals[status] = totals.get(status, 0) + n
        return totals


def _nested(rows, outer: str, inner: str) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    for row in rows:
        table.setdefault(row[outer], {})[row[inner]] = row["n"]
    return table


def open_alerts_by_typology() -> dict[str, dict[str, int]]:
    rows = (
        Alert.objects.filter(is_shadow=False)
        .exclude(status=Alert.Status.CLOSED)
        .values("typology", "severity")
        .annotate(n=Count("id"))
        .order_by("typology", "severity")
    )
    return _nested(rows, "typology", "severity")


def onboarding_queue() -> tuple[dict[str, int], list[Customer]]:
    counts = dict(
        Customer.objects.filter(status__in=ONBOARDING_QUEUE)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    oldest = list(
        Customer.objects.filter(status__in=ONBOARDING_QUEUE)
        .order_by(Coalesce("submitted_at", "created_at"))
        .only(
            "id",
            "external_id",
            "status",
            "risk_level",
            "full_name",
            "legal_name",
            "customer_type",
            "submitted_at",
            "created_at",
        )[:10]
    )
    return counts, oldest


def reports_due(now: datetime) -> dict[str, Any]:
    """Filings not yet submitted: by kind and status, overdue, due within ``DUE_SOON``."""
    report = report_model()
    if report is None:
        return {}
    pending = report.objects.filter(status__in=report.OPEN_STATUSES)
    counts = pending.aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=Q(due_at__lt=now)),
        due_soon=Count("pk", filter=Q(due_at__gte=now, due_at__lt=now + DUE_SOON)),
    )
    return {
        **counts,
        "by_kind": _nested(
            pending.values("kind", "status").annotate(n=Count("pk")).order_by(), "kind", "status"
        ),
        "next": list(
            pending.filter(due_at__isnull=False).select_related("customer").order_by("due_at")[:8]
        ),
    }


@reads_from_replica
def dashboard_figures(*, user: Any = None, now: datetime | None = None) -> DashboardFigures:
    now = now or timezone.now()
    counts, oldest = onboarding_queue()
    today = timezone.localdate(now)
    reviews = PeriodicReview.objects.filter(status=PeriodicReview.Status.OPEN).aggregate(
        open=Count("id"), overdue=Count("id", filter=Q(due_date__lt=today))
    )
    awaiting_mlro = (
        OnboardingAssessment.objects.filter(
            status=OnboardingAssessment.Status.IN_REVIEW,
            edd_required=True,
            prepared_by__isnull=False,
        )
        .exclude(source_of_wealth="")
        .count()
    )
    return DashboardFigures(
        now=now,
        alerts_by_typology=open_alerts_by_typology(),
        alerts_unassigned=Alert.objects.filter(is_shadow=False, status=Alert.Status.OPEN).count(),
        cases_by_priority=case_selectors.open_case_counts(),
        sla_by_priority=case_selectors.sla_ageing(now),
        cases_by_typology=case_selectors.open_cases_by_typology(),
        work_per_analyst=case_selectors.work_per_analyst(now),
        queues=case_selectors.queue_counts(user, now),
        pending_decisions=dict(
            case_selectors.awaiting_decision()
            .values_list("kind")
            .annotate(n=Count("id"))
            .order_by()
        ),
        hits_undecided=dict(
            ScreeningHit.objects.filter(status__in=ScreeningHit.UNDECIDED)
            .values_list("status")
            .annotate(n=Count("id"))
            .order_by()
        ),
        onboarding=counts,
        onboarding_oldest=oldest,
        onboarding_awaiting_mlro=awaiting_mlro,
        reviews_open=reviews["open"],
        reviews_overdue=reviews["overdue"],
        reports=reports_due(now),
    )


# Customer 360 ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TransactionSummary:
    count: int
    inflow_pkr: Decimal
    outflow_pkr: Decimal
    traded_pkr: Decimal
    first_at: datetime | None
    last_at: datetime | None


@dataclass(frozen=True)
class DailyVolume:
    days: list[date]
    inflow: list[Decimal]
    outflow: list[Decimal]
    other: list[Decimal]


@dataclass(frozen=True)
class Customer360:
    customer: Customer
    versions: list
    owners: list
    wallets: list
    documents: list
    verifications: list
    assessment: OnboardingAssessment | None
    contributions: list[dict[str, Any]]
    reviews: list
    hits: list[ScreeningHit]
    transactions: list[Transaction]
    transaction_summary: TransactionSummary
    daily_volume: DailyVolume
    alerts: list[Alert]
    alert_count: int
    cases: list[Case]
    decisions: list[Decision]
    alerted_transaction_ids: frozenset = frozenset()
    reports: list = field(default_factory=list)
    holds: list[Hold] = field(default_factory=list)  # pre-transaction check holds, newest first

    @property
    def live_case(self) -> Case | None:
        return next((c for c in self.cases if c.is_live), None)


def _pkr(total) -> Decimal:
    """A summed PKR column to the paisa (SQLite, the demo's database, sums with more places)."""
    return Decimal(total or 0).quantize(Decimal("0.01"))


def transaction_summary(customer: Customer) -> TransactionSummary:
    pkr = "amount_pkr"
    totals = Transaction.objects.filter(customer=customer).aggregate(
        count=Count("id"),
        inflow=Coalesce(Sum(pkr, filter=Q(kind__in=INFLOW_KINDS)), V(ZERO)),
        outflow=Coalesce(Sum(pkr, filter=Q(kind__in=OUTFLOW_KINDS)), V(ZERO)),
        traded=Coalesce(Sum(pkr, filter=~Q(kind__in=(*INFLOW_KINDS, *OUTFLOW_KINDS))), V(ZERO)),
        first_at=Min("occurred_at"),
        last_at=Max("occurred_at"),
    )
    return TransactionSummary(
        count=totals["count"],
        inflow_pkr=_pkr(totals["inflow"]),
        outflow_pkr=_pkr(totals["outflow"]),
        traded_pkr=_pkr(totals["traded"]),
        first_at=totals["first_at"],
        last_at=totals["last_at"],
    )


def daily_volume(customer: Customer, *, last_at: datetime | None) -> DailyVolume:
    """PKR per Karachi day over the ``CHART_DAYS`` days ending with the latest transaction."""
    if last_at is None:
        return DailyVolume([], [], [], [])
    end = timezone.localtime(last_at, KARACHI).date()
    start = end - timedelta(days=CHART_DAYS - 1)
    rows = (
        Transaction.objects.filter(
            customer=customer,
            occurred_at__gte=datetime.combine(start, datetime.min.time(), tzinfo=KARACHI),
        )
        .annotate(day=TruncDate("occurred_at", tzinfo=KARACHI))
        .values("day")
        .annotate(
            inflow=Sum("amount_pkr", filter=Q(kind__in=INFLOW_KINDS)),
            outflow=Sum("amount_pkr", filter=Q(kind__in=OUTFLOW_KINDS)),
            total=Sum("amount_pkr"),
        )
        .order_by("day")
    )
    by_day = {row["day"]: row for row in rows}
    first = min(min(by_day, default=end), end - timedelta(days=MIN_CHART_DAYS - 1))
    days = [first + timedelta(days=i) for i in range((end - first).days + 1)]
    volume = DailyVolume(days, [], [], [])
    for day in days:
        row = by_day.get(day, {})
        inflow, outflow = _pkr(row.get("inflow")), _pkr(row.get("outflow"))
        volume.inflow.append(inflow)
        volume.outflow.append(outflow)
        volume.other.append(_pkr(row.get("total")) - inflow - outflow)
    return volume


def _customer_reports(customer: Customer, case_ids: list) -> list:
    report = report_model()
    if report is None:
        return []
    mine = Q(customer=customer) | Q(case_id__in=case_ids) if case_ids else Q(customer=customer)
    return list(report.objects.filter(mine).order_by("-created_at")[:LIST_LIMIT])


def customer_360(customer: Customer) -> Customer360:
    """Everything known about ``customer`` for one page, in a fixed number of queries."""
    summary = transaction_summary(customer)
    assessment = (
        OnboardingAssessment.objects.filter(customer=customer)
        .exclude(status=OnboardingAssessment.Status.SUPERSEDED)
        .select_related("verification", "prepared_by", "approved_by")
        .order_by("-started_at")
        .first()
    )
    contributions = sorted(
        (assessment.contributions if assessment else []) or [],
        key=lambda c: Decimal(str(c.get("score") or 0)),
        reverse=True,
    )
    alerts_qs = Alert.objects.filter(customer=customer, is_shadow=False)
    transactions = list(
        Transaction.objects.filter(customer=customer).order_by("-occurred_at")[:LIST_LIMIT]
    )
    alerted = frozenset(
        AlertTransaction.objects.filter(
            transaction_id__in=[tx.pk for tx in transactions], alert__is_shadow=False
        ).values_list("transaction_id", flat=True)
    )
    cases = list(
        case_selectors.cases_for_customer(customer).annotate(
            note_count=Count("notes", distinct=True)
        )
    )
    case_ids = [c.pk for c in cases]
    return Customer360(
        customer=customer,
        versions=list(customer.versions.select_related("actor_user").order_by("-version")),
        owners=list(customer.beneficial_owners.all()),
        wallets=list(customer.wallets.all()),
        documents=list(customer.documents.order_by("-created_at")),
        verifications=list(customer.verifications.order_by("-created_at")),
        assessment=assessment,
        contributions=contributions,
        reviews=list(customer.reviews.order_by("-due_date")[:LIST_LIMIT]),
        hits=list(
            ScreeningHit.objects.filter(customer=customer)
            .select_related("entry", "list_version__watchlist", "decided_by", "confirmed_by")
            .order_by("-created_at")[:LIST_LIMIT]
        ),
        transactions=transactions,
        alerted_transaction_ids=alerted,
        transaction_summary=summary,
        daily_volume=daily_volume(customer, last_at=summary.last_at),
        alerts=list(
            alerts_qs.select_related("rule", "case_link__case").order_by("-created_at")[:LIST_LIMIT]
        ),
        alert_count=alerts_qs.count(),
        cases=cases,
        decisions=list(
            Decision.objects.filter(case_id__in=case_ids)
            .select_related("case")
            .order_by("-proposed_at")
        )
        if case_ids
        else [],
        reports=_customer_reports(customer, case_ids),
        holds=list(Hold.objects.filter(customer=customer).order_by("-created_at")[:LIST_LIMIT]),
    )
