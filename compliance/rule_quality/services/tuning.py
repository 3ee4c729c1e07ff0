"""Threshold tuning runs: queue a sweep of one or two parameters of a template rule version
over stored history (a Celery task), follow its progress, read the table and chart, and make
the suggested setting a new draft version (which then needs four eyes like any version).

The replay reads history customer by customer in chunks (one query for histories and one for
profiles per chunk) and evaluates every grid point on each transaction with one shared context.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from compliance.monitoring import selectors as monitoring_selectors
from compliance.monitoring import services as monitoring_services
from compliance.monitoring.models import AlertTransaction, Rule, RuleVersion, Transaction
from compliance.monitoring.rulebook import RuleDefinitionError, build_runnable, build_version
from compliance.monitoring.sanctions import ScreeningSanctions
from compliance.monitoring.typologies.evaluation import required_lookback
from compliance.rule_quality import sweep
from compliance.rule_quality.models import TuningRun
from compliance.rule_quality.services.common import require
from core import audit
from core.actors import Actor
from core.errors import InvalidTransition, ValidationFailed

logger = logging.getLogger(__name__)
CUSTOMER_CHUNK = 200
_enqueue: list[Callable[[str], Any]] = []


def register_enqueue(enqueue: Callable[[str], Any]) -> None:
    """The task module registers how a run is queued (services never import tasks)."""
    _enqueue[:] = [enqueue]


def _runnables(version: RuleVersion, grid: Mapping[str, list]) -> list[tuple[int, Any]]:
    rule = version.rule
    out = []
    for index, point in enumerate(sweep.grid_points(grid)):
        try:
            out.append(
                (
                    index,
                    build_runnable(
                        kind=rule.kind,
                        typology=rule.typology,
                        template=version.template,
                        params={**version.params, **point},
                    ),
                )
            )
        except RuleDefinitionError as exc:
            raise ValidationFailed(
                {"grid": [f"{point}: {'; '.join(f'{k} {v}' for k, v in exc.errors.items())}"]}
            ) from None
    return out


def _check_grid(version: RuleVersion, grid) -> dict[str, list]:
    if version.rule.kind != Rule.Kind.TEMPLATE:
        raise ValidationFailed({"rule_version": ["tuning sweeps template rules' parameters"]})
    if not isinstance(grid, dict) or not 1 <= len(grid) <= 2:
        raise ValidationFailed({"grid": ["one or two parameters, each with a list of values"]})
    for name, values in grid.items():
        if not isinstance(values, list) or not values:
            raise ValidationFailed({"grid": [f"{name}: a non-empty list of values"]})
    if len(sweep.grid_points(grid)) > sweep.MAX_POINTS:
        raise ValidationFailed({"grid": [f"at most {sweep.MAX_POINTS} settings per run"]})
    # Every point must be a valid definition; values are kept in the stored form
    # ("2000000" for PKR, hours for windows), so they compare with the version's own.
    normal: dict[str, list] = {name: [] for name in grid}
    for _, runnable in _runnables(version, grid):
        stored = runnable.to_params()
        for name in grid:
            if stored[name] not in normal[name]:
                normal[name].append(stored[name])
    return normal


@transaction.atomic
def request_tuning(
    *, version: RuleVersion, grid: dict, date_from: datetime, date_to: datetime, actor: Actor
) -> TuningRun:
    require(actor, "monitoring.change_rule", "tuning a rule")
    if date_from >= date_to:
        raise ValidationFailed({"date_to": ["must be after date_from"]})
    grid = _check_grid(version, grid)
    run = TuningRun.objects.create(
        rule_version=version,
        grid=grid,
        date_from=date_from,
        date_to=date_to,
        requested_by_label=actor.label,
    )
    audit.record(
        actor=actor,
        action="rule.tuning_requested",
        obj=version.rule,
        after={"version": version.number, "grid": grid},
    )
    run_id = str(run.pk)
    transaction.on_commit(lambda: [enqueue(run_id) for enqueue in _enqueue])
    return run


def run_tuning(*, run_id) -> TuningRun:
    with transaction.atomic():
        run = TuningRun.objects.select_for_update().get(pk=run_id)
        if run.status in (TuningRun.Status.RUNNING, TuningRun.Status.DONE):
            return run
        run.status = TuningRun.Status.RUNNING
        run.started_at = timezone.now()
        run.save(update_fields=["status", "started_at", "updated_at"])
    try:
        _run(run)
        run.status = TuningRun.Status.DONE
    except Exception as exc:
        logger.exception("tuning run %s failed", run.pk)
        run.status = TuningRun.Status.FAILED
        run.error = f"{exc.__class__.__name__}: {exc}"
    run.finished_at = timezone.now()
    run.save()
    return run


def requeue_stranded_runs() -> list:
    """Tuning runs queued too long (their message was lost), or running past the task time
    limit (their worker died), back to ``queued``; returns their ids for the caller to
    enqueue. A run is repeatable: it starts again from its grid."""
    now = timezone.now()
    queued_before = now - timedelta(seconds=settings.BACKTEST_SWEEP_AFTER_SECONDS)
    running_before = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    with transaction.atomic():
        stranded = list(
            TuningRun.objects.select_for_update(skip_locked=True)
            .filter(
                Q(status=TuningRun.Status.QUEUED, created_at__lt=queued_before)
                | Q(status=TuningRun.Status.RUNNING, started_at__lt=running_before)
            )
            .values_list("pk", flat=True)
        )
        TuningRun.objects.filter(pk__in=stranded, status=TuningRun.Status.RUNNING).update(
            status=TuningRun.Status.QUEUED, progress_done=0, updated_at=now
        )
    return stranded


def labelled_transactions(rule: Rule) -> sweep.Labelled:
    """Transaction ids of the rule's labelled alerts (every version), by verdict."""
    positive, negative = set(), set()
    rows = AlertTransaction.objects.filter(
        alert__rule=rule, alert__label__isnull=False
    ).values_list("transaction_id", "alert__label__true_positive")
    for tx_id, verdict in rows:
        (positive if verdict else negative).add(str(tx_id))
    return sweep.Labelled(frozenset(positive), frozenset(negative - positive))


