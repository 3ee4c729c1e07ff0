"""Seams for what other compliance modules add to rule selection and alert storing, registered
at start-up (``register``), so evaluation itself stays unaware of them.

- ``shadow_gates() -> {version_id: percent}``: a shadow (challenger) version runs only for that
  percentage of customers, chosen by a hash of the customer id (the same customers every time).
- ``episode_filter.hold_back(evaluated, findings) -> (evaluated, findings, {episode: reason})``:
  findings to keep as suppressed instead of raising: the (rule, transaction) pairs it covers are
  given to the rule's shadow twin, so they are stored and reconciled as shadow episodes (never
  routed) in event time like any other; ``episode_filter.after_store(created, held)`` records
  which stored alerts were held back.

With nothing registered, every shadow version sees everyone and nothing is held back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

_shadow_gates: list[Callable[[], dict[int, int]]] = []
_episode_filters: list[Any] = []


def register(*, shadow_gates: Callable | None = None, episode_filter: Any = None) -> None:
    if shadow_gates is not None and shadow_gates not in _shadow_gates:
        _shadow_gates.append(shadow_gates)
    if episode_filter is not None and episode_filter not in _episode_filters:
        _episode_filters.append(episode_filter)


def in_sample(customer_id: str, percent: int) -> bool:
    """Whether a customer is in a ``percent`` rollout: stable, spread evenly by hashing."""
    if percent >= 100:
        return True
    digest = hashlib.sha256(str(customer_id).encode()).digest()
    return int.from_bytes(digest[:8], "big") % 100 < percent


@dataclass(frozen=True)
class Sampled:
    """A rule that only runs for the customers in its rollout."""

    rule: Any
    percent: int

    @property
    def lookback(self) -> timedelta:
        return self.rule.lookback

    def __getattr__(self, name: str) -> Any:
        # Everything else evaluation asks of a rule (look-forward hints) is the rule's own.
        return getattr(self.rule, name)

    def evaluate(self, tx, ctx):
        if not in_sample(tx.customer_id, self.percent):
            return None
        return self.rule.evaluate(tx, ctx)


def shadow_percentages() -> dict[int, int]:
    out: dict[int, int] = {}
    for gate in _shadow_gates:
        out.update(gate())
    return out


def hold_back(evaluated: list, findings: list) -> tuple[list, list, dict]:
    held: dict = {}
    for episode_filter in _episode_filters:
        evaluated, findings, more = episode_filter.hold_back(evaluated, findings)
        held.update(more)
    return evaluated, findings, held


def after_store(created: list, held: dict) -> None:
    if held:
        for episode_filter in _episode_filters:
            episode_filter.after_store(created, held)
