"""Case SLAs: when a case is due, when it turns "at risk", and where it stands now.

Plain Python over the Pakistani working calendar (``core.business_calendar``): weekends
(Saturday, Sunday) and public holidays of Pakistan do not count, nor do the extra closure dates
the caller passes (announced Eid days). The terms per priority are data (``SlaPolicy`` rows); this
module only computes.

- ``working_hours``: office time (09:00-17:00 Karachi, working days) from the opening instant.
- ``working_days``: the end (23:59:59 Karachi) of the n-th working day after the opening day;
  the opening day itself never counts.

A case is *at risk* once a share (``at_risk_after``, e.g. 0.75) of its allowed working time has
gone, and *breaching* from its due time until it is closed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from core.business_calendar import add_working_days, add_working_hours

WORKING_HOURS, WORKING_DAYS = "working_hours", "working_days"
UNITS = (WORKING_HOURS, WORKING_DAYS)


class SlaStatus(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BREACHED = "breached"  # still open after its due time
    MET = "met"  # closed in time
    MISSED = "missed"  # closed late


@dataclass(frozen=True)
class SlaTerms:
    """How long a case of one priority may stay open."""

    unit: str
    amount: int
    at_risk_after: Decimal = Decimal("0.75")  # share of the allowed working time gone

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unit must be one of {UNITS}, not {self.unit!r}")
        if self.amount < 0:
            raise ValueError("amount must not be negative")
        if not Decimal(0) < Decimal(self.at_risk_after) <= Decimal(1):
            raise ValueError("at_risk_after must be in (0, 1]")

    def describe(self) -> str:
        unit = "working hour" if self.unit == WORKING_HOURS else "working day"
        return f"{self.amount} {unit}{'' if self.amount == 1 else 's'}"


@dataclass(frozen=True)
class SlaClock:
    """The two instants a case is judged by (aware UTC)."""

    due_at: datetime
    at_risk_at: datetime

    def tightened_by(self, other: SlaClock) -> SlaClock:
        """The stricter of two clocks: a raised priority may shorten an SLA, never extend it."""
        return SlaClock(
            due_at=min(self.due_at, other.due_at),
            at_risk_at=min(self.at_risk_at, other.at_risk_at),
        )


def clock_for(
    started_at: datetime, terms: SlaTerms, extra_closures: Iterable[date] = ()
) -> SlaClock:
    """Due and at-risk instants for a case whose clock starts at ``started_at``."""
    closures = frozenset(extra_closures)
    share = Decimal(terms.at_risk_after)
    if terms.unit == WORKING_HOURS:
        due = add_working_hours(started_at, terms.amount, extra_closures=closures)
        warn = add_working_hours(started_at, Decimal(terms.amount) * share, extra_closures=closures)
    else:
        due = add_working_days(started_at, terms.amount, closures)
        # Whole days: at risk from the end of the last working day before the share is used up.
        warn_days = math.floor(Decimal(terms.amount) * share)
        warn = add_working_days(started_at, warn_days, closures) if warn_days else None
        if warn is None or warn >= due:
            warn = _a_working_day_before(started_at, due, terms.amount, closures)
    return SlaClock(due_at=due, at_risk_at=min(warn, due))


def _a_working_day_before(
    started_at: datetime, due: datetime, amount: int, closures: frozenset[date]
) -> datetime:
    # One working day or less: at risk from the start of the due day (end of the day before).
    if amount <= 1:
        return max(started_at, due - timedelta(days=1))
    return add_working_days(started_at, amount - 1, closures)


def status_at(clock: SlaClock, now: datetime, closed_at: datetime | None = None) -> SlaStatus:
    """Where a case stands against its SLA at ``now`` (or at closure, once closed)."""
    if closed_at is not None:
        return SlaStatus.MET if closed_at <= clock.due_at else SlaStatus.MISSED
    if now >= clock.due_at:
        return SlaStatus.BREACHED
    if now >= clock.at_risk_at:
        return SlaStatus.AT_RISK
    return SlaStatus.ON_TRACK


def time_left(clock: SlaClock, now: datetime) -> timedelta:
    """Wall-clock time until the due time; negative once overdue."""
    return clock.due_at - now
