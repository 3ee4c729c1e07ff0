"""Rule-quality tasks (queue ``monitoring``). Thin: each calls one service."""

from __future__ import annotations

from celery import shared_task

from compliance.rule_quality.services import labels, stats, tuning


@shared_task(name="compliance.rule_quality.refresh", ignore_result=True)
def refresh_quality() -> int:
    """Beat: label what a lost signal left unlabelled, then rebuild the quality figures."""
    labels.label_missing()
    return stats.refresh_quality()


@shared_task(name="compliance.rule_quality.run_tuning", ignore_result=True)
def run_tuning(run_id: str) -> str:
    return tuning.run_tuning(run_id=run_id).status


@shared_task(name="compliance.rule_quality.sweep_tuning", ignore_result=True)
def sweep_tuning() -> int:
    """Beat: tuning runs whose task was lost, or whose worker died mid-run, are run again."""
    ids = tuning.requeue_stranded_runs()
    for run_id in ids:
        run_tuning.delay(str(run_id))
    return len(ids)


def register() -> None:
    """Called at start-up: the tuning service queues runs through this module."""
    tuning.register_enqueue(lambda run_id: run_tuning.delay(run_id))
