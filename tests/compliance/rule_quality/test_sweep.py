"""The tuning sweep's arithmetic, without the database: grid points, replay through a real
typology, labelled true and false positives per setting, and the suggestion."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from compliance.monitoring.typologies.base import CustomerView, TxView
from compliance.monitoring.typologies.cash import LargeCash
from compliance.rule_quality import sweep

T0 = datetime(2026, 10, 13, 5, 0, tzinfo=UTC)


def _cash(n: int, customer: str, pkr: str, hours: float) -> TxView:
    return TxView(
        id=f"t{n}",
        external_id=f"T-{n}",
        customer_id=customer,
        kind="deposit",
        channel="cash",
        asset="PKR",
        amount=Decimal(pkr),
        amount_pkr=Decimal(pkr),
        occurred_at=T0 + timedelta(hours=hours),
    )


def test_grid_points_cover_every_combination_in_order():
    points = sweep.grid_points({"a": [1, 2], "b": ["x", "y"]})
    assert points == [
        {"a": 1, "b": "x"},
        {"a": 1, "b": "y"},
        {"a": 2, "b": "x"},
        {"a": 2, "b": "y"},
    ]


def _replay(thresholds, labelled):
    histories = [
        (CustomerView(id="c1", external_id="C1"), (_cash(1, "c1", "2500000", 0),)),
        (CustomerView(id="c2", external_id="C2"), (_cash(2, "c2", "1800000", 0),)),
        (
            CustomerView(id="c3", external_id="C3"),
            (_cash(3, "c3", "1600000", 0), _cash(4, "c3", "1700000", 100)),
        ),
    ]
    grid = {"threshold_pkr": thresholds}
    points = [(i, LargeCash.from_params(p)) for i, p in enumerate(sweep.grid_points(grid))]
    results = [sweep.PointResult(settings=p) for p in sweep.grid_points(grid)]
    evaluated = sweep.replay(
        histories, points, date_from=T0, date_to=T0 + timedelta(days=30), results=results
    )
    assert evaluated == 4
    return sweep.finish(results, labelled)


def test_replay_counts_alerts_and_labelled_outcomes_per_setting():
    labelled = sweep.Labelled(positive=frozenset({"t2"}), negative=frozenset({"t1"}))
    low, mid, high = _replay(["1500000", "1750000", "2000000"], labelled)
    assert (low.alerts, low.customers, low.true_positives, low.false_positives) == (4, 3, 1, 1)
    assert (mid.alerts, mid.true_positives, mid.false_positives) == (2, 1, 1)
    assert (high.alerts, high.true_positives, high.false_positives) == (1, 0, 1)
    assert mid.precision == Decimal("0.500") and high.precision == Decimal("0.000")


def test_the_suggestion_keeps_the_true_positives_with_fewest_alerts():
    labelled = sweep.Labelled(positive=frozenset({"t2"}), negative=frozenset({"t1"}))
    results = _replay(["1500000", "1750000", "2000000"], labelled)
    # From the lowest threshold, 1.75M keeps the one true positive with half the alerts.
    assert sweep.suggest(results, {"threshold_pkr": "1500000"}) == {"threshold_pkr": "1750000"}
    # From 2M (which finds no true positive) the fewest alerts win: 2M itself.
    assert sweep.suggest(results, {"threshold_pkr": "2000000"}) == {"threshold_pkr": "2000000"}
    # A current setting outside the grid is kept.
    assert sweep.suggest(results, {"threshold_pkr": "9"}) == {"threshold_pkr": "9"}
