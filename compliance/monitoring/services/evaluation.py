"""Batched evaluation: lock a batch of pending transactions, run every live rule, store alerts.

Per batch, whatever its size: one query locks the rows (``SKIP LOCKED``, so workers never wait
for each other and a transaction is evaluated by one worker at a time), one loads the customers,
one loads all their histories for the rules' look-back, one reads the country lists; rules are
built once per set of live versions. Then alerts are upserted by episode, the rows are marked
``screened`` and the webhooks queued, all in the same database transaction: a worker killed
half-way leaves nothing behind, and the batch runs again (redelivered, or swept).

Idempotent: an already screened transaction is skipped; a finding whose episode already has an
open alert attaches its transactions to that alert instead of opening another.
"""

from __future__ import annotations

import contextlib
import logging
import time
import uuid
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import OperationalError, connection, transaction
from django.utils import timezone

from compliance.monitoring import conf, hooks, rulebook, selectors
from compliance.monitoring.models import Alert, AlertTransaction, Transaction
from compliance.monitoring.rulebook import LoadedRule
from compliance.monitoring.sanctions import ScreeningSanctions
from compliance.monitoring.signals import alert_raised, large_cash_detected
from compliance.monitoring.typologies.base import (
    CustomerView,
    EvaluationContext,
    Finding,
    TxView,
)
from compliance.monitoring.typologies.evaluation import evaluate_all, required_lookback
from core import audit, webhooks
from core.actors import Actor
from core.models import WebhookEndpoint

logger = logging.getLogger(__name__)
ACTOR = Actor.automated("monitoring")
RETRYABLE_SQLSTATES = {"40P01", "40001"}  # deadlock detected, serialization failure
ATTEMPTS = 3


@dataclass(frozen=True)
class BatchOutcome:
    screened: int = 0
    skipped: int = 0
    findings: int = 0
    alerts_created: int = 0
    alerts_extended: int = 0


@dataclass
class _Episode:
    """Findings of one rule about one episode within the batch, merged."""

    rule: LoadedRule
    customer_id: str
    dedupe_key: str
    finding: Finding
    transaction_ids: set[str]
    evaluated: list[str]  # the batch's transactions whose evaluation produced it

    @property
    def key(self) -> tuple[str, bool, str]:
        return (self.rule.rule_id, self.rule.is_shadow, self.dedupe_key)


def evaluate_batch(
    *, transaction_ids: Sequence, now: datetime | None = None, rules: list | None = None
) -> BatchOutcome:
    """Evaluate the pending transactions among ``transaction_ids`` (others are skipped)."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return _evaluate(list(transaction_ids), now or timezone.now(), rules)
        except OperationalError as exc:
            sqlstate = getattr(exc.__cause__, "sqlstate", None)
            if sqlstate not in RETRYABLE_SQLSTATES or attempt == ATTEMPTS:
                raise
            logger.info("evaluation batch retried after %s (attempt %d)", sqlstate, attempt)
    raise AssertionError("unreachable")


class _Laps:
    """Phase timings of a batch, logged at DEBUG (where the time of a slow batch went)."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.laps: list[str] = []

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.laps.append(f"{name} {1000 * (now - self.last):.0f} ms")
        self.last = now


