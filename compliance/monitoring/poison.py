"""Poison isolation for evaluation batches (``core.dead_letters`` applied to monitoring).

A transaction whose evaluation raises (a date the arithmetic cannot hold, a body no rule
expected) would otherwise fail its whole batch again on every sweep, leaving the good
transactions sent with it pending. Here the batch is split until the failing transaction is
alone; it is recorded as a dead letter and parked (``enqueued_at`` cleared, so the sweeper
leaves it), and the others are evaluated. An officer's retry enqueues it again.
"""

from __future__ import annotations

from collections.abc import Sequence

from compliance.monitoring.models import Transaction
from compliance.monitoring.services import evaluation, ingest
from core import dead_letters

KIND = "monitoring.transaction"


def _park(transaction_ids: list[str]) -> None:
    Transaction.objects.filter(pk__in=transaction_ids, status=Transaction.Status.PENDING).update(
        enqueued_at=None
    )


def _retry(transaction_ids: list[str]) -> None:
    from django.utils import timezone

    Transaction.objects.filter(pk__in=transaction_ids, status=Transaction.Status.PENDING).update(
        enqueued_at=timezone.now()
    )
    ingest.enqueue_evaluation(transaction_ids)


dead_letters.register(KIND, retry=_retry)


def evaluate_isolating(transaction_ids: Sequence, deferrals: int = 0) -> evaluation.BatchOutcome:
    """``evaluation.evaluate_batch`` with the poisoned transactions set aside."""
    ids = [str(pk) for pk in transaction_ids]

    def evaluate(part: list[str]) -> evaluation.BatchOutcome:
        # The whole batch takes its customers' other pending transactions as usual; once it
        # failed, each part is evaluated alone, or the poisoned row (pending, same customer)
        # would be taken into every part and poison it too.
        return evaluation.evaluate_batch(
            transaction_ids=part, take_others=len(part) == len(ids), deferrals=deferrals
        )

    outcome = dead_letters.run_isolating(KIND, ids, evaluate, park=_park)
    parts = outcome.results
    return evaluation.BatchOutcome(
        screened=sum(p.screened for p in parts),
        skipped=sum(p.skipped for p in parts) + len(outcome.poisoned),
        findings=sum(p.findings for p in parts),
        alerts_created=sum(p.alerts_created for p in parts),
        alerts_extended=sum(p.alerts_extended for p in parts),
        reevaluated=sum(p.reevaluated for p in parts),
        deferred=sum(p.deferred for p in parts),
    )
