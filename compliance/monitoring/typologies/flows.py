"""Flow typologies: how money moves through the account, whatever its amount."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import ClassVar

from . import explain
from .base import (
    EvaluationContext,
    Finding,
    TxView,
    Typology,
    doc,
    incoming,
    movements,
    outgoing,
    recent,
)
from .episodes import Members, find_episode


@dataclass(frozen=True)
class RapidMovement(Typology):
    """Funds that come in and nearly all go out again within hours (pass-through, layering)."""

    code = "RAPID_MOVEMENT"
    title = "Rapid movement of funds"

    window: timedelta = field(
        default=timedelta(hours=24), metadata=doc("Time from the money coming in to it going out.")
    )
    min_out_ratio: Decimal = field(
        default=Decimal("0.90"),
        metadata=doc(
            "Share of the incoming amount that must go out.",
            unit="ratio",
            minimum=Decimal("0.1"),
            maximum=Decimal("1"),
        ),
    )
    min_incoming_pkr: Decimal = field(
        default=Decimal("500000"),
        metadata=doc(
            "Smaller pass-throughs are ordinary spending and not alerted.",
            unit="PKR",
            minimum=Decimal(0),
        ),
    )

    @property
    def lookback(self) -> timedelta:
        return self.window * 3

    def may_affect(self, tx: TxView) -> bool:
        return tx.is_movement

    def evaluate(self, tx: TxView, ctx: EvaluationContext) -> Finding | None:
        if not tx.is_outgoing:
            return None
        members = Members(recent(movements(tx, ctx), tx, self.lookback))
        items = members.items
        # first_in[i]: index of the first incoming movement at or after i (len if none).
        first_in = [len(items)] * (len(items) + 1)
        for i in range(len(items) - 1, -1, -1):
            first_in[i] = i if items[i].is_incoming else first_in[i + 1]

        def holds(lo: int, hi: int) -> bool:
            start = first_in[lo]
            if not items[hi].is_outgoing or start > hi:
                return False
            came_in = members.total(start, hi, "in", lambda t: t.is_incoming)
            went_out = members.total(start, hi, "out", lambda t: t.is_outgoing)
            return came_in >= self.min_incoming_pkr and went_out >= self.min_out_ratio * came_in

        episode = find_episode(members, self.window, holds)
        if episode is None:
            return None
        txs = episode.members
        start = next(i for i, t in enumerate(txs) if t.is_incoming)
        txs = txs[start:]
        ins = [t for t in txs if t.is_incoming]
        outs = [t for t in txs if t.is_outgoing]
        came_in, went_out = explain.total(ins), explain.total(outs)
        ratio = went_out / came_in if came_in else Decimal(0)
        text = (
            f"{explain.pkr(came_in)} came in ({explain.count_of(ins)}) and "
            f"{explain.pkr(went_out)} ({explain.percent(ratio)}) went out "
            f"({explain.count_of(outs)}) within {explain.duration(explain.span_of(txs))}"
        )
        return Finding(
            typology_code=self.code,
            score=float(min(Decimal(1), Decimal("0.5") + min(ratio, Decimal(1)) / 2)),
            explanation=text,
            transaction_ids=tuple(t.id for t in txs),
            dedupe_key=":".join((self.code, tx.customer_id, txs[0].id)),
            facts={
                "incoming_pkr": str(came_in),
                "outgoing_pkr": str(went_out),
                "out_ratio": str(ratio.quantize(Decimal("0.0001"))),
                **explain.money_facts(txs),
            },
        )


@dataclass(frozen=True)
class Velocity(Typology):
    """Many money movements in a short time, far beyond what a retail account does."""

    code = "VELOCITY"
    title = "High transaction velocity"

    window: timedelta = field(
        default=timedelta(hours=24), metadata=doc("Window the movements fall in.")
    )
    min_count: int = field(
        default=20,
        metadata=doc("Deposits, withdrawals and transfers needed in the window.", minimum=2),
    )
    min_total_pkr: Decimal = field(
        default=Decimal("0"),
        metadata=doc(
            "Value the movements in the window must reach as well.", unit="PKR", minimum=Decimal(0)
        ),
    )

    @property
    def lookback(self) -> timedelta:
        return self.window * 3

    def may_affect(self, tx: TxView) -> bool:
        return tx.is_movement

    def evaluate(self, tx: TxView, ctx: EvaluationContext) -> Finding | None:
        if not tx.is_movement:
            return None
        members = Members(recent(movements(tx, ctx), tx, self.lookback))

        def holds(lo: int, hi: int) -> bool:
            return hi - lo + 1 >= self.min_count and members.total(lo, hi) >= self.min_total_pkr

        episode = find_episode(members, self.window, holds)
        if episode is None:
            return None
        txs = episode.members
        text = (
            f"{explain.count_of(txs)} ({len([t for t in txs if t.is_incoming])} in, "
            f"{len([t for t in txs if t.is_outgoing])} out) in "
            f"{explain.duration(explain.span_of(txs))}, total {explain.pkr(explain.total(txs))}; "
            f"the rule allows fewer than {self.min_count} in {explain.hours_text(self.window)}"
        )
        return Finding(
            typology_code=self.code,
            score=min(1.0, 0.5 * len(episode.window) / self.min_count),
            explanation=text,
            transaction_ids=episode.transaction_ids,
            dedupe_key=episode.key(self.code, tx.customer_id),
            facts={"count": len(txs), "in_window": len(episode.window), **explain.money_facts(txs)},
        )


@dataclass(frozen=True)
class _Fan(Typology):
    window: timedelta = field(
        default=timedelta(hours=72), metadata=doc("Window the transfers fall in.")
    )
    min_counterparties: int = field(
        default=10, metadata=doc("Distinct counterparties needed in the window.", minimum=2)
    )
    min_total_pkr: Decimal = field(
        default=Decimal("0"),
        metadata=doc(
            "Value the transfers in the window must reach as well.", unit="PKR", minimum=Decimal(0)
        ),
    )

    direction: ClassVar[str] = "in"

    @property
    def lookback(self) -> timedelta:
        return self.window * 3

    def may_affect(self, tx: TxView) -> bool:
        return tx.direction == self.direction and bool(tx.counterparty_key)

    def evaluate(self, tx: TxView, ctx: EvaluationContext) -> Finding | None:
        if tx.direction != self.direction or not tx.counterparty_key:
            return None
        series = incoming(tx, ctx) if self.direction == "in" else outgoing(tx, ctx)
        series = recent(series, tx, self.lookback)
        members = Members([t for t in series if t.counterparty_key])
        keys = [t.counterparty_key for t in members.items]

        def holds(lo: int, hi: int) -> bool:
            return (
                hi - lo + 1 >= self.min_counterparties
                and len(set(keys[lo : hi + 1])) >= self.min_counterparties
                and members.total(lo, hi) >= self.min_total_pkr
            )

        episode = find_episode(members, self.window, holds)
        if episode is None:
            return None
        txs = episode.members
        distinct = len({t.counterparty_key for t in txs})
        side = "from" if self.direction == "in" else "to"
        text = (
            f"{explain.count_of(txs)} {side} {distinct} distinct counterparties in "
            f"{explain.duration(explain.span_of(txs))}, total {explain.pkr(explain.total(txs))}"
        )
        return Finding(
            typology_code=self.code,
            score=min(1.0, 0.5 * distinct / self.min_counterparties),
            explanation=text,
            transaction_ids=episode.transaction_ids,
            dedupe_key=episode.key(self.code, tx.customer_id),
            facts={"count": len(txs), "counterparties": distinct, **explain.money_facts(txs)},
        )


@dataclass(frozen=True)
class FanIn(_Fan):
    """Many different senders paying into one account within days (collection, money mules)."""

    code = "FAN_IN"
    title = "Fan-in from many counterparties"


@dataclass(frozen=True)
class FanOut(_Fan):
    """One account paying out to many different recipients within days (distribution)."""

    code = "FAN_OUT"
    title = "Fan-out to many counterparties"
    direction: ClassVar[str] = "out"