def _evaluate(ids: list, now: datetime, rules: list | None) -> BatchOutcome:
    lap = _Laps()
    live = rules if rules is not None else rulebook.live_rules()
    pairs = [(rule, rule.runnable) for rule in live]
    lookback = required_lookback(pairs)
    countries = selectors.high_risk_countries()
    with transaction.atomic():
        txs = _claim(ids, now)
        if not txs:
            return BatchOutcome(skipped=len(ids))
        lap("claim")
        customer_ids = {tx.customer_id for tx in txs}
        first = min(tx.occurred_at for tx in txs)
        start = first - lookback
        horizon = max(tx.occurred_at for tx in txs) + conf.claim_horizon()
        histories = selectors.histories(customer_ids, start=start, end=horizon)
        lap("history")
        txs += _claim_more(
            histories, {tx.id for tx in txs}, first, now, conf.batch_max() - len(txs)
        )
        txs.sort(key=lambda tx: tx.occurred_at)
        lap("claim more")
        customers = selectors.customer_views(customer_ids, history_from=start)
        lap("customers")
        sanctions = ScreeningSanctions()
        windows = _HistoryWindows(histories, customers, lookback)
        episodes: dict[tuple, _Episode] = {}
        findings = 0
        ctr_due: list[str] = []
        for tx in txs:
            ctx = EvaluationContext(
                customer=windows.customer(tx),
                history=windows.history(tx),
                now=now,
                high_risk_countries=countries,
                sanctions=sanctions,
            )
            for rule, finding in evaluate_all(pairs, tx, ctx):
                findings += 1
                _merge(episodes, rule, tx, finding)
                if (
                    not rule.is_shadow
                    and finding.typology_code == "LARGE_CASH"
                    and finding.facts.get("ctr_required")
                ):
                    ctr_due.append(tx.id)
        lap("rules")
        held = hooks.hold_back(list(episodes.values()), {tx.id: tx for tx in txs})
        created, extended, alerts_by_tx = _store(list(episodes.values()), now)
        hooks.after_store(created, held)
        lap("alerts")
        _announce(txs, created, alerts_by_tx, ctr_due)
    lap("commit")
    logger.debug(
        "batch: %d screened (%d given), %d customers, %d history rows, %d alerts new; %s",
        len(txs), len(ids), len(customer_ids), sum(len(h) for h in histories.values()),
        len(created), ", ".join(lap.laps),
    )  # fmt: skip
    return BatchOutcome(
        screened=len(txs),
        skipped=len(ids) - len(txs),
        findings=findings,
        alerts_created=len(created),
        alerts_extended=extended,
    )


class _HistoryWindows:
    """Each transaction sees exactly its own look-back, whatever else the batch loaded: the
    findings (and their de-duplication keys) then depend on the stored history alone, never on
    which transactions happened to share a batch."""

    def __init__(self, histories: dict, customers: dict, lookback: timedelta):
        self.histories = histories
        self.times = {cid: [t.occurred_at for t in h] for cid, h in histories.items()}
        self.customers = customers
        self.lookback = lookback

    def _bounds(self, tx: TxView) -> tuple[int, int]:
        times = self.times.get(tx.customer_id, [])
        return (
            bisect_left(times, tx.occurred_at - self.lookback),
            bisect_right(times, tx.occurred_at),
        )

    def history(self, tx: TxView) -> tuple[TxView, ...]:
        lo, hi = self._bounds(tx)
        return self.histories.get(tx.customer_id, ())[lo:hi]

    def customer(self, tx: TxView) -> CustomerView:
        profile = self.customers[tx.customer_id]
        lo, _ = self._bounds(tx)
        if lo == 0:
            return profile
        before = self.histories[tx.customer_id][lo - 1].occurred_at
        return replace(profile, last_activity_before=before)


