"""Travel-rule decisions as plain Python over plain data (no database).

``decide_outgoing`` says what happens to a withdrawal before it is broadcast: no data needed,
send it to the counterparty, or a sunrise / unhosted-wallet outcome without a counterparty.
Policies are the ``TravelRulePolicy`` rows, passed in as ``PolicyView``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

PROCEED, REVIEW, BLOCK = "proceed", "review", "block"
NOT_REQUIRED, READY, AWAITING, REJECTED, HELD = (
    "not_required",
    "ready",
    "awaiting_counterparty",
    "rejected",
    "review",
)
SEND = "send"  # not a status: the message goes to the counterparty, whose answer decides
_ACTION_STATUS = {PROCEED: READY, REVIEW: HELD, BLOCK: REJECTED}


@dataclass(frozen=True)
class PolicyView:
    jurisdiction: str
    threshold_amount: Decimal
    threshold_currency: str = "PKR"
    rule_in_force: bool = True
    sunrise_action: str = PROCEED
    unknown_vasp_action: str = REVIEW
    unhosted_declaration_min_pkr: Decimal = Decimal(0)
    unhosted_proof_min_pkr: Decimal = Decimal("1000000")
    incoming_mismatch_action: str = REVIEW
    incoming_sanctions_action: str = BLOCK
    counterparty_sla_hours: int = 4
    id: int | None = None


@dataclass(frozen=True)
class OutgoingFacts:
    amount_pkr: Decimal
    ours: PolicyView
    theirs: PolicyView | None = None  # the counterparty jurisdiction's row, if any
    fiat_values: Mapping[str, Decimal] = field(default_factory=dict)
    unhosted: bool = False
    declared: bool = False  # an ownership declaration is on file for the wallet
    proved: bool = False  # and a verified signed-message proof of control
    vasp_known: bool = True
    vasp_can_receive: bool = True


@dataclass(frozen=True)
class Decision:
    status: str  # a Transfer status, or SEND
    reasons: tuple[str, ...]


def exceeds(policy: PolicyView, amount_pkr: Decimal, fiat_values: Mapping[str, Decimal]) -> bool:
    """At or above the policy's threshold. A transfer we cannot value in the threshold's
    currency counts as above it: missing a rate must not switch the rule off."""
    currency = policy.threshold_currency.upper()
    if currency == "PKR":
        value = amount_pkr
    elif currency in fiat_values:
        value = fiat_values[currency]
    else:
        return True
    return value >= policy.threshold_amount


def _threshold(policy: PolicyView) -> str:
    return f"{policy.threshold_currency} {policy.threshold_amount:,.2f} ({policy.jurisdiction})"


def decide_outgoing(facts: OutgoingFacts) -> Decision:
    ours, theirs = facts.ours, facts.theirs
    over_ours = exceeds(ours, facts.amount_pkr, facts.fiat_values)
    over_theirs = bool(
        theirs and theirs.rule_in_force and exceeds(theirs, facts.amount_pkr, facts.fiat_values)
    )
    if facts.unhosted:
        return _unhosted(facts, over_ours or over_theirs)
    if not (over_ours or over_theirs):
        limits = [_threshold(ours)] + ([_threshold(theirs)] if theirs else [])
        return Decision(NOT_REQUIRED, (f"below the travel-rule threshold: {', '.join(limits)}",))
    why = f"at or above {_threshold(ours if over_ours else theirs)}"
    if not facts.vasp_known:
        action = ours.unknown_vasp_action
        return Decision(
            _ACTION_STATUS[action],
            (why, f"counterparty VASP unknown: policy says {action} (sunrise), recorded"),
        )
    if not facts.vasp_can_receive or (theirs is not None and not theirs.rule_in_force):
        action = ours.sunrise_action
        cause = (
            "cannot receive travel-rule data"
            if not facts.vasp_can_receive
            else f"{theirs.jurisdiction} has not enacted the travel rule"
        )
        return Decision(
            _ACTION_STATUS[action], (why, f"counterparty {cause}: policy says {action} (sunrise)")
        )
    return Decision(SEND, (why,))


def _unhosted(facts: OutgoingFacts, over: bool) -> Decision:
    ours = facts.ours
    if facts.amount_pkr >= ours.unhosted_proof_min_pkr and not facts.proved:
        return Decision(
            REJECTED,
            (
                f"unhosted wallet at or above PKR {ours.unhosted_proof_min_pkr:,.2f}: a verified "
                "signed-message proof of control is required",
            ),
        )
    if facts.amount_pkr >= ours.unhosted_declaration_min_pkr and not facts.declared:
        return Decision(
            REJECTED,
            (
                f"unhosted wallet at or above PKR {ours.unhosted_declaration_min_pkr:,.2f}: the "
                "customer's ownership declaration is required",
            ),
        )
    proof = "proved by a signed message" if facts.proved else "declared by the customer"
    reasons = [f"unhosted wallet: ownership {proof}"]
    if over:
        reasons.append("travel-rule data recorded; no counterparty VASP to send it to")
    return Decision(READY if over else NOT_REQUIRED, tuple(reasons))


def incoming_action(*, ours: PolicyView, sanctioned: bool, mismatched: bool) -> str:
    """What we answer a counterparty's inquiry: proceed (approve), review (answer later) or
    block (reject)."""
    order = {PROCEED: 0, REVIEW: 1, BLOCK: 2}
    action = PROCEED
    if sanctioned:
        action = max(action, ours.incoming_sanctions_action, key=order.__getitem__)
    if mismatched:
        action = max(action, ours.incoming_mismatch_action, key=order.__getitem__)
    return action
