"""Episodes: one pattern in one window, however many transactions extend it.

A windowed typology looks at its *members* (the transactions that can take part in the
pattern, e.g. cash deposits just under the CTR threshold) and asks, at a member, whether the
pattern holds over the members of the window ending there. Consecutive points where it holds
belong to one episode while their windows overlap. The episode is anchored on the first member
of the window where it first held: every later transaction of the episode finds the same anchor,
so it gets the same de-duplication key and attaches to the same alert. The walk is stateless:
a batch replay and a live evaluation over the same history give the same anchor.

The walk goes back at most one window per point where the pattern held, so a typology's
``lookback`` is a few windows, and an episode longer than the loaded history re-anchors at its
edge (a new alert for a pattern that has lasted longer than the lookback, which is wanted).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import accumulate

from .base import TxView


@dataclass(frozen=True)
class Episode:
    anchor: TxView
    members: tuple[TxView, ...]  # from the anchor to the current transaction
    window: tuple[TxView, ...]  # the members of the window ending at the current transaction

    @property
    def transaction_ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.members)

    def key(self, code: str, customer_id: str, *parts: str) -> str:
        return ":".join((code, customer_id, *parts, self.anchor.id))


class Members:
    """A sorted series of members with the index arithmetic episodes need."""

    def __init__(self, members: Sequence[TxView]):
        self.items = members
        self.times: list[datetime] = [m.occurred_at for m in members]
        self._prefix: dict[str, list[Decimal]] = {}

    def __len__(self) -> int:
        return len(self.items)

    def window_start(self, hi: int, window: timedelta) -> int:
        """Index of the first member at or after ``times[hi] - window`` (boundary included)."""
        return bisect_left(self.times, self.times[hi] - window, 0, hi)

    def total(self, lo: int, hi: int, name: str = "all", keep=None) -> Decimal:
        """Sum of ``amount_pkr`` over ``items[lo:hi+1]`` (optionally of those ``keep`` accepts)."""
        prefix = self._prefix.get(name)
        if prefix is None:
            amounts = (m.amount_pkr if keep is None or keep(m) else Decimal(0) for m in self.items)
            prefix = self._prefix[name] = [Decimal(0), *accumulate(amounts)]
        return prefix[hi + 1] - prefix[lo]


def find_episode(
    members: Members, window: timedelta, holds: Callable[[int, int], bool]
) -> Episode | None:
    """The episode the last member belongs to, or ``None`` if the pattern does not hold there.

    ``holds(lo, hi)`` says whether the pattern holds over ``members.items[lo:hi+1]``, the window
    ending at member ``hi``.
    """
    n = len(members)
    if n == 0:
        return None
    last = n - 1
    lo_last = members.window_start(last, window)
    if not holds(lo_last, last):
        return None
    first, lo_first = last, lo_last
    times = members.times
    for i in range(last - 1, -1, -1):
        if times[first] - times[i] > window:
            break
        lo_i = members.window_start(i, window)
        if holds(lo_i, i):
            first, lo_first = i, lo_i
    items = members.items
    return Episode(
        anchor=items[lo_first],
        members=tuple(items[lo_first:]),
        window=tuple(items[lo_last:]),
    )


def group_hits(hits: Sequence[TxView], gap: timedelta) -> Episode | None:
    """Single-transaction hits (the last one current) grouped while no more than ``gap`` apart."""
    return find_episode(Members(hits), gap, lambda lo, hi: True)
