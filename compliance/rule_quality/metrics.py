"""Quality figures of a rule: counting, ratios, buckets and the precision flag. Plain Python.

The dashboard reads pre-aggregated counts (``services.stats`` computes them in SQL for a
million alerts); ``summarise`` is the same arithmetic over alerts in memory, used by tests and
small reports, so the two can be checked against each other.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

KARACHI = ZoneInfo("Asia/Karachi")
ALL_TIME = date(2000, 1, 1)  # the period_start of the "all" rows
HOURS = Decimal("0.01")


@dataclass(frozen=True)
class AlertFacts:
    """What quality needs of one alert (and its label, when it has one)."""

    rule_id: str
    version_id: int
    customer_id: str
    created_at: datetime
    status: str  # open | in_case | closed
    label: str = ""
    true_positive: bool = False
    dispositioned_at: datetime | None = None
    filing: str = ""


@dataclass
class Counts:
    alerts: int = 0
    customers: int = 0
    in_case: int = 0
    dispositioned: int = 0
    true_positives: int = 0
    str_filed: int = 0
    fmu_acknowledged: int = 0
    open_backlog: int = 0
    median_hours_to_disposition: Decimal | None = None
    _customers: set = field(default_factory=set, repr=False, compare=False)
    _hours: list = field(default_factory=list, repr=False, compare=False)

    def add(self, a: AlertFacts) -> None:
        self.alerts += 1
        self._customers.add(a.customer_id)
        self.in_case += a.status != "open"
        self.open_backlog += a.status != "closed"
        if a.label:
            self.dispositioned += 1
            self.true_positives += a.true_positive
            self.str_filed += a.label == "str_filed"
            self.fmu_acknowledged += a.filing == "acknowledged"
            if a.dispositioned_at is not None:
                seconds = (a.dispositioned_at - a.created_at).total_seconds()
                self._hours.append(Decimal(str(seconds)) / 3600)

    def close(self) -> Counts:
        self.customers = len(self._customers)
        if self._hours:
            self.median_hours_to_disposition = Decimal(statistics.median(self._hours)).quantize(
                HOURS, rounding=ROUND_HALF_UP
            )
        return self


def period_start(moment: datetime, period: str) -> date:
    """The week (Monday) or month a moment falls in, on the Asia/Karachi calendar."""
    day = moment.astimezone(KARACHI).date()
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return ALL_TIME


def summarise(alerts: Iterable[AlertFacts]) -> dict[tuple, Counts]:
    """Counts keyed ``(rule_id, version_id or None, period, period_start)``, as stored."""
    out: dict[tuple, Counts] = defaultdict(Counts)
    for a in alerts:
        for period in ("week", "month", "all"):
            start = period_start(a.created_at, period)
            out[(a.rule_id, a.version_id, period, start)].add(a)
            out[(a.rule_id, None, period, start)].add(a)
    return {key: counts.close() for key, counts in out.items()}


def ratio(part: int, whole: int) -> Decimal | None:
    """``part / whole`` to three places, or None when there is nothing to divide."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Quality:
    """The figures an officer reads, from one row of counts."""

    alerts: int
    customers: int
    alert_to_case_rate: Decimal | None
    str_conversion: Decimal | None
    precision: Decimal | None
    median_hours_to_disposition: Decimal | None
    alerts_per_1000_customers: Decimal | None
    open_backlog: int
    dispositioned: int
    true_positives: int
    str_filed: int
    fmu_acknowledged: int
    below_floor: bool


def quality(
    counts, *, monitored_customers: int, floor: Decimal | None, min_dispositioned: int
) -> Quality:
    """Ratios from counts (a ``Counts`` or a stored ``QualityPeriod``). Precision is true
    positives over dispositioned alerts; a rule is below the floor only once enough of its
    alerts are labelled to judge."""
    precision = ratio(counts.true_positives, counts.dispositioned)
    per_1000 = None
    if monitored_customers:
        per_1000 = (Decimal(counts.alerts) * 1000 / monitored_customers).quantize(HOURS)
    below = (
        floor is not None
        and precision is not None
        and counts.dispositioned >= min_dispositioned
        and precision < floor
    )
    return Quality(
        alerts=counts.alerts,
        customers=counts.customers,
        alert_to_case_rate=ratio(counts.in_case, counts.alerts),
        str_conversion=ratio(counts.str_filed, counts.alerts),
        precision=precision,
        median_hours_to_disposition=counts.median_hours_to_disposition,
        alerts_per_1000_customers=per_1000,
        open_backlog=counts.open_backlog,
        dispositioned=counts.dispositioned,
        true_positives=counts.true_positives,
        str_filed=counts.str_filed,
        fmu_acknowledged=counts.fmu_acknowledged,
        below_floor=below,
    )


FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """A cell a spreadsheet will not run: text starting like a formula gets a leading quote.
    Numbers (including negative ones) are written as they are."""
    if value is None:
        return ""
    if isinstance(value, int | Decimal):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_LEADS) else text
