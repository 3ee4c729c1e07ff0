"""Monitoring services: every state change, callable from the API, the admin, tasks and tests."""

from compliance.monitoring.services.backtests import request_backtest, run_backtest
from compliance.monitoring.services.checks import CheckOutcome, check_transaction
from compliance.monitoring.services.evaluation import BatchOutcome, evaluate_batch
from compliance.monitoring.services.holds import expire_due_holds, hold_body, release_hold
from compliance.monitoring.services.ingest import (
    BulkItemResult,
    Ingested,
    enqueue_evaluation,
    ingest_bulk,
    ingest_transaction,
    sweep_pending,
)
from compliance.monitoring.services.rules import (
    activate_rule_version,
    add_rule_version,
    create_rule,
    run_version_in_shadow,
    set_rule_status,
)

__all__ = [
    "BatchOutcome",
    "BulkItemResult",
    "CheckOutcome",
    "Ingested",
    "activate_rule_version",
    "add_rule_version",
    "check_transaction",
    "create_rule",
    "enqueue_evaluation",
    "evaluate_batch",
    "expire_due_holds",
    "hold_body",
    "ingest_bulk",
    "ingest_transaction",
    "release_hold",
    "request_backtest",
    "run_backtest",
    "run_version_in_shadow",
    "set_rule_status",
    "sweep_pending",
]
