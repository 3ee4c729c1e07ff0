"""Server-side SVG charts: exact figures in the marks' titles, escaped labels, sane axes."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from compliance.workspace.charts import (
    Bar,
    Series,
    StackedRow,
    bar_chart,
    compact,
    line_chart,
    nice_ceiling,
    stacked_bar_chart,
)


def test_axis_maximum_rounds_up_to_one_two_two_and_a_half_or_five():
    assert nice_ceiling(0) == 1
    assert nice_ceiling(1) == 1
    assert nice_ceiling(Decimal("1.01")) == 2
    assert nice_ceiling(21) == 25
    assert nice_ceiling(26) == 50
    assert nice_ceiling(Decimal("1900000")) == Decimal("2000000")
    assert nice_ceiling(Decimal("2000001")) == Decimal("2500000")


def test_amounts_are_written_compactly_without_float_rounding():
    assert compact(1234) == "1,234"
    assert compact(Decimal("1999999.99")) == "2M"
    assert compact(Decimal("2500000")) == "2.5M"
    assert compact(Decimal("1250000000")) == "1.25B"
    assert compact(Decimal("12.50")) == "12.50"


def test_a_bar_chart_carries_each_exact_value_in_its_title():
    svg = bar_chart([Bar("analyst-1", 7), Bar("analyst-2", 3)], title="Cases", unit="cases")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<title>Cases</title>" in svg
    assert "analyst-1 · cases: 7 cases" in svg
    assert svg.count("<rect") == 2


def test_labels_from_the_database_are_escaped():
    svg = bar_chart([Bar('<script>alert("x")</script>', 1)], title="<b>t</b>")
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "&lt;b&gt;t&lt;/b&gt;" in svg


def test_a_stacked_bar_draws_one_segment_per_non_zero_series_and_a_legend():
    series = [Series("low", "Low", "#79aec8"), Series("high", "High", "#e6862a")]
    rows = [StackedRow("STRUCTURING", {"low": 2, "high": 3}), StackedRow("VELOCITY", {"low": 1})]
    svg = stacked_bar_chart(rows, series, title="Alerts")
    assert svg.count("<rect") == 2 + 3  # two legend keys, three segments
    assert "STRUCTURING · High: 3" in svg


def test_a_chart_without_data_says_so():
    assert "Nothing to show." in bar_chart([], title="Empty")
    assert "Nothing to show." in stacked_bar_chart([StackedRow("x", {})], [], title="Empty")
    assert "Nothing to show." in line_chart([], [], title="Empty")


def test_a_line_chart_marks_every_day_with_activity():
    days = [date(2026, 3, 1) + timedelta(days=i) for i in range(5)]
    values = [Decimal("0"), Decimal("1900000"), Decimal("0"), Decimal("1950000"), Decimal("0")]
    svg = line_chart(days, [(Series("in", "In", "#5b8c5a"), values)], title="Volume", unit="PKR")
    assert svg.count("<polyline") == 1
    assert svg.count("<circle") == 2
    assert "02 Mar 2026 · In: 1.9M PKR" in svg
    assert "Totals: In: 3.85M" in svg
