"""Profile typologies: activity measured against what the customer declared and was allowed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import ClassVar

from . import explain
from .base import (
    KARACHI,
    EvaluationContext,
    Finding,
    TxView,
    Typology,
    doc,
    incoming,
    movements,
    recent,
)
from .episodes import Members, find_episode


@dataclass(frozen=True)
class ProfileDeviation(Typology):
    """Money coming in far above the monthly turnover the customer declared at onboarding."""

    code = "PROFILE_DEVIATION"
    title = "Activity above the declared turnover"

    multiple: Decimal = field(
        default=Decimal("2"),
        metadata=doc(
            "Incoming value over the window, as a multiple of the declared turnover.",
            unit="ratio",
            minimum=Decimal(1),
        ),
    )
    min_excess_pkr: Decimal = field(
        default=Decimal("500000"),
        metadata=doc(
            "The excess over the declared turnover must also reach this amount, so "
            "small profiles are not alerted on small sums.",
            unit="PKR",
            minimum=Decimal(0),
        ),
    )
    window: timedelta = field(
        default=timedelta(days=30), metadata=doc("Rolling window compared with the monthly figure.")
    )

    @property
    def lookback(self) -> timedelta:
        return self.window * 2

    def may_affect(self, tx: TxView) -> bool:
        return tx.is_incoming

    def evaluate(self, tx: TxView, ctx: EvaluationContext) -> Finding | None:
        declared = ctx.customer.expected_monthly_turnover_pkr
        if declared is None or not tx.is_incoming:
            return None
        # The declared figure is monthly; scale it to the window (30 days = one month).
        expected = declared * Decimal(self.window.total_seconds()) / Decimal(30 * 86400)
        members = Members(recent(incoming(tx, ctx), tx, self.lookback))

        def holds(lo: int, hi: int) -> bool:
            came_in = members.total(lo, hi)
            return came_in >= self.multiple * expected and came_in - expected >= self.min_excess_pkr

        episode = find_episode(members, self.window, holds)
        if episode is None:
            return None
        window = episode.window
        came_in = explain.total(window)
        text = f"{explain.pkr(came_in)} came in over {explain.hours_text(self.window)} " + (
            f"({explain.count_of(window)}), "
            f"{(came_in / declared).quantize(Decimal('0.1'))}× the declared monthly turnover of "
            f"{explain.pkr(declared)}"
            if declared
            else f"({explain.count_of(window)}) against a declared monthly turnover of PKR 0"
        )
        ratio = came_in / (self.multiple * expected) if expected else Decimal(10)
        return Finding(
            typology_code=self.code,
            score=float(min(Decimal(1), Decimal("0.4") + ratio / 10)),
            explanation=text,
            transaction_ids=episode.transaction_ids,
            dedupe_key=episode.key(self.code, tx.customer_id),
            facts={
                "incoming_pkr": str(came_in),
                "declared_monthly_pkr": str(declared),
                "window_count": len(window),
                **explain.money_facts(episode.members),
            },
        )


@dataclass(frozen=True)
class DormantReactivation(Typology):
    """An account with no activity for months (or never used since onboarding) that suddenly
    moves a significant amount."""

    code = "DORMANT_REACTIVATION"
    title = "Dormant account reactivated"
    # Reads the transaction before its window (the last activity before the quiet gap).
    reads_previous: ClassVar[bool] = True

    dormant_period: timedelta = field(
        default=timedelta(days=180),
        metadata=doc("No activity for this long makes an account dormant."),
    )
    window: timedelta = field(
        default=timedelta(days=30), metadata=doc("Movements after reactivation counted together.")
    )
    min_amount_pkr: Decimal = field(
        default=Decimal("500000"),
        metadata=doc(
            "Value moved since reactivation that raises the alert.", unit="PKR", minimum=Decimal(0)
        ),
    )

    @property
    def lookback(self) -> timedelta:
        return self.window * 2

    def evaluate(self, tx: TxView, ctx: EvaluationContext) -> Finding | None:
        if not tx.is_movement:
            return None
        timeline = ctx.timeline(tx)  # walked from the end, only as far as the window
        customer = ctx.customer
        since = tx.occurred_at - self.window
        woke = None
        previous = None
        for i in range(len(timeline) - 1, -1, -1):
            moment = timeline[i].occurred_at
            if moment < since:
                break
            if i > 0:
                previous = timeline[i - 1].occurred_at
            else:
                previous = customer.last_activity_before or customer.onboarded_at
            if previous is not None and moment - previous >= self.dormant_period:
                woke = i
                break
        if woke is None or previous is None:
            return None
        txs = [t for t in timeline[woke:] if t.is_movement]
        moved = explain.total(txs)
        if not txs or moved < self.min_amount_pkr:
            return None
        idle = timeline[woke].occurred_at - previous
        text = (
            f"Account inactive for {idle.days} days, then {explain.count_of(txs)} of "
            f"{explain.pkr(moved)} in {explain.duration(explain.span_of(txs))}"
        )
        return Finding(
            typology_code=self.code,
            score=float(min(Decimal(1), Decimal("0.5") + moved / self.min_amount_pkr / 20)),
            explanation=text,
            transaction_ids=tuple(t.id for t in txs),
            dedupe_key=":".join((self.code, tx.customer_id, timeline[woke].id)),
            facts={
                "idle_days": idle.days,
                "previous_activity_at": previous.isoformat(),
                **explain.money_facts(txs),
            },
        )


@dataclass(frozen=True)
class TierLimit(Typology):
    """A movement beyond the customer's tier limits (per transaction, Asia/Karachi calendar
    day or month). Deposits and withdrawals are held to the limits separately. The limits are
    the customer's own (``CustomerView.limits``); a customer without limits never fires."""

    code = "TIER_LIMIT"
    title = "Tier limit exceeded"

    @property
    def lookback(self) -> timedelta:
        return timedelta(days=31)

    def may_affect(self, tx: TxView) -> bool:
        return tx.direction is not None

    def evaluate(self, tx: TxView, ctx: EvaluationContext) -> Finding | None:
        limits = ctx.customer.limits
        configured = (limits.monthly_pkr, limits.daily_pkr, limits.per_transaction_pkr)
        # Limits hold inflows and outflows (base.flow_of); p2p and internal trades have no side.
        if tx.direction is None or all(limit is None for limit in configured):
            return None
        # Limits run on the customer's calendar: Asia/Karachi days and months.
        local = tx.occurred_at.astimezone(KARACHI)
        month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        month = [
            t
            for t in recent(movements(tx, ctx), tx, self.lookback)
            if t.direction == tx.direction and t.occurred_at >= month_start
        ]
        today = [t for t in month if t.occurred_at >= day_start]
        side = "incoming" if tx.is_incoming else "outgoing"
        checks = (
            ("monthly", limits.monthly_pkr, month, f"{local:%Y-%m}", f"this month's {side} total"),
            ("daily", limits.daily_pkr, today, local.date().isoformat(), f"today's {side} total"),
            ("per_transaction", limits.per_transaction_pkr, [tx], tx.id, "it"),
        )
        breaches = []
        for period, limit, txs, bucket, subject in checks:
            if limit is None:
                continue
            used = explain.total(txs)
            if used > limit:
                breaches.append((period, limit, txs, bucket, subject, used))
        if not breaches:
            return None
        period, limit, txs, bucket, subject, used = breaches[0]
        text = (
            f"{explain.noun(tx.kind).capitalize()} of {explain.pkr(tx.amount_pkr)} takes "
            f"{subject} to {explain.pkr(used)}, over the {period.replace('_', '-')} tier limit "
            f"of {explain.pkr(limit)}"
        )
        if period == "per_transaction":
            text = (
                f"{explain.noun(tx.kind).capitalize()} of {explain.pkr(tx.amount_pkr)} is over "
                f"the per-transaction tier limit of {explain.pkr(limit)}"
            )
        return Finding(
            typology_code=self.code,
            score=float(min(Decimal(1), Decimal("0.5") + (used / max(limit, 1) - 1))),
            explanation=text,
            transaction_ids=tuple(t.id for t in txs),
            dedupe_key=":".join((self.code, tx.customer_id, tx.direction or "", period, bucket)),
            facts={
                "breaches": [
                    {"period": p, "limit_pkr": str(lim), "used_pkr": str(u)}
                    for p, lim, _, _, _, u in breaches
                ],
                **explain.money_facts(txs),
            },
        )
