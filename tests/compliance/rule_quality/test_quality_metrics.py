"""Quality arithmetic without the database: buckets, medians, ratios, the precision flag and
CSV cells that a spreadsheet will not run."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from compliance.rule_quality.metrics import (
    AlertFacts,
    csv_safe,
    period_start,
    quality,
    summarise,
)

T0 = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)  # a Monday, 08:00 in Karachi


def _alert(n, *, version=1, days=0.0, status="closed", label="", tp=False, hours=None, cust=None):
    created = T0 + timedelta(days=days)
    return AlertFacts(
        rule_id="r1",
        version_id=version,
        customer_id=cust or f"c{n}",
        created_at=created,
        status=status,
        label=label,
        true_positive=tp,
        dispositioned_at=created + timedelta(hours=hours) if hours is not None else None,
    )


def test_weeks_start_on_monday_and_months_on_the_first_in_karachi():
    late_sunday_utc = datetime(2026, 11, 1, 20, 0, tzinfo=UTC)  # Monday 01:00 in Karachi
    assert period_start(late_sunday_utc, "week") == date(2026, 11, 2)
    assert period_start(datetime(2026, 10, 31, 19, 30, tzinfo=UTC), "month") == date(2026, 11, 1)


def test_counts_ratios_and_median_per_version_and_rule():
    alerts = [
        _alert(1, label="str_filed", tp=True, hours=10),
        _alert(2, label="false_positive", hours=20),
        _alert(3, label="false_positive", hours=40, cust="c1"),
        _alert(4, status="in_case"),
        _alert(5, status="open", version=2, days=8),
    ]
    out = summarise(alerts)
    v1 = out[("r1", 1, "all", date(2000, 1, 1))]
    assert (v1.alerts, v1.customers, v1.in_case, v1.dispositioned) == (4, 3, 4, 3)
    assert (v1.true_positives, v1.str_filed, v1.open_backlog) == (1, 1, 1)
    assert v1.median_hours_to_disposition == Decimal("20.00")
    whole = out[("r1", None, "all", date(2000, 1, 1))]
    assert (whole.alerts, whole.open_backlog) == (5, 2)
    assert out[("r1", None, "week", date(2026, 11, 9))].alerts == 1

    q = quality(v1, monitored_customers=2000, floor=Decimal("0.5"), min_dispositioned=3)
    assert q.precision == Decimal("0.333")
    assert q.alert_to_case_rate == Decimal("1.000")
    assert q.str_conversion == Decimal("0.250")
    assert q.alerts_per_1000_customers == Decimal("2.00")
    assert q.below_floor is True


def test_too_few_labels_are_not_flagged_and_nothing_divides_by_zero():
    counts = summarise([_alert(1, label="false_positive", hours=1)])[
        ("r1", None, "all", date(2000, 1, 1))
    ]
    q = quality(counts, monitored_customers=0, floor=Decimal("0.5"), min_dispositioned=20)
    assert q.precision == Decimal("0.000") and q.below_floor is False
    assert q.alerts_per_1000_customers is None
    empty = quality(
        summarise([_alert(1, status="open")])[("r1", 1, "all", date(2000, 1, 1))],
        monitored_customers=10,
        floor=Decimal("0.5"),
        min_dispositioned=0,
    )
    assert empty.precision is None and empty.below_floor is False


def test_csv_cells_that_look_like_formulas_are_quoted():
    assert csv_safe('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert csv_safe("+92300") == "'+92300"
    assert csv_safe("@SUM") == "'@SUM"
    assert csv_safe("cash-structuring") == "cash-structuring"
    assert csv_safe(Decimal("-0.5")) == "-0.5"
    assert csv_safe(None) == ""
