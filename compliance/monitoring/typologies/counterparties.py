"""Counterparty typologies: who is on the other side and what came with the transfer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from . import explain
from .base import EvaluationContext, Finding, TxView, Typology, doc, recent
from .episodes import group_hits


def _other_side(tx: TxView) -> str:
    side = "from" if tx.is_incoming else "to"
    if tx.counterparty_wallet:
        chain = f" ({tx.counterparty_chain})" if tx.counterparty_chain else ""
        return f"{side} wallet {tx.counterparty_wallet}{chain}"
    if tx.counterparty_name:
        return f"{side} {tx.counterparty_name}"
    return f"{side} {tx.counterparty_key or 'an unnamed counterparty'}"


def _headline(tx: TxView) -> str:
    return f"{explain.noun(tx.kind).capitalize()} of {explain.pkr(tx.amount_pkr)} {_other_side(tx)}"


@dataclass(frozen=True)
class SanctionedCounterparty(Typology):
    """The counterparty's wallet (or name) is on a sanctions list in the screening index.

    Wallet hits are exact address matches. Name hits are what the screening index reports as a
    match for the counterparty's name; turn ``match_names`` off where names are too noisy.
    """

    code = "SANCTIONED_COUNTERPARTY"
    title = "Sanctioned counterparty"

    match_names: bool = field(default=True, metadata=doc("Also screen the counterparty's name."))
    group_window: timedelta = field(
        default=timedelta(days=30),
        metadata=doc("Transactions with the same listed counterparty this close share one alert."),
    )

    @property
    def lookback(self) -> timedelta:
        return self.group_window * 2

    def may_affect(self, tx: TxView) -> bool:
        return bool(tx.counterparty_key)

    def _hit(self, tx: TxView, ctx: EvaluationContext) -> tuple[str, str] | None:
        if tx.counterparty_wallet:
            listed = ctx.sanctions.wallet_hit(tx.counterparty_chain, tx.counterparty_wallet)
            if listed:
                return "wallet", listed
        if self.match_names and tx.counterparty_name:
            listed = ctx.sanctions.name_hit(tx.counterparty_name)
            if listed:
                return "name", listed
        return None

    def evaluate(self, tx: TxView, ctx: EvaluationContext) -> Finding | None:
        hit = self._hit(tx, ctx)
        if hit is None:
            return None
        matched_on, listed = hit
        key = tx.counterparty_key
        same = (
            [t for t in recent(ctx.timeline(tx), tx, self.lookback) if t.counterparty_key == key]
            if key
            else [tx]
        )
        episode = group_hits(same, self.group_window)
        txs = episode.members
        text = f"{_headline(tx)}; the {matched_on} is listed: {listed}"
        if len(txs) > 1:
            text += (
                f" ({explain.count_of(txs)} with this counterparty in "
                f"{explain.duration(explain.span_of(txs))}, "
                f"total {explain.pkr(explain.total(txs))})"
            )
        return Finding(
            typology_code=self.code,
            score=1.0 if matched_on == "wallet" else 0.8,
            explanation=text,
            transaction_ids=episode.transaction_ids,
            dedupe_key=episode.key(self.code, tx.customer_id),
            facts={
                "matched_on": matched_on,
                "listed_entry": listed,
                "counterparty": key,
                **explain.money_facts(txs),
            },
        )


@dataclass(frozen=True)
class HighRiskJurisdiction(Typology):
    """The counterparty is in a jurisdiction on one of the chosen high-risk lists (the FATF
    lists are data: ``EvaluationContext.high_risk_countries``)."""

    code = "HIGH_RISK_JURISDICTION"
    title = "High-risk jurisdiction"

    lists: tuple[str, ...] = field(
        default=("FATF black list",),
        metadata=doc("Names of the country lists this rule alerts on."),
    )
    min_amount_pkr: Decimal = field(
        default=Decimal("0"),
        metadata=doc("Smaller transactions are not alerted.", unit="PKR", minimum=Decimal(0)),
    )
    group_window: timedelta = field(
        default=timedelta(days=7),
        metadata=doc("Transactions with the same jurisdiction this close share one alert."),
    )

    @property
    def lookback(self) -> timedelta:
        return self.group_window * 2

    def check(self) -> dict[str, list[str]]:
        return {} if self.lists else {"lists": ["name at least one list"]}

    def may_affect(self, tx: TxView) -> bool:
        return bool(tx.counterparty_country) and tx.amount_pkr >= self.min_amount_pkr

    def _listed(self, tx: TxView, ctx: EvaluationContext) -> str | None:
        country = tx.counterparty_country.upper()
        listed = ctx.high_risk_countries.get(country) if country else None
        return listed if listed in self.lists else None

    def evaluate(self, tx: TxView, ctx: EvaluationContext) -> Finding | None:
        if tx.amount_pkr < self.min_amount_pkr:
            return None
        listed = self._listed(tx, ctx)
        if listed is None:
            return None
        country = tx.counterparty_country.upper()
        same = [
            t
            for t in recent(ctx.timeline(tx), tx, self.lookback)
            if t.counterparty_country.upper() == country and t.amount_pkr >= self.min_amount_pkr
        ]
        episode = group_hits(same, self.group_window)
        txs = episode.members
        text = f"{_headline(tx)} in {country}, on the {listed}"
        if len(txs) > 1:
            text += (
                f" ({explain.count_of(txs)} with {country} in "
                f"{explain.duration(explain.span_of(txs))}, "
                f"total {explain.pkr(explain.total(txs))})"
            )
        return Finding(
            typology_code=self.code,
            score=0.9 if "black" in listed.lower() else 0.6,
            explanation=text,
            transaction_ids=episode.transaction_ids,
            dedupe_key=episode.key(self.code, tx.customer_id, country),
            facts={"country": country, "list": listed, **explain.money_facts(txs)},
        )


@dataclass(frozen=True)
class TravelRuleMissing(Typology):
    """A crypto transfer above the threshold without the travel-rule data (FATF R.16): the
    beneficiary block on a transfer out, the originator block on a transfer in."""

    code = "TRAVEL_RULE_MISSING"
    title = "Travel-rule data missing"

    threshold_pkr: Decimal = field(
        default=Decimal("1000000"),
        metadata=doc(
            "Transfers above this amount must carry travel-rule data.",
            unit="PKR",
            minimum=Decimal(0),
        ),
    )
    group_window: timedelta = field(
        default=timedelta(hours=24),
        metadata=doc("Incomplete transfers this close share one alert."),
    )

    @property
    def lookback(self) -> timedelta:
        return self.group_window * 2

    def _is_member(self, t: TxView) -> bool:
        return (
            t.is_crypto_transfer
            and t.amount_pkr > self.threshold_pkr
            and not (t.travel_rule_complete)
        )

    def may_affect(self, tx: TxView) -> bool:
        return self._is_member(tx)

    def evaluate(self, tx: TxView, ctx: EvaluationContext) -> Finding | None:
        if not self._is_member(tx):
            return None
        episode = group_hits(
            [t for t in recent(ctx.timeline(tx), tx, self.lookback) if self._is_member(t)],
            self.group_window,
        )
        txs = episode.members
        missing = "beneficiary" if tx.is_outgoing else "originator"
        headline = _headline(tx)
        text = (
            f"Crypto {headline[0].lower()}{headline[1:]}, above the "
            f"{explain.pkr(self.threshold_pkr)} travel-rule threshold, without {missing} "
            "information"
        )
        if len(txs) > 1:
            text += (
                f" ({explain.count_of(txs)} without it in "
                f"{explain.duration(explain.span_of(txs))}, "
                f"total {explain.pkr(explain.total(txs))})"
            )
        return Finding(
            typology_code=self.code,
            score=float(
                min(Decimal(1), Decimal("0.6") + tx.amount_pkr / max(self.threshold_pkr, 1) / 20)
            ),
            explanation=text,
            transaction_ids=episode.transaction_ids,
            dedupe_key=episode.key(self.code, tx.customer_id),
            facts={
                "missing": missing,
                "threshold_pkr": str(self.threshold_pkr),
                "amount_pkr": str(tx.amount_pkr),
                **explain.money_facts(txs),
            },
        )
