"""Network typologies over plain data: no database."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from compliance.monitoring.typologies.base import ParameterError
from compliance.network.typologies import (
    NETWORK_RULE_PACK,
    NETWORK_TYPOLOGIES,
    Circular,
    Collector,
    Distributor,
    FlowView,
    Holder,
    KeyView,
    SharedIdentifier,
)

T0 = datetime(2026, 10, 13, 5, 0, tzinfo=UTC)
NAMES: dict = {}


def h(n: float) -> timedelta:
    return timedelta(hours=n)


def flow(
    n: int, customer: str, key: int, at: datetime, direction="out", amount="28000", other=None
):
    return FlowView(f"t{n}", customer, key, direction, at, Decimal(amount), other)


def test_shared_identifier_fires_at_k_customers_within_the_window_only():
    rule = SharedIdentifier.from_params(
        {"kinds": ["device"], "min_customers": 3, "window_hours": 24}
    )
    close = KeyView(1, "device", "dev", tuple(Holder(c, T0 + h(i)) for i, c in enumerate("abc")))
    apart = KeyView(
        2, "device", "dev", tuple(Holder(c, T0 + h(30 * i)) for i, c in enumerate("abc"))
    )
    found = rule.find(close, NAMES)
    assert found.members == ("a", "b", "c")
    assert found.dedupe_key == "SHARED_IDENTIFIER:1"
    assert rule.find(apart, NAMES) is None
    assert rule.find(KeyView(3, "address", "x", close.holders), NAMES) is None  # kind not watched


def test_collector_needs_the_payers_tied_by_identifiers_unless_told_otherwise():
    payers = [f"m{i}" for i in range(5)]
    flows = [flow(i, c, 9, T0 + h(i)) for i, c in enumerate(payers)]
    key = KeyView(9, "wallet", "tron:T…", ())
    tied = {c: {100} for c in payers}  # one shared device
    strangers = {c: {200 + i} for i, c in enumerate(payers)}
    rule = Collector.from_params({"min_customers": 5, "window_hours": 168})
    assert rule.find(key, flows, tied, NAMES).members == tuple(payers)
    assert rule.find(key, flows, strangers, NAMES) is None
    loose = Collector.from_params({"min_customers": 5, "require_shared_identifier": False})
    assert len(loose.find(key, flows, strangers, NAMES).members) == 5


def test_collector_counts_only_payments_under_the_cap_and_within_the_window():
    payers = [f"m{i}" for i in range(5)]
    tied = {c: {1} for c in payers}
    key = KeyView(9, "wallet", "w", ())
    spread = [flow(i, c, 9, T0 + timedelta(days=3 * i)) for i, c in enumerate(payers)]
    rule = Collector.from_params({"min_customers": 5, "window_hours": 168})
    assert rule.find(key, spread, tied, NAMES) is None
    big = [flow(i, c, 9, T0 + h(i), amount="900000") for i, c in enumerate(payers)]
    capped = Collector.from_params({"min_customers": 5, "max_payment_pkr": "500000"})
    assert capped.find(key, big, tied, NAMES) is None


def test_collector_result_does_not_depend_on_flow_order():
    payers = [f"m{i}" for i in range(12)]
    flows = [flow(i, c, 9, T0 + h(5 * i)) for i, c in enumerate(payers)]
    key = KeyView(9, "wallet", "w", ())
    tied = {c: {1} for c in payers}
    rule = Collector.from_params({"min_customers": 5, "window_hours": 24})
    expected = rule.find(key, flows, tied, NAMES)
    rng = random.Random(7)
    for _ in range(20):
        rng.shuffle(flows)
        assert rule.find(key, flows, tied, NAMES) == expected


def test_distributor_looks_at_incoming_payments_from_one_source():
    receivers = [f"r{i}" for i in range(5)]
    flows = [flow(i, c, 4, T0 + h(i), direction="in") for i, c in enumerate(receivers)]
    key = KeyView(4, "iban", "PK…", ())
    tied = {c: {1} for c in receivers}
    assert Distributor.from_params({}).find(key, flows, tied, NAMES).members == tuple(receivers)
    assert Collector.from_params({}).find(key, flows, tied, NAMES) is None


def test_circular_finds_value_returning_through_customers_and_wallets_within_the_window():
    rule = Circular.from_params({"window_hours": 72, "max_length": 4})
    circle = [
        flow(1, "a", 0, T0, other="b"),  # a pays b inside the exchange
        flow(2, "b", 7, T0 + h(2)),  # b pays an external wallet
        flow(3, "c", 7, T0 + h(5), direction="in"),  # which pays c
        flow(4, "c", 0, T0 + h(9), other="a"),  # c pays a back
    ]
    found = rule.find_all(circle, NAMES)
    assert [f.members for f in found] == [("a", "b", "c")]
    assert set(found[0].transaction_ids) == {"t1", "t2", "t3", "t4"}
    late = [*circle[:3], flow(4, "c", 0, T0 + timedelta(days=9), other="a")]
    assert rule.find_all(late, NAMES) == []


def test_parameters_are_validated_like_every_rule_template():
    with pytest.raises(ParameterError) as bad:
        SharedIdentifier.from_params({"kinds": ["shoe size"], "min_customers": 1})
    assert set(bad.value.errors) == {"kinds", "min_customers"}
    schema = Collector.param_schema()
    assert schema["x-typology"] == "COLLECTOR"
    assert "window_hours" in schema["properties"]


def test_the_default_pack_builds_and_every_template_is_known():
    for entry in NETWORK_RULE_PACK:
        cls = NETWORK_TYPOLOGIES[entry["typology"]]
        assert cls.from_params(entry["params"]).to_params() == entry["params"]
