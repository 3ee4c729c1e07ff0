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


def register() -> None:
    """Called at start-up: the tuning service queues runs through this module."""
    tuning.register_enqueue(lambda run_id: run_tuning.delay(run_id))
