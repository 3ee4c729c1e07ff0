"""CEL expression rules: evaluated over the documented context, refused when unsafe or unsound."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from compliance.monitoring import expressions
from compliance.monitoring.expressions import (
    DOCUMENTED_FIELDS,
    ExpressionError,
    ExpressionRule,
    validate_expression,
    window_aggregates,
)
from compliance.monitoring.typologies.base import KARACHI, CustomerView, EvaluationContext, TxView
from compliance.monitoring.typologies.evaluation import evaluate_all

START = datetime(2026, 10, 5, 10, 0, tzinfo=KARACHI)


def tx(id, amount, kind="deposit", channel="bank", at=timedelta(0), **kw) -> TxView:
    return TxView(
        id=id,
        external_id=id,
        customer_id="C1",
        kind=kind,
        channel=channel,
        asset="PKR",
        amount=Decimal(amount),
        amount_pkr=Decimal(amount),
        occurred_at=START + at,
        **kw,
    )


def context(*txs, **customer) -> EvaluationContext:
    return EvaluationContext(
        customer=CustomerView(id="C1", external_id="U-1", **customer),
        history=list(txs),
        now=txs[-1].occurred_at,
        high_risk_countries={"KP": "FATF black list"},
    )


def test_expression_rule_fires_with_an_explanation_in_words_and_numbers():
    rule = ExpressionRule(
        "tx.is_cash && tx.amount_pkr >= 500000 && customer.risk_level == 'high'",
        typology_code="HIGH_RISK_CASH",
        description="Cash from a high-risk customer",
    )
    deposit = tx("T1", "750000", channel="cash")
    finding = rule.evaluate(deposit, context(deposit, risk_level="high"))
    assert finding.typology_code == "HIGH_RISK_CASH"
    assert finding.transaction_ids == ("T1",)
    assert finding.explanation.startswith("Cash from a high-risk customer matched (")
    assert "deposit of PKR 750K; last 24 h 1 movements, PKR 750K" in finding.explanation


def test_expression_rule_does_not_fire_when_its_condition_is_false():
    rule = ExpressionRule("tx.is_cash && tx.amount_pkr >= 500000")
    deposit = tx("T1", "499999.99", channel="cash")
    assert rule.evaluate(deposit, context(deposit)) is None


def test_window_aggregates_cover_movements_by_direction_and_window():
    history = [
        tx("T1", "100000", at=-timedelta(days=10)),
        tx("T2", "200000", channel="cash", at=-timedelta(hours=30), counterparty_account="A"),
        tx("T3", "50000", kind="trade_buy", channel="internal", at=-timedelta(hours=2)),
        tx("T4", "300000", kind="withdrawal", counterparty_account="B"),
    ]
    agg = window_aggregates(history[-1], context(*history))
    assert agg.counts["count_24h"] == 1
    assert agg.counts["count_7d"] == 2
    assert agg.counts["count_30d"] == 3
    assert agg.counts["trade_count_24h"] == 1
    assert agg.sums_pkr["in_sum_pkr_7d"] == Decimal("200000")
    assert agg.sums_pkr["out_sum_pkr_24h"] == Decimal("300000")
    assert agg.sums_pkr["cash_sum_pkr_30d"] == Decimal("200000")
    assert agg.counts["distinct_counterparties_7d"] == 2
    assert agg.hours_since_previous == 2.0


def test_expressions_compare_window_aggregates_and_counterparty_risk():
    rule = ExpressionRule(
        "window.count_24h >= 2 && window.out_sum_pkr_24h > 0.9 * window.in_sum_pkr_24h "
        "&& tx.counterparty_risk_list == 'FATF black list'"
    )
    txs = [
        tx("T1", "1000000"),
        tx("T2", "950000", kind="transfer_out", channel="crypto", at=timedelta(hours=3)),
    ]
    assert rule.evaluate(txs[1], context(*txs)) is None
    flagged = [txs[0], tx("T3", "950000", "transfer_out", "crypto", timedelta(hours=3),
                          counterparty_country="KP")]  # fmt: skip
    assert rule.evaluate(flagged[1], context(*flagged)) is not None


def test_matches_on_one_karachi_day_share_an_alert():
    rule = ExpressionRule("tx.amount_pkr > 1000.0")
    morning, evening = tx("T1", "5000"), tx("T2", "5000", at=timedelta(hours=12))
    next_day = tx("T3", "5000", at=timedelta(hours=15))
    key = rule.evaluate(morning, context(morning)).dedupe_key
    assert rule.evaluate(evening, context(morning, evening)).dedupe_key == key
    assert rule.evaluate(next_day, context(morning, next_day)).dedupe_key != key


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("tx.amount_pkr >", "syntax error"),
        ("", "the expression is empty"),
        ("tx.amount_pkr", "must be true or false, not a float"),
        ("window.count_24h + 1", "must be true or false, not a int"),
        ("balance > 1000", "unknown variable balance"),
        ("tx.balance > 1000", "unknown field tx.balance"),
        ("has(customer.password)", "unknown field customer.password"),
        ('tx["kind"] == "deposit"', "not [...]"),
        ("[1, 2].exists(tx, tx > 1)", "tx cannot be used as a macro variable"),
        ("lowerAscii(tx.kind) == 'deposit'", "unknown function lowerAscii"),
        ("__import__('os').system('id') == 0", "unknown"),
        ("window.sum_pkr_7d / window.count_7d > 1.0", "fails on a busy sample transaction"),
        ("x" * 2001, "longer than 2000 characters"),
    ],
)
def test_unsafe_or_unsound_expressions_are_refused_when_saved(expression, message):
    with pytest.raises(ExpressionError, match=re.escape(message)):
        validate_expression(expression)
    with pytest.raises(ExpressionError):
        ExpressionRule(expression)


def test_sound_expressions_are_accepted_including_macros_and_field_names_in_strings():
    validate_expression("[100000.0, 200000.0].exists(a, tx.amount_pkr == a)")
    validate_expression("tx.counterparty_name.contains('tx.secret') || tx.local_hour < 6")
    validate_expression("tx.occurred_at > timestamp('2026-01-01T00:00:00Z')")


def test_a_runtime_failure_is_reported_and_other_rules_still_run():
    # Sound on both sample transactions, but divides by zero on a fifth movement in 30 days.
    rule = ExpressionRule("int(tx.amount_pkr) / (window.count_30d - 5) < 0")
    fine = ExpressionRule("tx.amount_pkr > 0.0")
    history = [tx(f"T{i}", "1000", at=timedelta(hours=i)) for i in range(5)]
    errors = []
    found = evaluate_all(
        [("broken", rule), ("fine", fine)],
        history[-1],
        context(*history),
        on_error=lambda key, exc: errors.append(key),
    )
    assert [key for key, _ in found] == ["fine"]
    assert errors == ["broken"]


def test_every_context_field_is_documented():
    doc = expressions.__doc__
    for root in ("tx", "customer"):
        for name in DOCUMENTED_FIELDS[root]:
            assert f"``{name}``" in doc, f"{root}.{name} is not documented"
    for name in DOCUMENTED_FIELDS["window"]:
        base = re.sub(r"_(24h|7d|30d)$", "_*", name)
        assert f"``{base}``" in doc, f"window.{name} is not documented"
