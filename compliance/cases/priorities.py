"""A case's priority: the most severe thing in it.

Alerts carry a severity (low / medium / high / critical); a case takes the highest severity of
its alerts and screening hits. A priority only ever rises while the case is open: a new mild
alert never makes a serious case wait longer.
"""

from __future__ import annotations

from collections.abc import Iterable

LOW, MEDIUM, HIGH, CRITICAL = "low", "medium", "high", "critical"
PRIORITIES = (LOW, MEDIUM, HIGH, CRITICAL)  # ascending
RANK = {priority: rank for rank, priority in enumerate(PRIORITIES)}

# A possible watchlist match is worked before ordinary alerts (the customer may be sanctioned
# and must not move funds meanwhile), so an open screening hit counts as a high-severity item.
SCREENING_HIT_SEVERITY = HIGH


def highest(severities: Iterable[str], default: str = LOW) -> str:
    """The highest of ``severities`` (unknown values are ignored); ``default`` when none."""
    known = [s for s in severities if s in RANK]
    if not known:
        return default
    return max(known, key=RANK.__getitem__)


def is_higher(candidate: str, than: str) -> bool:
    return RANK.get(candidate, -1) > RANK.get(than, -1)
