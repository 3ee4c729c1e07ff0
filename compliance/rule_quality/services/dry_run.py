"""Dry runs: a rule author tries a definition (a draft version, or the text being edited) on a
pasted transaction or on a customer's stored history over a date range, and sees the findings
with their explanation and facts. Read-only: nothing is written (no alert, no check attempt,
no audit row), no signal or webhook is sent; stored history is read for the rule's look-back.

An invalid CEL expression comes back as ``DefinitionProblem`` with the line and column.
"""

from __future__ import annotations

import re
import uuid
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from compliance.monitoring import selectors as monitoring_selectors
from compliance.monitoring.intake import parse_transaction
from compliance.monitoring.models import Rule, RuleVersion, Transaction
from compliance.monitoring.rulebook import RuleDefinitionError, build_runnable
from compliance.monitoring.sanctions import ScreeningSanctions
from compliance.monitoring.services.checks import _tx_view as transaction_view
from compliance.monitoring.typologies.base import EvaluationContext, TxView
from compliance.monitoring.typologies.evaluation import evaluate_all, required_lookback
from core.errors import ValidationFailed

MAX_TRANSACTIONS = 5000
_POSITION = re.compile(r"<input>:(\d+):(\d+)")
_NAMED = re.compile(r"unknown (field|variable|function) ([\w.]+)")


@dataclass(frozen=True)
class DefinitionProblem(Exception):
    """Why a definition cannot run: per field messages, and for CEL where (1-based)."""

    errors: dict[str, list[str]]
    line: int | None = None
    column: int | None = None
    excerpt: str = ""

    def __str__(self) -> str:
        where = f" (line {self.line}, column {self.column})" if self.line else ""
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in self.errors.items()) + where


@dataclass(frozen=True)
class DryFinding:
    transaction_id: str
    external_id: str
    occurred_at: datetime
    typology: str
    score: float
    explanation: str
    facts: dict[str, Any]
    transaction_ids: tuple[str, ...]
    dedupe_key: str


@dataclass
class DryRunResult:
    evaluated: int = 0
    findings: list[DryFinding] = field(default_factory=list)
    truncated: bool = False

    @property
    def episodes(self) -> int:
        return len({f.dedupe_key for f in self.findings})


def locate(expression: str, message: str) -> tuple[int | None, int | None]:
    """Line and column (1-based) of a CEL problem: the parser's own position, else the first
    place the unknown name appears."""
    found = _POSITION.search(message)
    if found:
        return int(found.group(1)), int(found.group(2))
    named = _NAMED.search(message)
    if named:
        name = named.group(2).split(",")[0]
        hit = re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", expression)
        if hit:
            before = expression[: hit.start()]
            return before.count("\n") + 1, hit.start() - (before.rfind("\n") + 1) + 1
    return None, None


def _excerpt(expression: str, line: int | None, column: int | None) -> str:
    if not line:
        return ""
    text = expression.splitlines()[line - 1] if expression.splitlines() else ""
    return f"{text}\n{' ' * (column - 1)}^"


def definition(
    version: RuleVersion, *, expression: str | None = None, params: dict | None = None
) -> Any:
    """The runnable for ``version`` with the author's unsaved edits, or ``DefinitionProblem``."""
    rule: Rule = version.rule
    expression = version.expression if expression is None else expression
    try:
        return build_runnable(
            kind=rule.kind,
            typology=rule.typology,
            template=version.template,
            expression=expression,
            params=version.params if params is None else params,
            name=rule.name,
        )
    except RuleDefinitionError as exc:
        message = " ".join(exc.errors.get("expression", []))
        line, column = locate(expression, message) if message else (None, None)
        errors = {k: [v.split("\n")[0] for v in vs] for k, vs in exc.errors.items()}
        raise DefinitionProblem(errors, line, column, _excerpt(expression, line, column)) from None


def _context(customer, history, *, countries=None, sanctions=None) -> EvaluationContext:
    return EvaluationContext(
        customer=customer,
        history=history,
        now=timezone.now(),
        high_risk_countries=monitoring_selectors.high_risk_countries()
        if countries is None
        else countries,
        sanctions=sanctions or ScreeningSanctions(),
    )


def _finding(tx: TxView, finding) -> DryFinding:
    return DryFinding(
        transaction_id=tx.id,
        external_id=tx.external_id,
        occurred_at=tx.occurred_at,
        typology=finding.typology_code,
        score=finding.score,
        explanation=finding.explanation,
        facts={str(k): str(v) for k, v in finding.facts.items()},
        transaction_ids=tuple(finding.transaction_ids),
        dedupe_key=finding.dedupe_key,
    )


def on_transaction(runnable: Any, payload: Any) -> DryRunResult:
    """The pasted transaction (API format; ``occurred_at`` defaults to now) evaluated after
    the customer's stored history."""
    data = parse_transaction(payload, require_occurred_at=False)
    customer = monitoring_selectors.customer_profile(data.customer_ref)
    if customer is None:
        raise ValidationFailed({"customer": ["no customer with this id or external_id"]})
    occurred_at = data.occurred_at or timezone.now()
    tx = transaction_view(f"dry-run-{uuid.uuid4()}", data, customer.id, occurred_at)
    lookback = required_lookback([runnable])
    history = monitoring_selectors.tx_views(
        Transaction.objects.filter(
            customer_id=customer.id,
            occurred_at__gte=occurred_at - lookback,
            occurred_at__lte=occurred_at,
        ).order_by("occurred_at")
    )
    ctx = _context(customer, (*history, tx))
    result = DryRunResult(evaluated=1)
    for _, finding in evaluate_all([("draft", runnable)], tx, ctx, on_error=_raise):
        result.findings.append(_finding(tx, finding))
    return result


def on_customer(
    runnable: Any, *, customer_id, date_from: datetime, date_to: datetime
) -> DryRunResult:
    """Every stored transaction of the customer in ``[date_from, date_to]``, in time order."""
    if date_from >= date_to:
        raise ValidationFailed({"date_to": ["must be after the start"]})
    start = date_from - required_lookback([runnable])
    profiles = monitoring_selectors.customer_views([customer_id], history_from=start)
    histories = monitoring_selectors.histories([customer_id], start=start, end=date_to)
    history = histories.get(str(customer_id), ())
    times = [t.occurred_at for t in history]
    lookback = required_lookback([runnable])
    countries, sanctions = monitoring_selectors.high_risk_countries(), ScreeningSanctions()
    result = DryRunResult()
    for tx in history:
        if tx.occurred_at < date_from:
            continue
        if result.evaluated >= MAX_TRANSACTIONS:
            result.truncated = True
            break
        result.evaluated += 1
        # Each transaction sees exactly its own look-back, as in live evaluation.
        lo = bisect_left(times, tx.occurred_at - lookback)
        hi = bisect_right(times, tx.occurred_at)
        ctx = _context(
            profiles[str(customer_id)], history[lo:hi], countries=countries, sanctions=sanctions
        )
        for _, finding in evaluate_all([("draft", runnable)], tx, ctx, on_error=_raise):
            result.findings.append(_finding(tx, finding))
    return result


def _raise(key, exc: Exception) -> None:
    raise ValidationFailed({"expression": [f"the rule failed on this transaction: {exc}"]})
