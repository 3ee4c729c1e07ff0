"""Reads for the quality dashboard, the API and the CSV export: a few queries, whatever the
number of alerts (everything comes from the pre-aggregated ``QualityPeriod`` rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from compliance.monitoring.models import Rule, RuleVersion
from compliance.rule_quality.metrics import ALL_TIME, Quality, quality
from compliance.rule_quality.models import PrecisionFloor, QualityPeriod
from kyc.models import Customer

UNMONITORED = (Customer.Status.REJECTED, Customer.Status.CLOSED)


@dataclass(frozen=True)
class QualityRow:
    rule_id: str
    rule_code: str
    rule_name: str
    rule_status: str
    version: int | None  # None: the rule over all its versions
    live: bool
    floor: Decimal | None
    figures: Quality


@dataclass(frozen=True)
class Floor:
    floor: Decimal | None
    min_dispositioned: int


def floors() -> tuple[Floor, dict[str, Floor]]:
    default, per_rule = Floor(None, 0), {}
    for row in PrecisionFloor.objects.all():
        floor = Floor(row.floor, row.min_dispositioned)
        if row.rule_id is None:
            default = floor
        else:
            per_rule[str(row.rule_id)] = floor
    return default, per_rule


def monitored_customers() -> int:
    return Customer.objects.exclude(status__in=UNMONITORED).count()


def quality_rows(
    *, period: str = "all", start: date | None = None, rule_code: str = ""
) -> list[QualityRow]:
    """Rule rows, each followed by its versions' rows (newest first), for one period."""
    rows = QualityPeriod.objects.filter(period=period, period_start=start or ALL_TIME)
    if rule_code:
        rows = rows.filter(rule__code=rule_code)
    rows = list(rows)
    rules = {
        str(r.pk): r
        for r in Rule.objects.filter(pk__in={row.rule_id for row in rows}).only(
            "id", "code", "name", "status", "active_version_id"
        )
    }
    numbers = dict(
        RuleVersion.objects.filter(
            pk__in={row.rule_version_id for row in rows if row.rule_version_id}
        ).values_list("pk", "number")
    )
    default, per_rule = floors()
    customers = monitored_customers()
    out = []
    for row in rows:
        rule = rules[str(row.rule_id)]
        floor = per_rule.get(str(row.rule_id), default)
        out.append(
            QualityRow(
                rule_id=str(rule.pk),
                rule_code=rule.code,
                rule_name=rule.name,
                rule_status=rule.status,
                version=numbers.get(row.rule_version_id),
                live=row.rule_version_id is not None
                and row.rule_version_id == rule.active_version_id,
                floor=floor.floor,
                figures=quality(
                    row,
                    monitored_customers=customers,
                    floor=floor.floor,
                    min_dispositioned=floor.min_dispositioned,
                ),
            )
        )
    out.sort(key=lambda r: (r.rule_code, r.version is not None, -(r.version or 0)))
    return out


def trend(*, period: str = "week", rule_code: str = "", last: int = 26) -> list[QualityPeriod]:
    """Per-rule rows of the last ``last`` weeks or months, oldest first (summed over rules
    when no rule is named)."""
    rows = QualityPeriod.objects.filter(period=period, rule_version__isnull=True)
    if rule_code:
        rows = rows.filter(rule__code=rule_code)
    starts = sorted(set(rows.values_list("period_start", flat=True)))[-last:]
    return list(rows.filter(period_start__in=starts).order_by("period_start"))


def computed_at():
    row = QualityPeriod.objects.order_by("-computed_at").values_list("computed_at").first()
    return row[0] if row else None
