"""Monthly summary for the supervisor: aggregate queries only, one per figure family.

Months are Karachi calendar months. Counted in the month:

- customers onboarded (approved in the month), by risk level;
- alerts raised (not shadow), by typology;
- cases closed, by outcome;
- filings submitted, by kind: how many, how many by their due time, how many late, and how
  many of them the FMU acknowledged / rejected so far.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Count, F, Q
from django.utils import timezone

from compliance.cases.models import Case
from compliance.monitoring.models import Alert
from core import spreadsheets
from core.replica import reads_from_replica
from kyc.models import Customer
from reporting.models import Report


@dataclass(frozen=True)
class FilingFigures:
    filed: int = 0
    on_time: int = 0
    late: int = 0
    acknowledged: int = 0
    rejected: int = 0


@dataclass(frozen=True)
class MonthlySummary:
    year: int
    month: int
    customers_by_risk: dict[str, int] = field(default_factory=dict)
    alerts_by_typology: dict[str, int] = field(default_factory=dict)
    cases_by_outcome: dict[str, int] = field(default_factory=dict)
    filings: dict[str, FilingFigures] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return date(self.year, self.month, 1).strftime("%B %Y")

    def rows(self) -> list[tuple[str, str, str, int]]:
        """(section, key, measure, value): the CSV's rows."""
        out = []
        for risk, n in self.customers_by_risk.items():
            out.append(("customers_onboarded", risk, "count", n))
        for typology, n in self.alerts_by_typology.items():
            out.append(("alerts", typology, "count", n))
        for outcome, n in self.cases_by_outcome.items():
            out.append(("cases_closed", outcome, "count", n))
        for kind, figures in self.filings.items():
            for measure in ("filed", "on_time", "late", "acknowledged", "rejected"):
                out.append(("filings", kind, measure, getattr(figures, measure)))
        return out

    def as_csv(self) -> str:
        buffer = io.StringIO()
        writer = spreadsheets.writer(buffer)
        writer.writerow(["month", "section", "key", "measure", "value"])
        month = f"{self.year:04d}-{self.month:02d}"
        for row in self.rows():
            writer.writerow([month, *row])
        return buffer.getvalue()


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    tz = timezone.get_default_timezone()  # Asia/Karachi
    start = datetime.combine(date(year, month, 1), time(), tzinfo=tz)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return start, datetime.combine(nxt, time(), tzinfo=tz)


def _counts(queryset, key: str) -> dict[str, int]:
    rows = queryset.values(key).annotate(n=Count("pk")).order_by(key)
    return {(row[key] or "unknown"): row["n"] for row in rows}


@reads_from_replica
def monthly_summary(year: int, month: int) -> MonthlySummary:
    start, end = month_bounds(year, month)
    customers = _counts(
        Customer.objects.filter(approved_at__gte=start, approved_at__lt=end), "risk_level"
    )
    alerts = _counts(
        Alert.objects.filter(created_at__gte=start, created_at__lt=end, is_shadow=False),
        "typology",
    )
    cases = _counts(Case.objects.filter(closed_at__gte=start, closed_at__lt=end), "outcome")
    filed = (
        Report.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
        .values("kind")
        .annotate(
            filed=Count("pk"),
            on_time=Count("pk", filter=Q(submitted_at__lte=F("due_at"))),
            late=Count("pk", filter=Q(submitted_at__gt=F("due_at"))),
            acknowledged=Count("pk", filter=Q(status=Report.Status.ACKNOWLEDGED)),
            rejected=Count("pk", filter=Q(status=Report.Status.REJECTED)),
        )
        .order_by("kind")
    )
    filings = {kind: FilingFigures() for kind in Report.Kind.values}
    for row in filed:
        kind = row.pop("kind")
        filings[kind] = FilingFigures(**row)
    return MonthlySummary(
        year=year,
        month=month,
        customers_by_risk=customers,
        alerts_by_typology=alerts,
        cases_by_outcome=cases,
        filings=filings,
    )


def bar_chart(counts: dict[str, int], *, width: int = 420, bar_height: int = 18) -> dict:
    """A server-rendered SVG bar chart: ``{"bars": [{label, value, width, y}], "height"}``."""
    top = max(counts.values(), default=0) or 1
    step = bar_height + 6
    bars = [
        {"label": label, "value": value, "width": round(width * value / top), "y": index * step}
        for index, (label, value) in enumerate(counts.items())
    ]
    return {"bars": bars, "height": len(bars) * step}
