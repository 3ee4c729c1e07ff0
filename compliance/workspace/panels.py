"""What the officers' pages show: the selectors' figures turned into charts, tables and links,
keeping to what the viewer's role may see (a panel needs the view permission of its records).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode

from compliance.cases.models import Case, Decision
from compliance.monitoring.models import SEVERITIES
from compliance.screening.models import ScreeningHit
from compliance.travel_rule import selectors as travel_rule
from compliance.workspace import charts, selectors
from compliance.workspace.charts import SEVERITY_COLOURS, SLA_COLOURS, Bar, Series, StackedRow
from kyc.models import Customer

CASE_STATUS_COLOURS = {"open": "#79aec8", "investigating": "#417690", "escalated": "#ba2121"}
SLA_LABELS = {"on_track": "On track", "at_risk": "At risk", "breached": "Breaching"}
CLOSED_SLA_LABELS = {"met": "Met", "missed": "Missed"}


def admin_url(name: str, *args: Any, query: dict[str, Any] | None = None) -> str:
    """An admin URL (``"kyc_customer_change"``), or "" when that admin page is not registered."""
    try:
        url = reverse(f"admin:{name}", args=args)
    except NoReverseMatch:
        return ""
    return f"{url}?{urlencode(query)}" if query else url


def change_url(obj: Any) -> str:
    """The admin change (or view) page of ``obj``, "" when its model has none."""
    if obj is None:
        return ""
    meta = obj._meta
    return admin_url(f"{meta.app_label}_{meta.model_name}_change", obj.pk)


def customer_360_url(customer: Customer | Any) -> str:
    return reverse("workspace:customer-360", args=[getattr(customer, "pk", customer)])


@dataclass(frozen=True)
class Headline:
    """One figure in the dashboard's top strip."""

    key: str
    label: str
    value: int
    url: str = ""
    alarm: bool = False


@dataclass(frozen=True)
class Visibility:
    """Which panels a user may see, from the view permissions of their role."""

    alerts: bool
    cases: bool
    hits: bool
    customers: bool
    reviews: bool
    reports: bool

    @classmethod
    def for_user(cls, user) -> Visibility:
        perms = user.get_all_permissions()  # one cached load for every check below
        return cls(
            alerts="monitoring.view_alert" in perms,
            cases="cases.view_case" in perms,
            hits="screening.view_screeninghit" in perms,
            customers="kyc.view_customer" in perms,
            reviews="kyc.view_periodicreview" in perms,
            reports="reporting.view_report" in perms,
        )


def _alerts_chart(figures: selectors.DashboardFigures):
    series = [Series(s, s.title(), SEVERITY_COLOURS[s]) for s in SEVERITIES]
    alert_list = admin_url("monitoring_alert_changelist")
    rows = sorted(
        (
            StackedRow(
                label=typology,
                values=by_severity,
                href=f"{alert_list}?{urlencode({'typology': typology})}" if alert_list else "",
            )
            for typology, by_severity in figures.alerts_by_typology.items()
        ),
        key=lambda row: (-row.total, row.label),
    )
    return charts.stacked_bar_chart(
        rows, series, title="Open alerts by typology and severity", unit="alerts"
    )


def _ageing_chart(figures: selectors.DashboardFigures):
    series = [Series(key, label, SLA_COLOURS[key]) for key, label in SLA_LABELS.items()]
    rows = [
        StackedRow(label=Case.Priority(priority).label, values=by_sla)
        for priority, by_sla in figures.sla_by_priority.items()
    ]
    return charts.stacked_bar_chart(
        rows, series, title="Live cases by priority against their SLA", unit="cases"
    )


def _analyst_queue(user_id: int | None) -> str:
    if user_id is None:
        return admin_url("cases_case_changelist", query={"queue": "unassigned"})
    return admin_url(
        "cases_case_changelist", query={"assignee__id__exact": user_id, "queue": "live"}
    )


