"""Monitoring tasks (queue ``monitoring``). Thin: each calls one service.

``acks_late`` is on for every task (settings), so a worker killed mid-batch leaves its message
unacknowledged and the broker hands it to another worker; the batch's database transaction was
rolled back with the dead connection, so the rerun starts clean.
"""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from compliance.monitoring import dispatch, poison
from compliance.monitoring.services import backtests, holds, ingest


# A database hiccup (restart, failover, lock timeout) retries the same batch with backoff:
# the rerun takes the same transactions, and the ones the failed run had claimed with them.
# Anything else is left to the sweeper, which enqueues what is still pending.
@shared_task(
    name="compliance.monitoring.evaluate_batch",
    ignore_result=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=120,
    max_retries=8,
)
def evaluate_batch(transaction_ids: list[str], deferrals: int = 0) -> dict:
    # A poisoned transaction is set aside; ``deferrals`` counts how often these were sent on
    # because another worker held their customer.
    outcome = poison.evaluate_isolating(transaction_ids, deferrals=deferrals)
    return {"screened": outcome.screened, "alerts_created": outcome.alerts_created}


@shared_task(name="compliance.monitoring.sweep_pending", ignore_result=True)
def sweep_pending() -> int:
    """Beat: re-enqueue transactions pending longer than MONITORING_SWEEP_AFTER_SECONDS."""
    return ingest.sweep_pending()


@shared_task(name="compliance.monitoring.run_backtest", ignore_result=True)
def run_backtest(backtest_id: str) -> str:
    return backtests.run_backtest(backtest_id=backtest_id).status


@shared_task(name="compliance.monitoring.expire_holds", ignore_result=True)
def expire_holds() -> int:
    """Beat: write down the fate of check holds past their expiry (they stopped counting)."""
    return holds.expire_due_holds()


@shared_task(name="compliance.monitoring.sweep_backtests", ignore_result=True)
def sweep_backtests() -> int:
    """Beat: backtests whose task was lost, or whose worker died mid-run, are run again."""
    ids = backtests.requeue_stranded_backtests()
    for backtest_id in ids:
        run_backtest.delay(str(backtest_id))
    return len(ids)


def _send_batch(ids: list[str], deferrals: int = 0, **options) -> None:
    kwargs = {"deferrals": deferrals} if deferrals else {}
    evaluate_batch.apply_async(args=[ids], kwargs=kwargs, **options)


def _send_backtest(backtest_id: str) -> None:
    run_backtest.delay(backtest_id)


dispatch.register(dispatch.EVALUATE_BATCH, _send_batch)
dispatch.register(dispatch.RUN_BACKTEST, _send_backtest)
