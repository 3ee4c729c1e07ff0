"""Running rules: every rule over one transaction, and the synchronous pre-trade check.

``rules`` are ``(rule_key, rule)`` pairs: the key is whatever the caller stores findings
against (a rule version id, a rule code) and comes back untouched; the rule is a ``Typology``
or an ``ExpressionRule``. Load history once per transaction, for ``required_lookback(rules)``
before it, and build one ``EvaluationContext``: series and window aggregates are computed once
there and shared by all the rules.

``/transactions/check/``: ``check_transaction`` answers block / review / allow.
``check_blocking`` gives the block reasons: the customer's status (``BLOCKED_CUSTOMER_STATUSES``,
checked here so every caller refuses the same customers) and the findings of the rules passed
in, which the caller selects as the rules marked ``blocking`` (sanctioned counterparty, tier
limits, and any block rule the compliance team configures).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from .base import EvaluationContext, Finding, TxView

logger = logging.getLogger(__name__)

# Customers who may not move money at all, whatever the rules say.
BLOCKED_CUSTOMER_STATUSES = frozenset({"frozen", "rejected", "closed"})


class Rule(Protocol):
    @property
    def lookback(self) -> timedelta: ...

    def evaluate(self, tx: TxView, ctx: EvaluationContext) -> Finding | None: ...


RuleKey = Hashable
ErrorHandler = Callable[[RuleKey, Exception], None]


def required_lookback(rules: Iterable[Rule | tuple[RuleKey, Rule]]) -> timedelta:
    """How far before a transaction its history must reach for these rules."""
    spans = [(r[1] if isinstance(r, tuple) else r).lookback for r in rules]
    return max(spans, default=timedelta(0))


def _log_error(key: RuleKey, exc: Exception) -> None:
    logger.error("monitoring rule %s failed: %s", key, exc, exc_info=exc)


def evaluate_all(
    rules: Sequence[tuple[RuleKey, Rule]],
    tx: TxView,
    ctx: EvaluationContext,
    *,
    on_error: ErrorHandler | None = None,
) -> list[tuple[RuleKey, Finding]]:
    """Every finding for ``tx``. A rule that raises is reported to ``on_error`` (logged by
    default) and the others still run: one broken rule must not silence monitoring."""
    findings = []
    for key, rule in rules:
        try:
            finding = rule.evaluate(tx, ctx)
        except Exception as exc:  # noqa: BLE001 - any rule's failure is reported, not fatal
            (on_error or _log_error)(key, exc)
            continue
        if finding is not None:
            findings.append((key, finding))
    return findings


@dataclass(frozen=True)
class Reason:
    typology: str
    rule: str
    detail: str


@dataclass(frozen=True)
class CheckResult:
    decision: str  # "allow" | "review" | "block"
    reasons: tuple[Reason, ...]


CUSTOMER_STATUS = "CUSTOMER_STATUS"
RULE_ERROR = "RULE_ERROR"


def check_blocking(
    tx: TxView,
    ctx: EvaluationContext,
    rules: Sequence[tuple[RuleKey, Rule]],
    *,
    on_error: ErrorHandler | None = None,
) -> list[Reason]:
    """Why ``tx`` must not go ahead: the customer's status, then each blocking rule's finding."""
    reasons = []
    status = ctx.customer.status
    if status in BLOCKED_CUSTOMER_STATUSES:
        reasons.append(
            Reason(
                typology=CUSTOMER_STATUS,
                rule="customer-status",
                detail=f"the customer is {status}; no money may move",
            )
        )
    for key, finding in evaluate_all(rules, tx, ctx, on_error=on_error):
        reasons.append(
            Reason(typology=finding.typology_code, rule=str(key), detail=finding.explanation)
        )
    return reasons


def check_transaction(
    tx: TxView,
    ctx: EvaluationContext,
    *,
    blocking_rules: Sequence[tuple[RuleKey, Rule]],
    review_rules: Sequence[tuple[RuleKey, Rule]] = (),
) -> CheckResult:
    """Block on any blocking reason; otherwise review when another rule fires or a blocking
    rule could not run (never allow money past a check that did not happen); else allow."""
    failed: list[Reason] = []

    def record(key: RuleKey, exc: Exception) -> None:
        _log_error(key, exc)
        failed.append(Reason(typology=RULE_ERROR, rule=str(key), detail=f"rule failed: {exc}"))

    blocks = check_blocking(tx, ctx, blocking_rules, on_error=record)
    if blocks:
        return CheckResult("block", tuple(blocks))
    reviews = [
        Reason(typology=f.typology_code, rule=str(key), detail=f.explanation)
        for key, f in evaluate_all(review_rules, tx, ctx)
    ]
    if failed or reviews:
        return CheckResult("review", (*failed, *reviews))
    return CheckResult("allow", ())