def _analyst_chart(figures: selectors.DashboardFigures):
    series = [
        Series(status, Case.Status(status).label, colour)
        for status, colour in CASE_STATUS_COLOURS.items()
    ]
    rows = [
        StackedRow(
            label=row["assignee"] or "Unassigned",
            values={status: row[status] for status in CASE_STATUS_COLOURS},
            href=_analyst_queue(row["assignee_id"]),
        )
        for row in figures.work_per_analyst
    ]
    return charts.stacked_bar_chart(rows, series, title="Live cases per analyst", unit="cases")


def dashboard(user) -> dict[str, Any]:
    """The dashboard's template context for ``user``."""
    can = Visibility.for_user(user)
    figures = selectors.dashboard_figures(user=user)
    context: dict[str, Any] = {"can": can, "figures": figures}
    headlines: list[Headline] = []
    if can.alerts:
        context["alerts_chart"] = _alerts_chart(figures)
        context["alerts_url"] = admin_url("monitoring_alert_changelist")
        headlines.append(
            Headline("alerts", "alerts not yet in a case", figures.alerts_unassigned,
                     admin_url("monitoring_alert_changelist", query={"status": "open"}))
        )  # fmt: skip
    if can.cases:

        def queue(**query) -> str:
            return admin_url("cases_case_changelist", query=query)

        context["ageing_chart"] = _ageing_chart(figures)
        context["analyst_chart"] = _analyst_chart(figures)
        context["cases_url"] = admin_url("cases_case_changelist")
        context["decisions_url"] = admin_url("cases_decision_changelist")
        context["sla_totals"] = [
            (label, figures.sla_totals.get(key, 0), key) for key, label in SLA_LABELS.items()
        ]
        context["priority_table"] = [
            (Case.Priority(priority).label, [by_status.get(s, 0) for s in Case.LIVE_STATUSES])
            for priority, by_status in figures.cases_by_priority.items()
        ]
        context["typology_table"] = [
            (typology, n, queue(typology=typology, queue="live"))
            for typology, n in figures.cases_by_typology.items()
        ]
        context["live_statuses"] = [Case.Status(s).label for s in Case.LIVE_STATUSES]
        context["pending_decisions"] = [
            (Decision.Kind(kind).label, n) for kind, n in figures.pending_decisions.items()
        ]
        context["analyst_rows"] = [
            (row, _analyst_queue(row["assignee_id"])) for row in figures.work_per_analyst
        ]
        queues = figures.queues
        # The MLRO's figure is what awaits *them* (not their own proposals); others see all.
        decider = user.has_perm("cases.decide_case")
        awaiting = (
            queues.get("awaiting_decision", 0)
            if decider
            else sum(figures.pending_decisions.values())
        )
        awaiting_url = admin_url(
            "cases_decision_changelist",
            query={"queue": "mine_to_decide" if decider else "pending"},
        )
        breaching = queues.get("breaching", 0)
        headlines += [
            Headline("cases", "live cases", figures.live_cases, queue(queue="live")),
            Headline("mine", "my cases", queues.get("mine", 0), queue(queue="mine")),
            Headline("unassigned", "unassigned cases", queues.get("unassigned", 0),
                     queue(queue="unassigned")),
            Headline("breaching", "cases breaching SLA", breaching, queue(queue="breaching"),
                     alarm=breaching > 0),
            Headline("decisions", "decisions awaiting a second officer", awaiting, awaiting_url),
        ]  # fmt: skip
    if can.hits:
        context["hits_url"] = admin_url("screening_screeninghit_changelist")
        context["hits_undecided"] = [
            (ScreeningHit.Status(status).label, n) for status, n in figures.hits_undecided.items()
        ]
        headlines.append(
            Headline("hits", "screening hits undecided", sum(figures.hits_undecided.values()),
                     context["hits_url"])
        )  # fmt: skip
    if can.customers:
        context["customers_url"] = admin_url("kyc_customer_changelist")
        context["onboarding"] = [
            (Customer.Status(status).label, figures.onboarding.get(status, 0), status)
            for status in selectors.ONBOARDING_QUEUE
        ]
        context["onboarding_oldest"] = [(c, customer_360_url(c)) for c in figures.onboarding_oldest]
        headlines.append(
            Headline("onboarding", "customers awaiting onboarding",
                     sum(figures.onboarding.values()), context["customers_url"])
        )  # fmt: skip
    report = selectors.report_model()
    if can.reports and report is not None:
        reports = figures.reports
        context["reports"] = reports
        context["reports_url"] = admin_url("reporting_report_changelist")
        context["report_statuses"] = [report.Status(s).label for s in report.OPEN_STATUSES]
        context["report_table"] = [
            (report.Kind(kind).label, [by_status.get(s, 0) for s in report.OPEN_STATUSES])
            for kind, by_status in sorted(reports["by_kind"].items())
        ]
        context["reports_next"] = [
            (r, change_url(r), r.due_at < figures.now) for r in reports["next"]
        ]
        headlines.append(
            Headline("reports-overdue", "filings overdue", reports["overdue"],
                     context["reports_url"], alarm=reports["overdue"] > 0)
        )  # fmt: skip
    context["headlines"] = headlines
    return context


