"""Backtests: run a rule version over stored history before it goes live, beside the live one.

The run reads history customer by customer in chunks (one query per chunk for histories, one for
profiles), evaluates the candidate and the live version on every transaction of the date range,
and counts episodes (would-be alerts), customers, and the customers both versions hit.
Profiles are today's (declared turnover, tier), not as they were on each day.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from compliance.monitoring import dispatch, selectors
from compliance.monitoring.models import Backtest, Rule, RuleVersion, Transaction
from compliance.monitoring.rulebook import build_version, engine_for
from compliance.monitoring.sanctions import ScreeningSanctions
from compliance.monitoring.typologies.base import EvaluationContext
from compliance.monitoring.typologies.evaluation import evaluate_all, required_lookback
from core import audit
from core.actors import Actor
from core.errors import ValidationFailed

logger = logging.getLogger(__name__)
CUSTOMER_CHUNK = 200
SAMPLE_SIZE = 20


@transaction.atomic
def request_backtest(
    *, version: RuleVersion, date_from: datetime, date_to: datetime, actor: Actor
) -> Backtest:
    """Queue a backtest of ``version`` over ``[date_from, date_to]`` (run by a Celery task)."""
    if date_from >= date_to:
        raise ValidationFailed({"date_to": ["must be after date_from"]})
    rule = version.rule
    live = rule.active_version if rule.active_version_id != version.pk else None
    backtest = Backtest.objects.create(
        rule_version=version,
        live_version=live,
        date_from=date_from,
        date_to=date_to,
        requested_by_label=actor.label,
    )
    audit.record(
        actor=actor,
        action="rule.backtest_requested",
        obj=rule,
        after={
            "version": version.number,
            "from": date_from.isoformat(),
            "to": date_to.isoformat(),
        },
    )

    def enqueue() -> None:
        try:
            dispatch.send(dispatch.RUN_BACKTEST, str(backtest.pk))
        except Exception:  # broker down: the backtest stays queued, requested again later
            logger.warning("backtest %s not enqueued", backtest.pk, exc_info=True)

    transaction.on_commit(enqueue)
    return backtest


def run_backtest(*, backtest_id) -> Backtest:
    with transaction.atomic():
        backtest = Backtest.objects.select_for_update().get(pk=backtest_id)
        if backtest.status in (Backtest.Status.RUNNING, Backtest.Status.DONE):
            return backtest
        backtest.status = Backtest.Status.RUNNING
        backtest.started_at = timezone.now()
        backtest.save(update_fields=["status", "started_at", "updated_at"])
    try:
        _run(backtest)
        backtest.status = Backtest.Status.DONE
    except Exception as exc:
        logger.exception("backtest %s failed", backtest.pk)
        backtest.status = Backtest.Status.FAILED
        backtest.error = f"{exc.__class__.__name__}: {exc}"
    backtest.finished_at = timezone.now()
    backtest.save()
    return backtest


def _run(backtest: Backtest) -> None:
    rule: Rule = backtest.rule_version.rule
    engine = engine_for(rule.kind)
    if engine is not None and engine.backtest is not None:
        engine.backtest(backtest)  # rules that run over other data than one customer's history
        return
    candidates = [("candidate", build_version(backtest.rule_version, rule))]
    if backtest.live_version is not None:
        candidates.append(("live", build_version(backtest.live_version, rule)))
    lookback = required_lookback(candidates)
    start = backtest.date_from - lookback
    customer_ids = list(
        Transaction.objects.filter(occurred_at__range=(backtest.date_from, backtest.date_to))
        .values_list("customer_id", flat=True)
        .distinct()
    )
    countries = selectors.high_risk_countries()
    sanctions = ScreeningSanctions()
    episodes: dict[str, dict[str, set]] = {"candidate": defaultdict(set), "live": defaultdict(set)}
    owners: dict[str, dict[str, str]] = {"candidate": {}, "live": {}}
    samples: list[dict] = []
    evaluated = 0
    for offset in range(0, len(customer_ids), CUSTOMER_CHUNK):
        chunk = customer_ids[offset : offset + CUSTOMER_CHUNK]
        profiles = selectors.customer_views(chunk, history_from=start)
        histories = selectors.histories(chunk, start=start, end=backtest.date_to)
        for customer_id, history in histories.items():
            ctx = EvaluationContext(
                customer=profiles[customer_id],
                history=history,
                now=backtest.date_to,
                high_risk_countries=countries,
                sanctions=sanctions,
            )
            for tx in history:
                if tx.occurred_at < backtest.date_from:
                    continue
                evaluated += 1
                for which, finding in evaluate_all(candidates, tx, ctx):
                    episodes[which][finding.dedupe_key].update(finding.transaction_ids)
                    owners[which][finding.dedupe_key] = customer_id
                    if which == "candidate" and len(samples) < SAMPLE_SIZE:
                        samples.append(
                            {
                                "customer": customer_id,
                                "transaction": tx.id,
                                "explanation": finding.explanation,
                            }
                        )
    hit = {which: set(owners[which].values()) for which in owners}
    flagged = {which: set().union(*episodes[which].values()) for which in episodes}
    backtest.transactions_evaluated = evaluated
    backtest.hits = len(episodes["candidate"])
    backtest.customers = len(hit["candidate"])
    backtest.live_hits = len(episodes["live"])
    backtest.live_customers = len(hit["live"])
    backtest.overlap_customers = len(hit["candidate"] & hit["live"])
    backtest.results = {
        "compared_with_live": backtest.live_version is not None,
        "customers_only_candidate": len(hit["candidate"] - hit["live"]),
        "customers_only_live": len(hit["live"] - hit["candidate"]),
        "transactions_flagged": len(flagged["candidate"]),
        "transactions_flagged_live": len(flagged["live"]),
        "transactions_flagged_both": len(flagged["candidate"] & flagged["live"]),
        "customers_examined": len(customer_ids),
        "samples": samples,
    }


def requeue_stranded_backtests() -> list:
    """Backtests queued too long, or running past the task time limit (their worker died),
    back to ``queued``; returns their ids for the caller to enqueue."""
    now = timezone.now()
    queued_before = now - timedelta(seconds=settings.BACKTEST_SWEEP_AFTER_SECONDS)
    running_before = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    with transaction.atomic():
        stranded = list(
            Backtest.objects.select_for_update(skip_locked=True)
            .filter(
                Q(status=Backtest.Status.QUEUED, created_at__lt=queued_before)
                | Q(status=Backtest.Status.RUNNING, started_at__lt=running_before)
            )
            .values_list("pk", flat=True)
        )
        Backtest.objects.filter(pk__in=stranded, status=Backtest.Status.RUNNING).update(
            status=Backtest.Status.QUEUED, updated_at=now
        )
    return stranded