def _claim(ids: Sequence, now: datetime) -> list[TxView]:
    """Take the still-pending transactions among ``ids`` for this batch: rows another worker
    holds are skipped (SKIP LOCKED), the rest are marked screened at once, inside the batch's
    database transaction, so a worker that dies before the commit leaves them pending.
    On PostgreSQL one statement locks, marks and returns them. The lock is NO KEY UPDATE: other
    workers' alert links check their foreign key to these rows with KEY SHARE, which it lets
    through (a plain FOR UPDATE makes two workers wait on each other at commit)."""
    valid = []
    for pk in ids:
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            valid.append(str(uuid.UUID(str(pk))))
    if not valid:
        return []
    pending, screened = Transaction.Status.PENDING, Transaction.Status.SCREENED
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        table = quote(Transaction._meta.db_table)
        columns = ", ".join(quote(c) for c in selectors.TX_COLUMNS)
        # Identifiers come from the model, values are parameters.
        sql = (
            f"UPDATE {table} SET status = %s, screened_at = %s, updated_at = %s WHERE id IN "  # noqa: S608
            f"(SELECT id FROM {table} WHERE id = ANY(%s::uuid[]) AND status = %s "
            f"FOR NO KEY UPDATE SKIP LOCKED) RETURNING {columns}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [screened, now, now, "{" + ",".join(valid) + "}", pending])
            return [selectors.tx_view(row) for row in cursor.fetchall()]
    rows = list(
        Transaction.objects.select_for_update(skip_locked=True, no_key=True)
        .filter(pk__in=valid, status=pending)
        .values_list(*selectors.TX_COLUMNS)
    )
    Transaction.objects.filter(pk__in=[row[0] for row in rows]).update(
        status=screened, screened_at=now, updated_at=now
    )
    return [selectors.tx_view(row) for row in rows]


def _claim_more(
    histories: dict[str, tuple[TxView, ...]],
    batch: set[str],
    first: datetime,
    now: datetime,
    room: int,
) -> list[TxView]:
    """The batch customers' other pending transactions, evaluated now while their history is
    loaded. Under a backlog one history load then serves many transactions. Only those at or
    after the batch's first transaction: the loaded history covers their look-back."""
    if room <= 0:
        return []
    candidates = {
        tx.id: tx
        for history in histories.values()
        for tx in history
        if tx.status == Transaction.Status.PENDING
        and tx.id not in batch
        and tx.occurred_at >= first
    }
    if not candidates:
        return []
    wanted = sorted(candidates, key=lambda pk: candidates[pk].occurred_at)[:room]
    return [candidates[tx.id] for tx in _claim(wanted, now)]


def _merge(episodes: dict, rule: LoadedRule, tx: TxView, finding: Finding) -> None:
    key = (rule.rule_id, rule.is_shadow, finding.dedupe_key)
    episode = episodes.get(key)
    if episode is None:
        episodes[key] = _Episode(
            rule=rule,
            customer_id=tx.customer_id,
            dedupe_key=finding.dedupe_key,
            finding=finding,
            transaction_ids=set(finding.transaction_ids),
            evaluated=[tx.id],
        )
        return
    episode.transaction_ids.update(finding.transaction_ids)
    episode.evaluated.append(tx.id)
    # The later finding covers the episode so far: its explanation describes it best.
    if len(finding.transaction_ids) >= len(episode.finding.transaction_ids):
        episode.finding = finding


def _score(finding: Finding) -> Decimal:
    return Decimal(str(round(min(max(finding.score, 0.0), 1.0), 3)))


def _store(episodes: list[_Episode], now: datetime) -> tuple[list[tuple], int, dict]:
    """Upsert one alert per episode; returns (new alerts, alerts extended, tx id -> alert ids)."""
    if not episodes:
        return [], 0, {}
    episodes.sort(key=lambda e: e.key)  # one lock order for every worker: no deadlocks
    open_alerts = _open_alerts(episodes)
    new = [
        Alert(
            id=uuid.uuid4(),
            customer_id=e.customer_id,
            typology=e.finding.typology_code,
            rule_id=e.rule.rule_id,
            rule_version_id=e.rule.version_id,
            severity=e.rule.severity,
            score=_score(e.finding),
            explanation=e.finding.explanation,
            facts=_json_facts(e.finding.facts),
            dedupe_key=e.dedupe_key,
            is_shadow=e.rule.is_shadow,
            finding_size=len(e.finding.transaction_ids),
            created_at=now,
            updated_at=now,
        )
        for e in episodes
        if e.key not in open_alerts
    ]
    created: list[tuple[Alert, _Episode]] = []
    if new:
        # A concurrent worker may open the same episode first: its alert wins, ours is dropped.
        Alert.objects.bulk_create(new, ignore_conflicts=True)
        winners = _open_alerts([e for e in episodes if e.key not in open_alerts])
        won = {pk for pk, _ in winners.values()}
        by_key = {e.key: e for e in episodes}
        created = [
            (a, by_key[(str(a.rule_id), a.is_shadow, a.dedupe_key)]) for a in new if a.pk in won
        ]
        open_alerts.update(winners)
    created_ids = {a.pk for a, _ in created}

    extended = []
    for e in episodes:
        alert_id, size = open_alerts[e.key]
        if alert_id in created_ids:
            continue
        if len(e.finding.transaction_ids) >= size:
            extended.append(
                Alert(
                    pk=alert_id,
                    score=_score(e.finding),
                    explanation=e.finding.explanation,
                    facts=_json_facts(e.finding.facts),
                    finding_size=len(e.finding.transaction_ids),
                    updated_at=now,
                )
            )
    if extended:
        Alert.objects.bulk_update(
            extended, ["score", "explanation", "facts", "finding_size", "updated_at"]
        )
    links = sorted(
        {(open_alerts[e.key][0], tx_id) for e in episodes for tx_id in e.transaction_ids},
        key=lambda pair: (str(pair[0]), pair[1]),
    )
    AlertTransaction.objects.bulk_create(
        [AlertTransaction(alert_id=a, transaction_id=t, added_at=now) for a, t in links],
        ignore_conflicts=True,
    )
    alerts_by_tx: dict[str, list[str]] = {}
    for e in episodes:
        if e.rule.is_shadow:
            continue
        for tx_id in e.evaluated:
            alerts_by_tx.setdefault(tx_id, []).append(str(open_alerts[e.key][0]))
    if created:
        audit.record_many(
            audit.Entry(
                actor=ACTOR,
                action="alert.shadow_recorded" if a.is_shadow else "alert.created",
                obj=a,
                after={
                    "typology": a.typology,
                    "rule_version": a.rule_version_id,
                    "severity": a.severity,
                    "score": str(a.score),
                },
                reason=a.explanation,
            )
            for a, _ in created
        )
    return created, len(extended), alerts_by_tx


def _open_alerts(episodes: list[_Episode]) -> dict[tuple, tuple[Any, int]]:
    """(rule, is_shadow, dedupe_key) -> (alert id, finding size) of the not-closed alerts."""
    rows = (
        Alert.objects.filter(dedupe_key__in={e.dedupe_key for e in episodes})
        .exclude(status=Alert.Status.CLOSED)
        .values_list("rule_id", "is_shadow", "dedupe_key", "id", "finding_size")
    )
    wanted = {e.key for e in episodes}
    out = {}
    for rule_id, is_shadow, key, pk, size in rows:
        k = (str(rule_id), is_shadow, key)
        if k in wanted:
            out[k] = (pk, size)
    return out


def _json_facts(facts) -> dict[str, Any]:
    return {str(k): (str(v) if isinstance(v, Decimal | datetime) else v) for k, v in facts.items()}


def alert_payload(alert: Alert, *, rule_code: str, version_number: int, tx_ids: list[str]) -> dict:
    return {
        "id": str(alert.pk),
        "customer": str(alert.customer_id),
        "typology": alert.typology,
        "rule": rule_code,
        "rule_version": version_number,
        "severity": alert.severity,
        "score": str(alert.score),
        "status": alert.status,
        "explanation": alert.explanation,
        "transactions": tx_ids,
        "created_at": alert.created_at,
    }


def _wanted_events() -> set[str]:
    wanted: set[str] = set()
    for endpoint in WebhookEndpoint.objects.filter(is_active=True):
        wanted.update(endpoint.event_types or WebhookEndpoint.EVENT_TYPES)
    return wanted


def _announce(
    txs: list[TxView], created: list[tuple[Alert, _Episode]], alerts_by_tx: dict, ctr_due: list
) -> None:
    """Webhooks (queued in this transaction) and signals (after the commit)."""
    raised = [(a, e) for a, e in created if not a.is_shadow]
    wanted = _wanted_events() if txs else set()
    if "alert.created" in wanted:
        webhooks.emit_many(
            "alert.created",
            [
                alert_payload(
                    alert,
                    rule_code=episode.rule.code,
                    version_number=episode.rule.version_number,
                    tx_ids=sorted(episode.transaction_ids),
                )
                for alert, episode in raised
            ],
        )
    if "transaction.screened" in wanted:
        webhooks.emit_many(
            "transaction.screened",
            [
                {
                    "id": tx.id,
                    "external_id": tx.external_id,
                    "customer": tx.customer_id,
                    "status": Transaction.Status.SCREENED,
                    "alerts": alerts_by_tx.get(tx.id, []),
                }
                for tx in txs
            ],
        )

    def send() -> None:
        for alert, _ in raised:
            alert_raised.send(
                Alert, alert_id=str(alert.pk), customer_id=str(alert.customer_id),
                typology=alert.typology,
            )  # fmt: skip
        for tx_id in dict.fromkeys(ctr_due):
            large_cash_detected.send(Transaction, transaction_id=tx_id)

    if raised or ctr_due:
        transaction.on_commit(send)