def _volume_chart(view: selectors.Customer360):
    volume = view.daily_volume
    series = [
        (Series("in", "Deposits and transfers in", "#5b8c5a"), volume.inflow),
        (Series("out", "Withdrawals and transfers out", "#ba2121"), volume.outflow),
        (Series("other", "Trades and P2P", "#79aec8"), volume.other),
    ]
    return charts.line_chart(
        volume.days, series, title="Daily volume (PKR), last 90 days of activity", unit="PKR"
    )


def _risk_chart(view: selectors.Customer360):
    bars = [
        Bar(
            label=str(c.get("factor", "")),
            value=selectors.Decimal(str(c.get("score") or 0)),
            colour="#ba2121" if c.get("floor") else "#417690",
        )
        for c in view.contributions
        if selectors.Decimal(str(c.get("score") or 0)) > 0
    ]
    return charts.bar_chart(bars, title="Risk score by factor", unit="points")


def _alert_row(alert) -> tuple:
    link = getattr(alert, "case_link", None)  # reverse one-to-one: missing means no case
    case = link.case if link is not None else None
    return alert, change_url(alert), case, change_url(case)


def _case_row(case, now) -> tuple:
    status = case.sla_status(now).value
    return case, change_url(case), status, {**SLA_LABELS, **CLOSED_SLA_LABELS}.get(status, status)


def customer_360(user, view: selectors.Customer360) -> dict[str, Any]:
    customer = view.customer
    now = timezone.now()
    return {
        "can": Visibility.for_user(user),
        "view": view,
        "customer": customer,
        "customer_url": change_url(customer),
        "volume_chart": _volume_chart(view),
        "risk_chart": _risk_chart(view),
        "assessment_url": change_url(view.assessment),
        "hits": [(hit, change_url(hit)) for hit in view.hits],
        "transactions": [(tx, change_url(tx)) for tx in view.transactions],
        "alerts": [_alert_row(alert) for alert in view.alerts],
        "cases": [_case_row(case, now) for case in view.cases],
        "decisions": [(d, change_url(d)) for d in view.decisions],
        "reports": [(r, change_url(r)) for r in view.reports],
        "documents": [(d, change_url(d)) for d in view.documents],
        "verifications": [(v, change_url(v)) for v in view.verifications],
        "reviews": [(r, change_url(r)) for r in view.reviews],
        "travel_rule_transfers": _travel_rule_rows(customer),
    }


def _travel_rule_rows(customer: Customer) -> list[tuple]:
    now = timezone.now()
    return [
        (t, change_url(t), travel_rule.sla_text(t, now))
        for t in travel_rule.transfers_for_customer(customer.pk)[:50]
    ]
