"""Threshold tuning, the arithmetic: replay stored history through one rule at several
settings at once and count, per setting, the would-be alerts (episodes) and how many of them
touch a transaction that a labelled alert of the rule already judged. Plain Python.

An episode is a labelled true positive when any of its transactions belongs to a true-positive
alert, a labelled false positive when it touches only false-positive alerts' transactions, and
unlabelled otherwise (work nobody has judged yet).
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from compliance.monitoring.typologies.base import CustomerView, EvaluationContext, TxView
from compliance.monitoring.typologies.evaluation import evaluate_all, required_lookback
from compliance.rule_quality.metrics import ratio

MAX_POINTS = 60


def grid_points(grid: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Every combination of the given values of one or two parameters, in the order given."""
    names = list(grid)
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*grid.values())]


@dataclass
class PointResult:
    settings: dict[str, Any]
    alerts: int = 0
    customers: int = 0
    true_positives: int = 0
    false_positives: int = 0
    _episodes: dict = field(default_factory=dict, repr=False)

    def as_row(self) -> dict[str, Any]:
        return {
            "settings": self.settings,
            "alerts": self.alerts,
            "customers": self.customers,
            "true_positives": self.true_positives,
            "false_positives": self.false_positives,
            "precision": None if (p := self.precision) is None else str(p),
        }

    @property
    def precision(self):
        return ratio(self.true_positives, self.true_positives + self.false_positives)


@dataclass
class Labelled:
    """Transaction ids of the rule's labelled alerts."""

    positive: frozenset[str] = frozenset()
    negative: frozenset[str] = frozenset()


def replay(
    customers: Iterable[tuple[CustomerView, Sequence[TxView]]],
    points: Sequence[tuple[int, Any]],
    *,
    date_from: datetime,
    date_to: datetime,
    results: list[PointResult],
    high_risk_countries: Mapping[str, str] | None = None,
    sanctions: Any = None,
) -> int:
    """Evaluate every point's rule on each customer's transactions in ``[date_from, date_to]``
    (history before ``date_from`` is look-back only); episodes go into ``results[index]``.
    Returns the transactions evaluated.

    Each transaction sees exactly its own look-back (as in live evaluation), so the work per
    transaction does not grow with the length of the replayed history; the points share one
    context per transaction, so derived series are computed once for all of them."""
    evaluated = 0
    extra = {}
    if high_risk_countries is not None:
        extra["high_risk_countries"] = high_risk_countries
    if sanctions is not None:
        extra["sanctions"] = sanctions
    lookback = required_lookback(points)
    for profile, history in customers:
        times = [t.occurred_at for t in history]
        for tx in history:
            if tx.occurred_at < date_from or tx.occurred_at > date_to:
                continue
            lo = bisect_left(times, tx.occurred_at - lookback)
            hi = bisect_right(times, tx.occurred_at)
            customer = profile
            if lo > 0:
                customer = replace(profile, last_activity_before=times[lo - 1])
            ctx = EvaluationContext(customer=customer, history=history[lo:hi], now=date_to, **extra)
            evaluated += 1
            for index, finding in evaluate_all(points, tx, ctx):
                episodes = results[index]._episodes
                episodes.setdefault(finding.dedupe_key, (profile.id, set()))[1].update(
                    finding.transaction_ids
                )
    return evaluated


def finish(results: list[PointResult], labelled: Labelled) -> list[PointResult]:
    for result in results:
        episodes = result._episodes.values()
        result.alerts = len(episodes)
        result.customers = len({customer for customer, _ in episodes})
        result.true_positives = sum(1 for _, txs in episodes if txs & labelled.positive)
        result.false_positives = sum(
            1 for _, txs in episodes if not txs & labelled.positive and txs & labelled.negative
        )
    return results


def suggest(results: Sequence[PointResult], current: Mapping[str, Any]) -> dict[str, Any]:
    """The setting that keeps every labelled true positive the current setting finds, with the
    fewest alerts (ties: higher precision, then the order given). The current setting when no
    point is known to do at least as well, or when it is not in the grid."""
    now = next((r for r in results if r.settings == dict(current)), None)
    if now is None:
        return dict(current)
    keeping = [r for r in results if r.true_positives >= now.true_positives]
    best = min(
        keeping,
        key=lambda r: (r.alerts, -(r.precision or 0), results.index(r)),
    )
    return dict(best.settings)