def _run(run: TuningRun) -> None:
    version = run.rule_version
    points = _runnables(version, run.grid)
    settings = sweep.grid_points(run.grid)
    results = [sweep.PointResult(settings=s) for s in settings]
    start = run.date_from - required_lookback(points)
    customer_ids = list(
        Transaction.objects.filter(occurred_at__range=(run.date_from, run.date_to))
        .values_list("customer_id", flat=True)
        .distinct()
        .order_by("customer_id")
    )
    TuningRun.objects.filter(pk=run.pk).update(progress_total=len(customer_ids))
    countries = monitoring_selectors.high_risk_countries()
    sanctions = ScreeningSanctions()
    for offset in range(0, len(customer_ids), CUSTOMER_CHUNK):
        chunk = customer_ids[offset : offset + CUSTOMER_CHUNK]
        profiles = monitoring_selectors.customer_views(chunk, history_from=start)
        histories = monitoring_selectors.histories(chunk, start=start, end=run.date_to)
        sweep.replay(
            ((profiles[c], h) for c, h in histories.items()),
            points,
            date_from=run.date_from,
            date_to=run.date_to,
            results=results,
            high_risk_countries=countries,
            sanctions=sanctions,
        )
        TuningRun.objects.filter(pk=run.pk).update(progress_done=F("progress_done") + len(chunk))
    sweep.finish(results, labelled_transactions(version.rule))
    current = current_settings(run)
    run.results = [r.as_row() for r in results]
    run.suggested = sweep.suggest(results, current)
    run.progress_done = len(customer_ids)
    run.progress_total = len(customer_ids)


def current_settings(run: TuningRun) -> dict[str, Any]:
    """The swept parameters as the tuned version has them (defaults included)."""
    version = run.rule_version
    stored = build_version(version, version.rule).to_params()
    return {name: stored[name] for name in run.grid}


def create_suggested_draft(*, run: TuningRun, actor: Actor) -> RuleVersion:
    """The suggested setting as a new version of the rule (a draft until a checker activates
    it)."""
    if run.status != TuningRun.Status.DONE:
        raise InvalidTransition("the tuning run has not finished")
    if run.suggested == current_settings(run):
        raise InvalidTransition("the suggested setting is the current one")
    version = run.rule_version
    return monitoring_services.add_rule_version(
        rule=version.rule,
        actor=actor,
        params={**version.params, **run.suggested},
        note=f"Suggested by tuning run {run.pk} over "
        f"{run.date_from:%Y-%m-%d}..{run.date_to:%Y-%m-%d}",
    )
