"""Travel-rule policy decisions as plain data: thresholds, sunrise, unhosted wallets."""

from __future__ import annotations

from decimal import Decimal

from compliance.travel_rule import policy as p

PK = p.PolicyView(jurisdiction="PK", threshold_amount=Decimal("1000000"))
US = p.PolicyView(jurisdiction="US", threshold_amount=Decimal("1000"), threshold_currency="USD")
NO_RULE = p.PolicyView(
    jurisdiction="XY",
    threshold_amount=Decimal("1000"),
    threshold_currency="USD",
    rule_in_force=False,
)


def decide(amount_pkr: str, **facts) -> p.Decision:
    return p.decide_outgoing(p.OutgoingFacts(amount_pkr=Decimal(amount_pkr), ours=PK, **facts))


def test_at_exactly_pkr_one_million_the_data_is_sent():
    assert decide("1000000.00").status == p.SEND


def test_one_paisa_below_to_a_pakistani_counterparty_it_is_not_required():
    decision = decide("999999.99")
    assert decision.status == p.NOT_REQUIRED
    assert "PKR 1,000,000.00 (PK)" in decision.reasons[0]


def test_a_usd_1000_jurisdiction_gets_data_below_our_pkr_threshold():
    assert decide("300000", theirs=US, fiat_values={"USD": Decimal("1075")}).status == p.SEND
    assert decide("250000", theirs=US, fiat_values={"USD": Decimal("999.99")}).status == (
        p.NOT_REQUIRED
    )


def test_without_a_rate_for_the_counterparty_currency_the_rule_applies():
    assert decide("1000", theirs=US).status == p.SEND


def test_sunrise_counterparty_without_the_rule_follows_the_sunrise_action():
    decision = decide("2000000", theirs=NO_RULE)
    assert decision.status == p.READY
    assert "has not enacted the travel rule" in decision.reasons[1]
    blocking = p.PolicyView(
        jurisdiction="PK", threshold_amount=Decimal("1000000"), sunrise_action=p.BLOCK
    )
    blocked = p.decide_outgoing(
        p.OutgoingFacts(amount_pkr=Decimal("2000000"), ours=blocking, theirs=NO_RULE)
    )
    assert blocked.status == p.REJECTED


def test_an_unknown_vasp_is_held_for_review_by_default():
    assert decide("2000000", vasp_known=False).status == p.HELD


def test_a_vasp_that_cannot_receive_is_a_sunrise_case():
    assert decide("2000000", vasp_can_receive=False).status == p.READY


def test_unhosted_wallet_needs_a_declaration_then_a_proof_at_pkr_one_million():
    assert decide("5000", unhosted=True).status == p.REJECTED
    assert decide("5000", unhosted=True, declared=True).status == p.NOT_REQUIRED
    assert decide("1000000", unhosted=True, declared=True).status == p.REJECTED
    proved = decide("1000000", unhosted=True, declared=True, proved=True)
    assert proved.status == p.READY
    assert "proved by a signed message" in proved.reasons[0]


def test_incoming_actions_take_the_strictest_of_sanctions_and_mismatch():
    assert p.incoming_action(ours=PK, sanctioned=False, mismatched=False) == p.PROCEED
    assert p.incoming_action(ours=PK, sanctioned=False, mismatched=True) == p.REVIEW
    assert p.incoming_action(ours=PK, sanctioned=True, mismatched=True) == p.BLOCK
