"""What the quality pages and the API show, shaped once: rows as dicts, the CSV export, and the
charts (server-rendered SVG from the workspace's chart module)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from decimal import Decimal

from compliance.rule_quality.metrics import csv_safe, ratio
from compliance.rule_quality.selectors import QualityRow
from compliance.workspace import charts

FIELDS = (
    "rule",
    "version",
    "live",
    "alerts",
    "customers",
    "alert_to_case_rate",
    "str_conversion",
    "precision",
    "precision_floor",
    "below_floor",
    "median_hours_to_disposition",
    "alerts_per_1000_customers",
    "open_backlog",
    "dispositioned",
    "true_positives",
    "str_filed",
    "fmu_acknowledged",
)


def as_dict(row: QualityRow) -> dict:
    f = row.figures
    return {
        "rule": row.rule_code,
        "version": row.version,
        "live": row.live,
        "alerts": f.alerts,
        "customers": f.customers,
        "alert_to_case_rate": f.alert_to_case_rate,
        "str_conversion": f.str_conversion,
        "precision": f.precision,
        "precision_floor": row.floor,
        "below_floor": f.below_floor,
        "median_hours_to_disposition": f.median_hours_to_disposition,
        "alerts_per_1000_customers": f.alerts_per_1000_customers,
        "open_backlog": f.open_backlog,
        "dispositioned": f.dispositioned,
        "true_positives": f.true_positives,
        "str_filed": f.str_filed,
        "fmu_acknowledged": f.fmu_acknowledged,
    }


def as_csv(rows: list[QualityRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(FIELDS)
    for row in rows:
        values = as_dict(row)
        writer.writerow(
            [
                csv_safe(
                    ("all" if v is None else v)
                    if k == "version"
                    else ("yes" if v else "no")
                    if isinstance(v, bool)
                    else v
                )
                for k, v in values.items()
            ]
        )
    return out.getvalue()


def trend_chart(periods: list, *, title: str):
    """Alerts and labelled true positives per week (or month), summed over the rules given."""
    alerts, positives = defaultdict(int), defaultdict(int)
    for p in periods:
        alerts[p.period_start] += p.alerts
        positives[p.period_start] += p.true_positives
    dates = sorted(alerts)
    return charts.line_chart(
        dates,
        [
            (charts.Series("alerts", "Alerts", charts.PALETTE[0]), [alerts[d] for d in dates]),
            (
                charts.Series("tp", "True positives", charts.PALETTE[5]),
                [positives[d] for d in dates],
            ),
        ],
        title=title,
    )


def precision_chart(rows: list[QualityRow], *, href=None):
    """Precision per rule, in percent; a rule below its floor is drawn red."""
    bars = []
    for row in rows:
        if row.version is not None or row.figures.precision is None:
            continue
        bars.append(
            charts.Bar(
                label=row.rule_code,
                value=(row.figures.precision * 100).quantize(Decimal("0.1")),
                href=href(row) if href else "",
                colour=charts.PALETTE[4] if row.figures.below_floor else charts.PALETTE[0],
            )
        )
    return charts.bar_chart(bars, title="Precision per rule (%)", unit="%")


def tuning_chart(results: list[dict], *, current: dict, suggested: dict):
    """Per setting: labelled true positives, labelled false positives and unlabelled alerts;
    the current and suggested settings are marked in their labels."""
    rows = []
    for r in results:
        label = " / ".join(str(v) for v in r["settings"].values())
        marks = [
            m for m, s in (("current", current), ("suggested", suggested)) if r["settings"] == s
        ]
        if marks:
            label = f"{label} ({' & '.join(marks)})"
        rows.append(
            charts.StackedRow(
                label=label,
                values={
                    "tp": r["true_positives"],
                    "fp": r["false_positives"],
                    "other": r["alerts"] - r["true_positives"] - r["false_positives"],
                },
            )
        )
    series = [
        charts.Series("tp", "Labelled true positives", charts.PALETTE[5]),
        charts.Series("fp", "Labelled false positives", charts.PALETTE[4]),
        charts.Series("other", "Not labelled", charts.PALETTE[1]),
    ]
    return charts.stacked_bar_chart(
        rows, series, title="Would-be alerts per setting", width=760, label_width=300
    )


def precision_of(result: dict) -> Decimal | None:
    return ratio(result["true_positives"], result["true_positives"] + result["false_positives"])
