"""Operational knobs of the monitoring pipeline (not compliance thresholds: those are rules).

Read from Django settings when defined there, else from the environment, else the default.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from django.conf import settings


def _number(name: str, default: float) -> float:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return float(value)


def batch_size() -> int:
    """Transactions per evaluation task: large enough to share history loads, small enough
    that a killed worker redoes little."""
    return int(_number("MONITORING_BATCH_SIZE", 1000))


def sweep_after() -> timedelta:
    """A transaction still pending this long after it was enqueued is enqueued again."""
    return timedelta(seconds=_number("MONITORING_SWEEP_AFTER_SECONDS", 120))


def sweep_limit() -> int:
    """At most this many transactions are re-enqueued per sweep (the next sweep does more)."""
    return int(_number("MONITORING_SWEEP_LIMIT", 50000))


def bulk_max_items() -> int:
    return int(_number("MONITORING_BULK_MAX_ITEMS", 1000))


def counterparty_name_threshold() -> float:
    """Score (0..1) at which a counterparty's bare name counts as a sanctions hit."""
    return _number("MONITORING_COUNTERPARTY_NAME_THRESHOLD", 0.95)


def check_rules_max_age() -> float:
    """Seconds the synchronous check may reuse the set of live rules before asking again."""
    return _number("MONITORING_CHECK_RULES_MAX_AGE", 2)


def evaluation_queue() -> str | None:
    """Queue for evaluation batches; unset means the routing in settings (``monitoring``)."""
    return getattr(settings, "MONITORING_QUEUE", None) or os.environ.get("MONITORING_QUEUE") or None


def defer_max() -> int:
    """A batch sets aside the transactions of customers another worker is evaluating and
    sends them on again, at most this many times; then it waits for that worker."""
    return int(_number("MONITORING_DEFER_MAX", 3))


def batch_max() -> int:
    """A batch also takes its customers' other pending transactions, up to this many in all."""
    return int(_number("MONITORING_BATCH_MAX", 5000))


def future_skew() -> timedelta:
    """``occurred_at`` may lie at most this far in the future (clock skew between the exchange
    and us); further is refused."""
    return timedelta(seconds=_number("MONITORING_FUTURE_SKEW_SECONDS", 300))


def earliest_occurred_at() -> datetime:
    """``occurred_at`` before this date is refused (a typo or a placeholder such as year 1)."""
    raw = getattr(settings, "MONITORING_EARLIEST_OCCURRED_AT", None) or os.environ.get(
        "MONITORING_EARLIEST_OCCURRED_AT", "2000-01-01"
    )
    moment = datetime.fromisoformat(str(raw))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def lateness_horizon() -> timedelta:
    """A transaction stored longer than this after it occurred is still evaluated, and the
    alerts it joins say it arrived late and by how much."""
    return timedelta(days=_number("MONITORING_LATENESS_HORIZON_DAYS", 30))


def hold_ttl() -> timedelta:
    """How long an allowed outgoing check holds its amount against the limits unless the
    transaction is posted or the exchange releases the hold first."""
    return timedelta(seconds=_number("MONITORING_HOLD_TTL_SECONDS", 15 * 60))


def check_budget_ms() -> float:
    """The check's time budget (ms) from the request's arrival; past it the answer is the fail
    mode with reason ``timeout`` (the database statements carry it as their timeout)."""
    return _number("MONITORING_CHECK_BUDGET_MS", 50)


def check_fail_mode() -> str:
    """The decision given when the check cannot decide within its budget: ``review`` (default)
    or ``block``; never ``allow`` (money must not pass a check that did not happen)."""
    value = getattr(settings, "MONITORING_CHECK_FAIL_MODE", None) or os.environ.get(
        "MONITORING_CHECK_FAIL_MODE", "review"
    )
    return value if value in ("review", "block") else "review"


def check_max_in_flight() -> int:
    """Checks one server process works on at once; beyond it the check answers ``503`` at
    once (with ``Retry-After``) instead of queueing behind the others."""
    return int(_number("MONITORING_CHECK_MAX_IN_FLIGHT", 4))


def check_retry_after() -> int:
    """Seconds a shed client is told to wait (``Retry-After``)."""
    return int(_number("MONITORING_CHECK_RETRY_AFTER_SECONDS", 1))
