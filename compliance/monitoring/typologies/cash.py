"""Cash typologies: the CTR threshold and the ways around it.

Under the AML Act 2010 CTR regime a cash transaction of PKR 2,000,000 or more is reported to the
FMU as a Currency Transaction Report. Structuring is splitting cash into amounts just under that
threshold so that no CTR is filed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from . import explain
from .base import EvaluationContext, Finding, TxView, Typology, doc, movements, recent
from .episodes import Members, find_episode, group_hits

CTR_THRESHOLD_PKR = Decimal("2000000")


def _cash_word(txs) -> str:
    return "cash" if all(t.is_cash for t in txs) else ""


@dataclass(frozen=True)
class Structuring(Typology):
    """Several cash transactions just under the CTR threshold within a few days."""

    code = "STRUCTURING"
    title = "Structuring under the CTR threshold"

    threshold_pkr: Decimal = field(
        default=CTR_THRESHOLD_PKR,
        metadata=doc(
            "Reporting threshold the amounts stay under (the CTR threshold).",
            unit="PKR",
            minimum=Decimal(1),
        ),
    )
    floor_ratio: Decimal = field(
        default=Decimal("0.85"),
        metadata=doc(
            '"Just under": amounts from this share of the threshold up to it.',
            unit="ratio",
            minimum=Decimal("0.5"),
            maximum=Decimal("0.99"),
        ),
    )
    window: timedelta = field(
        default=timedelta(days=7), metadata=doc("Window the cash transactions fall in.")
    )
    min_count: int = field(
        default=3, metadata=doc("Cash transactions just under the threshold needed.", minimum=2)
    )

    @property
    def lookback(self) -> timedelta:
        return self.window * 3

    @property
    def floor_pkr(self) -> Decimal:
        return self.threshold_pkr * self.floor_ratio

    def _is_member(self, t: TxView) -> bool:
        return t.is_cash and t.is_movement and self.floor_pkr <= t.amount_pkr < self.threshold_pkr

    def may_affect(self, tx: TxView) -> bool:
        return self._is_member(tx)

    def evaluate(self, tx: TxView, ctx: EvaluationContext) -> Finding | None:
        if not self._is_member(tx):
            return None
        members = Members(
            [t for t in recent(movements(tx, ctx), tx, self.lookback) if self._is_member(t)]
        )
        episode = find_episode(members, self.window, lambda lo, hi: hi - lo + 1 >= self.min_count)
        if episode is None:
            return None
        txs = episode.members
        amounts = [t.amount_pkr for t in txs]
        text = (
            f"{explain.count_of(txs, 'cash')} of {explain.pkr_range(amounts)} "
            f"in {explain.duration(explain.span_of(txs))}, total {explain.pkr(sum(amounts))}, "
            f"each under the {explain.pkr(self.threshold_pkr)} CTR threshold"
        )
        return Finding(
            typology_code=self.code,
            score=min(1.0, len(txs) / (self.min_count + 2)),
            explanation=text,
            transaction_ids=episode.transaction_ids,
            dedupe_key=episode.key(self.code, tx.customer_id),
            facts={
                "count": len(txs),
                "min_pkr": str(min(amounts)),
                "max_pkr": str(max(amounts)),
                "threshold_pkr": str(self.threshold_pkr),
                **explain.money_facts(txs),
            },
        )


@dataclass(frozen=True)
class LargeCash(Typology):
    """A cash transaction at or above the CTR threshold; a CTR is due for each one.

    The finding's facts carry ``ctr_required: true`` for the evaluated transaction: the caller
    queues its CTR whether the finding opens an alert or attaches to one.
    """

    code = "LARGE_CASH"
    title = "Large cash transaction (CTR)"

    threshold_pkr: Decimal = field(
        default=CTR_THRESHOLD_PKR,
        metadata=doc(
            "Cash amount at or above which a CTR is filed.", unit="PKR", minimum=Decimal(1)
        ),
    )
    group_window: timedelta = field(
        default=timedelta(hours=24),
        metadata=doc("Large cash transactions this close together share one alert."),
    )

    @property
    def lookback(self) -> timedelta:
        return self.group_window * 3

    def _is_member(self, t: TxView) -> bool:
        return t.is_cash and t.is_movement and t.amount_pkr >= self.threshold_pkr

    def may_affect(self, tx: TxView) -> bool:
        return self._is_member(tx)

    def evaluate(self, tx: TxView, ctx: EvaluationContext) -> Finding | None:
        if not self._is_member(tx):
            return None
        hits = [t for t in recent(movements(tx, ctx), tx, self.lookback) if self._is_member(t)]
        episode = group_hits(hits, self.group_window)
        txs = episode.members
        text = (
            f"Cash {explain.noun(tx.kind)} of {explain.pkr(tx.amount_pkr)}, at or above "
            f"the {explain.pkr(self.threshold_pkr)} CTR threshold; a CTR is due"
        )
        if len(txs) > 1:
            text += (
                f" ({explain.count_of(txs, 'cash')} at or above it in "
                f"{explain.duration(explain.span_of(txs))}, "
                f"total {explain.pkr(explain.total(txs))})"
            )
        excess = tx.amount_pkr / self.threshold_pkr
        return Finding(
            typology_code=self.code,
            score=float(min(Decimal(1), Decimal("0.5") + (excess - 1) / 2)),
            explanation=text,
            transaction_ids=episode.transaction_ids,
            dedupe_key=episode.key(self.code, tx.customer_id),
            facts={
                "ctr_required": True,
                "amount_pkr": str(tx.amount_pkr),
                "threshold_pkr": str(self.threshold_pkr),
                "count": len(txs),
                **explain.money_facts(txs),
            },
        )


@dataclass(frozen=True)
class RoundAmounts(Typology):
    """Repeated large movements in round PKR figures (whole lakhs), typical of cash placed
    without a commercial reason."""

    code = "ROUND_AMOUNTS"
    title = "Repeated round amounts"

    round_unit_pkr: Decimal = field(
        default=Decimal("100000"),
        metadata=doc(
            "An amount is round when it is an exact multiple of this.",
            unit="PKR",
            minimum=Decimal(1),
        ),
    )
    min_amount_pkr: Decimal = field(
        default=Decimal("500000"),
        metadata=doc(
            "Smaller round amounts are ordinary and not counted.", unit="PKR", minimum=Decimal(0)
        ),
    )
    window: timedelta = field(
        default=timedelta(days=7), metadata=doc("Window the movements fall in.")
    )
    min_count: int = field(
        default=3, metadata=doc("Round movements needed in the window.", minimum=2)
    )

    @property
    def lookback(self) -> timedelta:
        return self.window * 3

    def _is_member(self, t: TxView) -> bool:
        return (
            t.is_movement
            and t.amount_pkr >= self.min_amount_pkr
            and t.amount_pkr % self.round_unit_pkr == 0
        )

    def may_affect(self, tx: TxView) -> bool:
        return self._is_member(tx)

    def evaluate(self, tx: TxView, ctx: EvaluationContext) -> Finding | None:
        if not self._is_member(tx):
            return None
        members = Members(
            [t for t in recent(movements(tx, ctx), tx, self.lookback) if self._is_member(t)]
        )
        episode = find_episode(members, self.window, lambda lo, hi: hi - lo + 1 >= self.min_count)
        if episode is None:
            return None
        txs = episode.members
        text = (
            f"{explain.count_of(txs, _cash_word(txs))} in round amounts "
            f"({explain.pkr_range(t.amount_pkr for t in txs)}, multiples of "
            f"{explain.pkr(self.round_unit_pkr)}) in {explain.duration(explain.span_of(txs))}, "
            f"total {explain.pkr(explain.total(txs))}"
        )
        return Finding(
            typology_code=self.code,
            score=min(1.0, 0.3 + 0.1 * len(txs)),
            explanation=text,
            transaction_ids=episode.transaction_ids,
            dedupe_key=episode.key(self.code, tx.customer_id),
            facts={
                "count": len(txs),
                "round_unit_pkr": str(self.round_unit_pkr),
                **explain.money_facts(txs),
            },
        )
