"""Monthly statistics for the supervisor: Karachi months, filings on time and late, CSV."""

from datetime import timedelta

import pytest
from reporting_helpers import pkt

from reporting import statistics
from reporting.models import Report

pytestmark = pytest.mark.django_db


def test_month_bounds_are_karachi_months():
    start, end = statistics.month_bounds(2026, 12)

    assert (start, end) == (pkt(2026, 12, 1), pkt(2027, 1, 1))


def test_filings_counted_in_their_month_on_time_and_late(make_customer, make_str):
    on_time, late = make_str(make_customer()), make_str(make_customer())
    Report.objects.filter(pk=on_time.pk).update(
        submitted_at=pkt(2026, 3, 31, 23, 0), due_at=pkt(2026, 4, 2, 23, 59)
    )
    Report.objects.filter(pk=late.pk).update(
        submitted_at=pkt(2026, 3, 10, 9, 0), due_at=pkt(2026, 3, 10, 9, 0) - timedelta(days=1)
    )
    make_customer(approved_at=pkt(2026, 3, 5, 12, 0), risk_level="high")
    make_customer(approved_at=pkt(2026, 4, 1, 0, 30), risk_level="high")  # April in Karachi

    summary = statistics.monthly_summary(2026, 3)

    str_figures = summary.filings["STR"]
    assert (str_figures.filed, str_figures.on_time, str_figures.late) == (2, 1, 1)
    assert str_figures.acknowledged == 2
    assert summary.filings["CTR"].filed == 0
    assert summary.customers_by_risk == {"high": 1}
    assert "2026-03,filings,STR,late,1" in summary.as_csv()


def test_bar_chart_scales_to_the_largest_value():
    chart = statistics.bar_chart({"STRUCTURING": 4, "LARGE_CASH": 2})

    assert [(b["label"], b["width"]) for b in chart["bars"]] == [
        ("STRUCTURING", 420),
        ("LARGE_CASH", 210),
    ]
    assert chart["height"] == 48
