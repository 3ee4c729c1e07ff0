"""Charts drawn on the server as inline SVG: no JavaScript, no CDN (officers' machines and the
demo run offline), and a chart prints and screenshots exactly as it shows.

Three shapes cover the dashboard and the customer page:

- ``bar_chart(bars, title=...)``: one horizontal bar per label (work per analyst).
- ``stacked_bar_chart(rows, series, title=...)``: horizontal bars split into segments
  (open alerts per typology, split by severity).
- ``line_chart(dates, series, title=...)``: values over days (a customer's daily volume).

Amounts arrive as ``Decimal`` and are shown as ``Decimal``; only pixel geometry is computed in
floating point. Every chart carries a ``<title>``/``<desc>`` and a ``<title>`` per mark, so a
screen reader and a hover both give the exact figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

Number = int | Decimal

# The stock admin's palette (admin/css/base.css), so charts sit in the admin's look.
PALETTE = ("#417690", "#79aec8", "#f5dd5d", "#e6862a", "#ba2121", "#5b8c5a", "#8a6bb0")
SEVERITY_COLOURS = {
    "low": "#79aec8",
    "medium": "#f5dd5d",
    "high": "#e6862a",
    "critical": "#ba2121",
}
SLA_COLOURS = {"on_track": "#5b8c5a", "at_risk": "#e6862a", "breached": "#ba2121"}

FONT = 'font-family="inherit" font-size="12"'
MAX_LABEL = 24  # characters of a bar's label; the full label is in its tooltip


@dataclass(frozen=True)
class Bar:
    label: str
    value: Number
    href: str = ""
    colour: str = PALETTE[0]


@dataclass(frozen=True)
class Series:
    """One named series: its key in the rows' values, its label and colour."""

    key: str
    label: str
    colour: str


@dataclass(frozen=True)
class StackedRow:
    label: str
    values: dict[str, Number] = field(default_factory=dict)
    href: str = ""

    @property
    def total(self) -> Number:
        return sum(self.values.values(), 0)


def compact(value: Number) -> str:
    """1234 -> "1,234"; 2_500_000 -> "2.5M"; 1_250_000_000 -> "1.25B" (axis and bar labels)."""
    value = Decimal(value)
    for size, suffix in ((Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M")):
        if abs(value) >= size:
            scaled = (value / size).quantize(Decimal("0.01")).normalize()
            return f"{scaled:f}{suffix}"
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.quantize(Decimal('0.01')):,}"


def nice_ceiling(value: Number) -> Decimal:
    """The smallest 1, 2, 2.5 or 5 x 10^k at or above ``value`` (an axis maximum); 1 for 0."""
    value = Decimal(value)
    if value <= 0:
        return Decimal(1)
    exponent = value.adjusted()
    for step in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)):
        candidate = step.scaleb(exponent)
        if candidate >= value:
            return candidate
    return Decimal(10).scaleb(exponent)  # pragma: no cover - the loop ends at 10 x 10^k


def _frame(width: int, height: int, title: str, desc: str, body: list[str]) -> SafeString:
    head = (
        f'<svg class="workspace-chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'style="max-width:{width}px">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>"
    )
    # Every text and attribute above went through escape(); numbers are formatted by us.
    return mark_safe(head + "".join(body) + "</svg>")


def _empty(width: int, title: str) -> SafeString:
    return _frame(
        width,
        40,
        title,
        "No data.",
        [f'<text x="0" y="24" {FONT} fill="currentColor" opacity="0.6">Nothing to show.</text>'],
    )


def _link(href: str, inner: str) -> str:
    return f'<a href="{escape(href)}">{inner}</a>' if href else inner


def _label_width(labels: Sequence[str]) -> int:
    # About 7 px a character at 12 px; long typology codes are cut at MAX_LABEL characters.
    return min(MAX_LABEL * 7 + 12, max(60, 7 * max((len(x) for x in labels), default=0) + 12))


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    unit: str = "",
    width: int = 480,
    label_width: int | None = None,
) -> SafeString:
    """Horizontal bars, one per label, longest scale first as given."""
    rows = [StackedRow(label=b.label, values={"v": b.value}, href=b.href) for b in bars]
    colours = {b.label: b.colour for b in bars}
    return _horizontal(
        rows,
        [Series("v", unit or "value", PALETTE[0])],
        title=title,
        unit=unit,
        width=width,
        label_width=label_width,
        colour_of=lambda row, series: colours.get(row.label, series.colour),
        legend=False,
    )


def stacked_bar_chart(
    rows: Sequence[StackedRow],
    series: Sequence[Series],
    *,
    title: str,
    unit: str = "",
    width: int = 480,
    label_width: int | None = None,
) -> SafeString:
    """Horizontal bars split into the given series, with a legend."""
    return _horizontal(
        rows,
        series,
        title=title,
        unit=unit,
        width=width,
        label_width=label_width,
        colour_of=lambda row, s: s.colour,
        legend=True,
    )


