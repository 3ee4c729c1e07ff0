"""Each typology fires at its boundary and not one step short of it; episodes de-duplicate."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from compliance.monitoring.typologies import explain
from compliance.monitoring.typologies.base import (
    KARACHI,
    CustomerView,
    EvaluationContext,
    ParameterError,
    TierLimits,
    TxView,
)
from compliance.monitoring.typologies.cash import LargeCash, RoundAmounts, Structuring
from compliance.monitoring.typologies.counterparties import (
    HighRiskJurisdiction,
    SanctionedCounterparty,
    TravelRuleMissing,
)
from compliance.monitoring.typologies.evaluation import (
    check_blocking,
    check_transaction,
    evaluate_all,
    required_lookback,
)
from compliance.monitoring.typologies.flows import FanIn, FanOut, RapidMovement, Velocity
from compliance.monitoring.typologies.profile import (
    DormantReactivation,
    ProfileDeviation,
    TierLimit,
)
from compliance.monitoring.typologies.registry import (
    DEFAULT_HIGH_RISK_COUNTRIES,
    DEFAULT_RULE_PACK,
    TYPOLOGIES,
    build_rule,
)

START = datetime(2026, 10, 5, 10, 0, tzinfo=KARACHI)
API_TYPOLOGY_CODES = {
    "STRUCTURING",
    "LARGE_CASH",
    "RAPID_MOVEMENT",
    "VELOCITY",
    "PROFILE_DEVIATION",
    "DORMANT_REACTIVATION",
    "FAN_IN",
    "FAN_OUT",
    "SANCTIONED_COUNTERPARTY",
    "HIGH_RISK_JURISDICTION",
    "TRAVEL_RULE_MISSING",
    "TIER_LIMIT",
    "ROUND_AMOUNTS",
}

_ids = iter(range(1, 1_000_000))


def tx(amount="100000", kind="deposit", channel="bank", at=timedelta(0), **kw) -> TxView:
    n = next(_ids)
    return TxView(
        id=kw.pop("id", f"T{n}"),
        external_id=f"X{n}",
        customer_id="C1",
        kind=kind,
        channel=channel,
        asset="PKR",
        amount=Decimal(amount),
        amount_pkr=Decimal(amount),
        occurred_at=START + at,
        **kw,
    )


def cash(amount, at=timedelta(0), **kw) -> TxView:
    return tx(amount, channel="cash", at=at, **kw)


def crypto_out(amount, at=timedelta(0), **kw) -> TxView:
    kw.setdefault("counterparty_wallet", "TWallet1")
    kw.setdefault("counterparty_account", kw["counterparty_wallet"])
    kw.setdefault("counterparty_chain", "TRON")
    return tx(amount, kind="transfer_out", channel="crypto", at=at, **kw)


def customer(**kw) -> CustomerView:
    return CustomerView(id="C1", external_id="U-1", **kw)


class Listed:
    def wallet_hit(self, chain, address):
        return "W-004 Sanctioned Wallet Operator 4 (OFAC)" if address == "0xbad" else None

    def name_hit(self, name):
        return "NACTA-17 Proscribed Person" if name == "Proscribed Person" else None


def context(txs, who=None, **kw) -> EvaluationContext:
    return EvaluationContext(
        customer=who or customer(),
        history=sorted(txs, key=lambda t: t.occurred_at),
        now=max(t.occurred_at for t in txs),
        high_risk_countries=DEFAULT_HIGH_RISK_COUNTRIES,
        sanctions=Listed(),
        **kw,
    )


def run(rule, *txs, who=None):
    """Evaluate the last transaction given, with all of them as history."""
    return rule.evaluate(txs[-1], context(list(txs), who))


def hours(n) -> timedelta:
    return timedelta(hours=n)


def days(n) -> timedelta:
    return timedelta(days=n)


# -- structuring --------------------------------------------------------------------------


def test_three_cash_deposits_just_under_the_ctr_threshold_in_a_week_are_structuring():
    txs = [cash("1850000"), cash("1980000", at=hours(5)), cash("1900000", at=hours(26))]
    finding = run(Structuring(), *txs)
    assert finding.typology_code == "STRUCTURING"
    assert finding.explanation == (
        "3 cash deposits of PKR 1.85M–1.98M in 26 h, total PKR 5.73M, "
        "each under the PKR 2M CTR threshold"
    )
    assert finding.transaction_ids == tuple(t.id for t in txs)
    assert finding.facts["total_pkr"] == "5730000"


def test_two_cash_deposits_just_under_the_threshold_are_not_yet_structuring():
    assert run(Structuring(), cash("1900000"), cash("1950000", at=hours(3))) is None


def test_structuring_band_starts_at_85_percent_of_the_threshold():
    low = [cash("1700000"), cash("1700000", at=hours(1))]
    assert run(Structuring(), *low, cash("1700000", at=hours(2))) is not None
    assert run(Structuring(), *low, cash("1699999.99", at=hours(2))) is None


def test_cash_at_the_ctr_threshold_is_not_structuring():
    txs = [cash("1900000"), cash("1900000", at=hours(1)), cash("2000000", at=hours(2))]
    assert run(Structuring(), *txs) is None


def test_structuring_window_includes_its_boundary():
    first = cash("1900000")
    second = cash("1900000", at=days(3))
    assert run(Structuring(), first, second, cash("1900000", at=days(7))) is not None
    late = cash("1900000", at=days(7) + timedelta(minutes=1))
    assert run(Structuring(), first, second, late) is None


def test_bank_deposits_under_the_threshold_are_not_structuring():
    txs = [tx("1900000"), tx("1900000", at=hours(1)), tx("1900000", at=hours(2))]
    assert run(Structuring(), *txs) is None


def test_later_deposits_of_a_structuring_episode_attach_to_the_same_alert():
    txs = [cash("1900000", at=hours(h)) for h in (0, 5, 26, 30)]
    third = run(Structuring(), *txs[:3])
    fourth = run(Structuring(), *txs)
    assert third.dedupe_key == fourth.dedupe_key
    assert fourth.transaction_ids == tuple(t.id for t in txs)
    assert fourth.explanation.startswith("4 cash deposits")


def test_a_new_structuring_episode_a_month_later_raises_a_new_alert():
    first = [cash("1900000", at=hours(h)) for h in (0, 5, 26)]
    later = [cash("1900000", at=days(30) + hours(h)) for h in (0, 5, 26)]
    assert run(Structuring(), *first).dedupe_key != run(Structuring(), *first, *later).dedupe_key
    assert run(Structuring(), *first, *later).transaction_ids == tuple(t.id for t in later)


def test_unrelated_activity_during_an_episode_does_not_fire_again():
    txs = [cash("1900000", at=hours(h)) for h in (0, 5, 26)]
    assert run(Structuring(), *txs, tx("50000", at=hours(27))) is None


# -- large cash ---------------------------------------------------------------------------


def test_cash_deposit_at_exactly_two_million_is_large_cash_and_requires_a_ctr():
    finding = run(LargeCash(), cash("2000000"))
    assert finding.facts["ctr_required"] is True
    assert finding.explanation == (
        "Cash deposit of PKR 2M, at or above the PKR 2M CTR threshold; a CTR is due"
    )


def test_cash_deposit_one_paisa_below_two_million_is_not_large_cash():
    assert run(LargeCash(), cash("1999999.99")) is None


def test_cash_withdrawal_of_two_million_is_large_cash():
    assert run(LargeCash(), cash("2500000", kind="withdrawal")) is not None


def test_bank_deposit_of_two_million_is_not_large_cash():
    assert run(LargeCash(), tx("5000000")) is None


def test_large_cash_within_a_day_shares_one_alert_and_a_later_one_does_not():
    a, b = cash("2100000"), cash("3000000", at=hours(6))
    c = cash("2200000", at=hours(6) + days(2))
    assert run(LargeCash(), a).dedupe_key == run(LargeCash(), a, b).dedupe_key
    assert run(LargeCash(), a, b).transaction_ids == (a.id, b.id)
    assert run(LargeCash(), a, b, c).dedupe_key != run(LargeCash(), a).dedupe_key


# -- rapid movement -----------------------------------------------------------------------


def test_deposit_then_ninety_percent_out_within_hours_is_rapid_movement():
    deposit = tx("1000000")
    buy = tx("990000", kind="trade_buy", channel="internal", at=hours(1))
    out = crypto_out("900000", at=hours(4))
    finding = run(RapidMovement(), deposit, buy, out)
    assert finding.explanation == (
        "PKR 1M came in (1 deposit) and PKR 900K (90 %) went out (1 transfer out) within 4 h"
    )
    assert finding.transaction_ids == (deposit.id, out.id)


def test_just_under_ninety_percent_out_is_not_rapid_movement():
    assert run(RapidMovement(), tx("1000000"), crypto_out("899999.99", at=hours(4))) is None


def test_money_out_after_the_window_is_not_rapid_movement():
    deposit = tx("1000000")
    assert run(RapidMovement(), deposit, crypto_out("950000", at=hours(24))) is not None
    late = crypto_out("950000", at=hours(24) + timedelta(minutes=1))
    assert run(RapidMovement(), deposit, late) is None


def test_small_pass_through_is_not_rapid_movement():
    assert run(RapidMovement(), tx("499999.99"), tx("499999.99", kind="withdrawal")) is None


def test_rapid_movement_fires_on_the_way_out_not_on_the_way_in():
    out = tx("950000", kind="withdrawal", at=hours(-1))
    assert run(RapidMovement(), out, tx("1000000")) is None


def test_second_withdrawal_of_the_same_pass_through_attaches_to_the_same_alert():
    deposit = tx("1000000")
    first = tx("600000", kind="withdrawal", at=hours(2))
    second = tx("350000", kind="withdrawal", at=hours(3))
    assert run(RapidMovement(), deposit, first) is None
    finding = run(RapidMovement(), deposit, first, second)
    assert finding.transaction_ids == (deposit.id, first.id, second.id)
    third = tx("10000", kind="withdrawal", at=hours(5))
    assert run(RapidMovement(), deposit, first, second, third).dedupe_key == finding.dedupe_key


# -- velocity -----------------------------------------------------------------------------


def test_twenty_movements_in_a_day_is_velocity():
    txs = [tx("1000", at=timedelta(minutes=60 * i)) for i in range(20)]
    finding = run(Velocity(), *txs)
    assert finding.explanation.startswith("20 deposits (20 in, 0 out) in 19 h")


def test_nineteen_movements_in_a_day_is_not_velocity():
    assert run(Velocity(), *[tx("1000", at=hours(i)) for i in range(19)]) is None


def test_trades_do_not_count_towards_velocity():
    moves = [tx("1000", at=hours(i)) for i in range(19)]
    trade = tx("1000", kind="trade_buy", channel="internal", at=hours(20))
    assert run(Velocity(), *moves, trade) is None


# -- profile deviation --------------------------------------------------------------------


def test_incoming_at_twice_the_declared_turnover_is_profile_deviation():
    who = customer(expected_monthly_turnover_pkr=Decimal("1000000"))
    finding = run(ProfileDeviation(), tx("1500000"), tx("500000", at=days(20)), who=who)
    assert finding.explanation == (
        "PKR 2M came in over 30 days (2 deposits), 2.0× the declared monthly turnover of PKR 1M"
    )


def test_incoming_just_under_twice_the_declared_turnover_is_not_profile_deviation():
    who = customer(expected_monthly_turnover_pkr=Decimal("1000000"))
    assert run(ProfileDeviation(), tx("1500000"), tx("499999.99", at=days(20)), who=who) is None


def test_small_excess_over_a_small_declared_turnover_is_not_profile_deviation():
    who = customer(expected_monthly_turnover_pkr=Decimal("100000"))
    assert run(ProfileDeviation(), tx("599999.99"), who=who) is None
    assert run(ProfileDeviation(), tx("600000"), who=who) is not None


def test_incoming_older_than_the_window_does_not_count_for_profile_deviation():
    who = customer(expected_monthly_turnover_pkr=Decimal("1000000"))
    assert run(ProfileDeviation(), tx("1500000"), tx("500000", at=days(31)), who=who) is None


def test_customer_without_declared_turnover_is_not_profile_deviation():
    assert run(ProfileDeviation(), tx("90000000")) is None


# -- dormant reactivation -----------------------------------------------------------------


def test_account_idle_for_180_days_moving_500k_is_dormant_reactivation():
    who = customer(last_activity_before=START - days(180))
    finding = run(DormantReactivation(), tx("500000"), who=who)
    assert (
        finding.explanation == "Account inactive for 180 days, then 1 deposit of PKR 500K in 0 min"
    )


def test_account_idle_for_179_days_is_not_dormant():
    who = customer(last_activity_before=START - days(179))
    assert run(DormantReactivation(), tx("900000"), who=who) is None


def test_small_reactivation_is_not_alerted_until_it_adds_up():
    who = customer(last_activity_before=START - days(200))
    first = tx("499999.99")
    assert run(DormantReactivation(), first, who=who) is None
    second = tx("1", kind="withdrawal", at=days(3))
    finding = run(DormantReactivation(), first, second, who=who)
    assert finding.transaction_ids == (first.id, second.id)
    third = tx("100000", at=days(10))
    assert run(DormantReactivation(), first, second, third, who=who).dedupe_key == (
        finding.dedupe_key
    )


def test_never_used_account_onboarded_long_ago_is_dormant():
    who = customer(onboarded_at=START - days(365))
    assert run(DormantReactivation(), tx("800000"), who=who) is not None


def test_new_customer_without_history_is_not_dormant():
    assert run(DormantReactivation(), tx("5000000")) is None


# -- fan-in / fan-out ---------------------------------------------------------------------


def _from(n, kind="transfer_in", spread_hours=6):
    spread = hours(spread_hours)
    return [
        tx("50000", kind=kind, channel="crypto", at=spread * i, counterparty_account=f"W{i}")
        for i in range(n)
    ]


def test_ten_distinct_senders_within_72_hours_is_fan_in():
    finding = run(FanIn(), *_from(10))
    assert finding.explanation == (
        "10 transfers in from 10 distinct counterparties in 54 h, total PKR 500K"
    )


def test_nine_distinct_senders_is_not_fan_in():
    assert run(FanIn(), *_from(9)) is None


def test_ten_transfers_from_one_sender_is_not_fan_in():
    same = [
        tx("50000", kind="transfer_in", at=hours(i), counterparty_account="W1") for i in range(10)
    ]
    assert run(FanIn(), *same) is None


def test_senders_spread_beyond_the_window_are_not_fan_in():
    assert run(FanIn(), *_from(10, spread_hours=9)) is None


def test_ten_distinct_recipients_within_72_hours_is_fan_out():
    assert run(FanOut(), *_from(10, kind="transfer_out")) is not None
    assert run(FanOut(), *_from(9, kind="transfer_out")) is None
    assert run(FanIn(), *_from(10, kind="transfer_out")) is None


# -- sanctioned counterparty --------------------------------------------------------------


def test_transfer_to_a_listed_wallet_is_a_sanctioned_counterparty():
    out = crypto_out("262848", counterparty_wallet="0xbad", counterparty_chain="ETH")
    finding = run(SanctionedCounterparty(), out)
    assert finding.score == 1.0
    assert finding.explanation == (
        "Transfer out of PKR 262K to wallet 0xbad (ETH); the wallet is listed: "
        "W-004 Sanctioned Wallet Operator 4 (OFAC)"
    )


def test_transfer_to_an_unlisted_wallet_is_not_a_sanctioned_counterparty():
    assert run(SanctionedCounterparty(), crypto_out("262848", counterparty_wallet="0xgood")) is None


def test_listed_counterparty_name_matches_unless_names_are_switched_off():
    deposit = tx("10000", counterparty_name="Proscribed Person", counterparty_account="PK01")
    assert run(SanctionedCounterparty(), deposit).facts["matched_on"] == "name"
    assert run(SanctionedCounterparty(match_names=False), deposit) is None


def test_earlier_transactions_with_a_listed_wallet_are_linked_to_the_alert():
    first = crypto_out("1000", counterparty_wallet="0xbad")
    second = crypto_out("2000", at=days(3), counterparty_wallet="0xbad")
    finding = run(SanctionedCounterparty(), first, second)
    assert finding.transaction_ids == (first.id, second.id)
    assert finding.dedupe_key == run(SanctionedCounterparty(), first).dedupe_key


# -- high-risk jurisdiction ---------------------------------------------------------------


def test_counterparty_in_a_fatf_black_list_country_is_high_risk():
    finding = run(HighRiskJurisdiction(), crypto_out("572393", counterparty_country="KP"))
    assert finding.explanation == (
        "Transfer out of PKR 572K to wallet TWallet1 (TRON) in KP, on the FATF black list"
    )


def test_grey_list_country_does_not_fire_the_black_list_rule():
    assert run(HighRiskJurisdiction(), crypto_out("572393", counterparty_country="YE")) is None


def test_grey_list_rule_fires_from_its_minimum_amount():
    rule = HighRiskJurisdiction.from_params(
        {"lists": ["FATF grey list"], "min_amount_pkr": "500000"}
    )
    assert run(rule, crypto_out("500000", counterparty_country="ye")) is not None
    assert run(rule, crypto_out("499999.99", counterparty_country="YE")) is None


def test_unlisted_country_is_not_high_risk():
    assert run(HighRiskJurisdiction(), crypto_out("572393", counterparty_country="AE")) is None


# -- travel rule --------------------------------------------------------------------------


def test_crypto_transfer_above_one_million_without_beneficiary_misses_the_travel_rule():
    finding = run(TravelRuleMissing(), crypto_out("1000000.01"))
    assert finding.facts["missing"] == "beneficiary"
    assert "above the PKR 1M travel-rule threshold, without beneficiary" in finding.explanation


def test_crypto_transfer_of_exactly_one_million_is_not_above_the_threshold():
    assert run(TravelRuleMissing(), crypto_out("1000000")) is None


def test_crypto_transfer_with_beneficiary_data_meets_the_travel_rule():
    assert run(TravelRuleMissing(), crypto_out("2800000", has_beneficiary=True)) is None


def test_incoming_crypto_transfer_without_originator_misses_the_travel_rule():
    incoming = tx("1500000", kind="transfer_in", channel="crypto")
    assert run(TravelRuleMissing(), incoming).facts["missing"] == "originator"
    complete = tx("1500000", kind="transfer_in", channel="crypto", has_originator=True)
    assert run(TravelRuleMissing(), complete) is None


def test_bank_transfer_has_no_travel_rule():
    assert run(TravelRuleMissing(), tx("5000000", kind="withdrawal")) is None


# -- tier limits --------------------------------------------------------------------------


def limited(**limits) -> CustomerView:
    return customer(limits=TierLimits(**{k: Decimal(v) for k, v in limits.items()}))


def test_movement_above_the_per_transaction_limit_breaks_the_tier_limit():
    who = limited(per_transaction_pkr="500000")
    finding = run(TierLimit(), tx("500000.01"), who=who)
    assert finding.explanation == (
        "Deposit of PKR 500K is over the per-transaction tier limit of PKR 500K"
    )
    assert run(TierLimit(), tx("500000"), who=who) is None


def test_deposits_adding_up_past_the_daily_limit_break_the_tier_limit():
    who = limited(daily_pkr="1000000")
    first = tx("600000")
    assert run(TierLimit(), first, who=who) is None
    finding = run(TierLimit(), first, tx("400000.01", at=hours(2)), who=who)
    assert finding.explanation == (
        "Deposit of PKR 400K takes today's incoming total to PKR 1M, over the daily tier limit "
        "of PKR 1M"
    )


def test_daily_limit_resets_at_midnight_in_karachi():
    who = limited(daily_pkr="1000000")
    late = replace(tx("600000"), occurred_at=datetime(2026, 10, 5, 23, 59, tzinfo=KARACHI))
    early = replace(tx("600000"), occurred_at=datetime(2026, 10, 6, 0, 1, tzinfo=KARACHI))
    assert run(TierLimit(), late, early, who=who) is None


def test_withdrawals_do_not_use_the_deposit_allowance():
    who = limited(daily_pkr="1000000")
    assert (
        run(TierLimit(), tx("900000"), tx("900000", kind="withdrawal", at=hours(1)), who=who)
        is None
    )


def test_customer_without_limits_never_breaks_a_tier_limit():
    assert run(TierLimit(), tx("900000000")) is None


# -- round amounts ------------------------------------------------------------------------


def test_three_round_lakh_movements_of_500k_or_more_in_a_week_are_round_amounts():
    txs = [cash("500000"), tx("1200000", at=days(2)), cash("700000", kind="withdrawal", at=days(6))]
    assert run(RoundAmounts(), *txs).typology_code == "ROUND_AMOUNTS"


def test_amounts_off_the_round_unit_or_under_the_minimum_are_not_round_amounts():
    assert run(RoundAmounts(), cash("500000"), cash("500000"), cash("500001")) is None
    assert run(RoundAmounts(), cash("500000"), cash("500000"), cash("400000")) is None


# -- parameters ---------------------------------------------------------------------------


def test_params_round_trip_through_their_stored_form():
    rule = Structuring.from_params({"threshold_pkr": "2500000", "window_hours": 72, "min_count": 4})
    assert rule.threshold_pkr == Decimal("2500000")
    assert rule.window == timedelta(hours=72)
    assert Structuring.from_params(rule.to_params()) == rule
    assert Structuring.from_params({}) == Structuring()


def test_bad_params_are_refused_field_by_field():
    with pytest.raises(ParameterError) as caught:
        Structuring.from_params(
            {"threshold_pkr": 2000000.0, "window_hours": -1, "min_count": 1, "colour": "red"}
        )
    errors = caught.value.errors
    assert errors["threshold_pkr"] == ['PKR amounts are decimal strings, e.g. "2000000"']
    assert errors["window_hours"] == ["must be a positive number of hours"]
    assert errors["min_count"] == ["must be at least 2"]
    assert errors["colour"] == ["unknown parameter"]


def test_cross_field_checks_are_refused():
    with pytest.raises(ParameterError) as caught:
        HighRiskJurisdiction.from_params({"lists": []})
    assert caught.value.errors == {"lists": ["name at least one list"]}


def test_param_schema_describes_types_units_and_defaults():
    schema = RapidMovement.param_schema()
    assert schema["x-typology"] == "RAPID_MOVEMENT"
    assert schema["additionalProperties"] is False
    assert schema["properties"]["window_hours"] == {
        "description": "Time from the money coming in to it going out.",
        "type": "number",
        "default": 24,
        "x-unit": "hours",
    }
    assert schema["properties"]["min_incoming_pkr"]["format"] == "decimal"
    assert schema["properties"]["min_incoming_pkr"]["x-unit"] == "PKR"


def test_default_pack_covers_every_api_typology_and_every_rule_builds():
    # A rule may add its own code (API.md): the travel-rule app's mismatch rule is loaded by its
    # own migration, so it is a template but not part of this pack.
    assert set(TYPOLOGIES) == API_TYPOLOGY_CODES | {"TRAVEL_RULE_MISMATCH"}
    assert {r["typology"] for r in DEFAULT_RULE_PACK} == API_TYPOLOGY_CODES
    assert len({r["code"] for r in DEFAULT_RULE_PACK}) == len(DEFAULT_RULE_PACK)
    for record in DEFAULT_RULE_PACK:
        assert set(record) == {"code", "name", "typology", "severity", "params", "blocking"}
        assert build_rule(record["typology"], record["params"]).to_params() == record["params"]
    blocking = {r["typology"] for r in DEFAULT_RULE_PACK if r["blocking"]}
    assert blocking == {"SANCTIONED_COUNTERPARTY", "TIER_LIMIT"}


# -- running rules ------------------------------------------------------------------------


def test_evaluate_all_returns_each_rule_finding_under_its_key():
    rules = [("r-large", LargeCash()), ("r-struct", Structuring()), ("r-round", RoundAmounts())]
    found = evaluate_all(rules, cash("3000000"), context([cash("3000000")]))
    assert [key for key, _ in found] == ["r-large"]


def test_a_failing_rule_is_reported_and_the_others_still_run():
    class Broken:
        lookback = timedelta(0)

        def evaluate(self, tx, ctx):
            raise RuntimeError("boom")

    errors = []
    deposit = cash("3000000")
    found = evaluate_all(
        [("broken", Broken()), ("large", LargeCash())],
        deposit,
        context([deposit]),
        on_error=lambda key, exc: errors.append((key, str(exc))),
    )
    assert [key for key, _ in found] == ["large"]
    assert errors == [("broken", "boom")]


def test_history_after_the_transaction_is_ignored():
    txs = [cash("1900000", at=hours(h)) for h in (0, 5, 26)]
    assert Structuring().evaluate(txs[1], context(txs)) is None


def test_the_evaluated_transaction_counts_even_when_missing_from_history():
    earlier = [cash("1900000"), cash("1900000", at=hours(5))]
    attempt = cash("1900000", at=hours(6))
    assert Structuring().evaluate(attempt, context(earlier)) is not None


def test_required_lookback_is_the_longest_a_rule_needs():
    assert required_lookback([("a", Velocity()), ("b", ProfileDeviation())]) == days(60)
    assert required_lookback([]) == timedelta(0)


def test_frozen_customer_is_blocked_whatever_the_rules():
    deposit = tx("1000")
    reasons = check_blocking(deposit, context([deposit], customer(status="frozen")), [])
    assert [(r.typology, r.detail) for r in reasons] == [
        ("CUSTOMER_STATUS", "the customer is frozen; no money may move")
    ]


def test_sanctioned_counterparty_blocks_the_check():
    out = crypto_out("100000", counterparty_wallet="0xbad")
    result = check_transaction(
        out, context([out]), blocking_rules=[("PK-SANCTIONED", SanctionedCounterparty())]
    )
    assert result.decision == "block"
    assert result.reasons[0].typology == "SANCTIONED_COUNTERPARTY"
    assert result.reasons[0].rule == "PK-SANCTIONED"


def test_check_sends_a_non_blocking_finding_to_review_and_allows_the_rest():
    big = crypto_out("2000000")
    rules = {
        "blocking_rules": [("s", SanctionedCounterparty())],
        "review_rules": [("t", TravelRuleMissing())],
    }
    assert check_transaction(big, context([big]), **rules).decision == "review"
    small = crypto_out("20000")
    assert check_transaction(small, context([small]), **rules).decision == "allow"


def test_check_does_not_allow_money_past_a_blocking_rule_that_failed():
    class Broken:
        lookback = timedelta(0)

        def evaluate(self, tx, ctx):
            raise RuntimeError("index unavailable")

    deposit = tx("1000")
    result = check_transaction(deposit, context([deposit]), blocking_rules=[("s", Broken())])
    assert result.decision == "review"
    assert result.reasons[0].typology == "RULE_ERROR"


# -- wording ------------------------------------------------------------------------------


def test_amounts_in_explanations_are_cut_never_rounded_up_to_a_threshold():
    assert explain.pkr(Decimal("1999999.99")) == "PKR 1.99M"
    assert explain.pkr(Decimal("1850000")) == "PKR 1.85M"
    assert explain.pkr(Decimal("7600000")) == "PKR 7.6M"
    assert explain.pkr(Decimal("262848")) == "PKR 262K"
    assert explain.pkr(Decimal("950.75")) == "PKR 950"
    assert explain.pkr_range([Decimal("1850000"), Decimal("1980000")]) == "PKR 1.85M–1.98M"