def _horizontal(rows, series, *, title, unit, width, label_width, colour_of, legend):
    if not rows or all(row.total == 0 for row in rows):
        return _empty(width, title)
    label_width = label_width or _label_width([row.label for row in rows])
    bar_h, gap, top = 18, 8, 24 if legend else 4
    plot_w = width - label_width - 60
    scale_max = nice_ceiling(max(row.total for row in rows))
    body: list[str] = []
    if legend:
        x = 0
        for s in series:
            body.append(
                f'<rect x="{x}" y="4" width="10" height="10" fill="{s.colour}"/>'
                f'<text x="{x + 14}" y="13" {FONT} fill="currentColor">{escape(s.label)}</text>'
            )
            x += 24 + 7 * len(s.label)
    y = top
    for row in rows:
        short = row.label if len(row.label) <= MAX_LABEL else row.label[: MAX_LABEL - 1] + "…"
        label = escape(short)
        body.append(
            _link(
                row.href,
                f'<text x="{label_width - 6}" y="{y + 13}" text-anchor="end" {FONT} '
                f'fill="currentColor"><title>{escape(row.label)}</title>{label}</text>',
            )
        )
        x = float(label_width)
        for s in series:
            value = row.values.get(s.key, 0)
            if not value:
                continue
            w = float(Decimal(value) / scale_max) * plot_w
            tip = f"{row.label} · {s.label}: {compact(value)}{(' ' + unit) if unit else ''}"
            body.append(
                f'<rect x="{x:.1f}" y="{y}" width="{max(w, 1.5):.1f}" height="{bar_h}" '
                f'fill="{colour_of(row, s)}"><title>{escape(tip)}</title></rect>'
            )
            x += w
        body.append(
            f'<text x="{x + 4:.1f}" y="{y + 13}" {FONT} fill="currentColor">'
            f"{escape(compact(row.total))}</text>"
        )
        y += bar_h + gap
    body.append(
        f'<line x1="{label_width}" y1="{top - 2}" x2="{label_width}" y2="{y - gap + 2}" '
        f'stroke="currentColor" stroke-opacity="0.4"/>'
    )
    desc = "; ".join(f"{row.label}: {compact(row.total)}" for row in rows)
    return _frame(width, y + 2, title, desc, body)


def line_chart(
    dates: Sequence[date],
    series: Sequence[tuple[Series, Sequence[Number]]],
    *,
    title: str,
    unit: str = "",
    width: int = 640,
    height: int = 200,
) -> SafeString:
    """Values per day, one polyline per series, with a dot per non-zero day."""
    if not dates or all(not any(values) for _, values in series):
        return _empty(width, title)
    left, right, top, bottom = 56, 12, 24, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    scale_max = nice_ceiling(max(max(values, default=0) for _, values in series))
    n = len(dates)

    def px(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def py(value: Number) -> float:
        return top + plot_h - float(Decimal(value) / scale_max) * plot_h

    body: list[str] = []
    for fraction in (Decimal(0), Decimal("0.5"), Decimal(1)):
        tick = scale_max * fraction
        y = py(tick)
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="currentColor" stroke-opacity="0.15"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" {FONT} '
            f'fill="currentColor">{escape(compact(tick))}</text>'
        )
    for i in sorted({0, n // 2, n - 1}):
        anchor = "start" if i == 0 else "end" if i == n - 1 and n > 1 else "middle"
        body.append(
            f'<text x="{px(i):.1f}" y="{height - 6}" text-anchor="{anchor}" {FONT} '
            f'fill="currentColor">{dates[i]:%d %b %Y}</text>'
        )
    x = left
    for s, values in series:
        points = " ".join(f"{px(i):.1f},{py(v):.1f}" for i, v in enumerate(values))
        body.append(
            f'<polyline points="{points}" fill="none" stroke="{s.colour}" stroke-width="2"/>'
        )
        for i, v in enumerate(values):
            if v:
                tip = f"{dates[i]:%d %b %Y} · {s.label}: {compact(v)}{(' ' + unit) if unit else ''}"
                body.append(
                    f'<circle cx="{px(i):.1f}" cy="{py(v):.1f}" r="3" fill="{s.colour}">'
                    f"<title>{escape(tip)}</title></circle>"
                )
        body.append(
            f'<rect x="{x}" y="4" width="10" height="10" fill="{s.colour}"/>'
            f'<text x="{x + 14}" y="13" {FONT} fill="currentColor">{escape(s.label)}</text>'
        )
        x += 24 + 7 * len(s.label)
    totals = "; ".join(f"{s.label}: {compact(sum(values, 0))}" for s, values in series)
    desc = f"{dates[0]:%d %b %Y} to {dates[-1]:%d %b %Y}. Totals: {totals}."
    return _frame(width, height, title, desc, body)
