"""Batched evaluation in event time: claim pending transactions, serialize per customer, run every
live rule at each transaction whose windows the new ones fall into, and reconcile the alerts.

One batch is one database transaction:

1. claim the pending transactions among the ids (``SKIP LOCKED``: a row is claimed by one
   worker at a time), marked screened at once, so a worker killed before the commit leaves them
   pending for the redelivered message or the sweeper;
2. take a PostgreSQL advisory transaction lock per customer of the batch: work on one customer
   is serialized whatever the number of workers and machines, and each batch sees everything
   the batches before it committed. A customer another worker holds is not waited for: its
   transactions are left pending and sent on as a batch of their own after the commit (the
   worker holding it usually takes them first), so two workers never queue behind each other's
   customers. After ``MONITORING_DEFER_MAX`` such deferrals the batch waits for the locks,
   taken in one order by every worker (no deadlock), so no transaction is deferred forever;
3. claim the customers' other pending transactions too (one history load serves them);
4. load each customer's history around the new transactions and evaluate every rule at the new
   transactions (look-back) AND at the stored transactions whose look-back window contains a new
   one (look-forward): a transaction that arrives late re-evaluates the windows it falls into;
5. reconcile the alerts from the per-transaction findings (``services.episodes``), queue the
   webhooks, and commit.

Windows are measured on ``occurred_at`` (ties by ``external_id``), never on arrival or batch
membership, so the findings at every transaction, hence the alerts, are a function of the stored
history alone. README "Monitoring" documents the serialization.
"""

from __future__ import annotations

import contextlib
import logging
import time
import uuid
import zlib
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from django.db import OperationalError, connection, transaction
from django.utils import timezone

from compliance.monitoring import conf, hooks, rulebook, selectors
from compliance.monitoring.models import Alert, Transaction
from compliance.monitoring.rulebook import LoadedRule
from compliance.monitoring.sanctions import ScreeningSanctions
from compliance.monitoring.services.episodes import PointFinding, Reconciled, reconcile
from compliance.monitoring.services.ingest import enqueue_evaluation
from compliance.monitoring.signals import alerts_raised, large_cash_detected
from compliance.monitoring.typologies.base import (
    CustomerView,
    EvaluationContext,
    TxView,
    order_key,
)
from compliance.monitoring.typologies.evaluation import evaluate_all, required_lookback
from core import webhooks
from core.lookups import array_literal
from core.models import WebhookEndpoint

logger = logging.getLogger(__name__)
RETRYABLE_SQLSTATES = {"40P01", "40001"}  # deadlock detected, serialization failure
ATTEMPTS = 3
# The first key of the advisory locks taken on customers (the second is the customer's hash):
# other features may take advisory locks under their own first key without meeting these.
CUSTOMER_LOCK_SPACE = 0x4E4D  # "NM": Nigraan monitoring


@dataclass(frozen=True)
class BatchOutcome:
    screened: int = 0
    skipped: int = 0
    findings: int = 0
    alerts_created: int = 0
    alerts_extended: int = 0
    reevaluated: int = 0  # earlier-screened transactions evaluated again (look-forward)
    deferred: int = 0  # left pending for a batch of their own: another worker held the customer


def evaluate_batch(
    *,
    transaction_ids: Sequence,
    now: datetime | None = None,
    rules: list | None = None,
    take_others: bool = True,
    deferrals: int = 0,
) -> BatchOutcome:
    """Evaluate the pending transactions among ``transaction_ids`` (others are skipped), and
    with ``take_others`` the batch customers' other pending ones too. Without it exactly those
    given (poison isolation: a part must not take the row that poisoned the whole).
    ``deferrals``: how many times these transactions were already set aside because another
    worker held their customer (from ``MONITORING_DEFER_MAX`` on, the batch waits instead)."""
    wait = deferrals >= conf.defer_max()
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return _evaluate(
                list(transaction_ids), now or timezone.now(), rules, take_others, wait, deferrals
            )
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


def _evaluate(
    ids: list,
    now: datetime,
    rules: list | None,
    take_others: bool,
    wait: bool,
    deferrals: int,
) -> BatchOutcome:
    lap = _Laps()
    live = rules if rules is not None else rulebook.live_rules()
    pairs = [(rule, rule.runnable) for rule in live]
    lookback = required_lookback(pairs)
    countries = selectors.high_risk_countries()
    with transaction.atomic():
        deferred: list[str] = []
        if wait:
            txs = _claim(ids, now)
            serialize_customers(sorted({tx.customer_id for tx in txs}))
        else:
            txs, deferred = _claim_free(ids, now)
            if deferred:
                # After the commit, as their own batch; a broker that refuses leaves them pending
                # for the sweeper (nothing is lost).
                transaction.on_commit(lambda: enqueue_evaluation(deferred, deferrals=deferrals + 1))
        lap("claim+lock")
        if not txs:
            return BatchOutcome(skipped=len(ids) - len(deferred), deferred=len(deferred))
        given = len(txs)
        customer_ids = sorted({tx.customer_id for tx in txs})
        if take_others:
            txs += _claim_pending(customer_ids, now, conf.batch_max() - given)
        txs.sort(key=order_key)
        new_ids = {tx.id for tx in txs}
        start = txs[0].occurred_at - lookback
        end = _forward_end(pairs, txs[-1].occurred_at)
        histories = selectors.histories(customer_ids, start=start, end=end)
        customers = selectors.customer_views(customer_ids, history_from=start)
        lap("history")
        windows = _HistoryWindows(histories, customers, lookback)
        sanctions = ScreeningSanctions()
        points = _points(pairs, histories, new_ids)
        findings: list[PointFinding] = []
        for point, rules_here in points:
            ctx = EvaluationContext(
                customer=windows.customer(point),
                history=windows.history(point),
                now=now,
                high_risk_countries=countries,
                sanctions=sanctions,
            )
            for rule, finding in evaluate_all(rules_here, point, ctx):
                findings.append(PointFinding(rule, point, finding))
        lap("rules")
        views = {t.id: t for history in histories.values() for t in history}
        evaluated = [(rule, point) for point, rules_here in points for rule, _ in rules_here]
        # Suppressed findings are kept, as the rule's shadow twin's (never routed).
        evaluated, findings, held = hooks.hold_back(evaluated, findings)
        result = reconcile(evaluated=evaluated, findings=findings, views=views, now=now)
        hooks.after_store(result.created, held)
        lap("alerts")
        _announce(txs, result, findings, new_ids)
    lap("commit")
    logger.debug(
        "batch: %d screened (%d given, %d deferred), %d customers, %d points, %d alerts new; %s",
        len(txs), len(ids), len(deferred), len(customer_ids), len(points), len(result.created),
        ", ".join(lap.laps),
    )  # fmt: skip
    return BatchOutcome(
        screened=len(txs),
        skipped=len(ids) - given - len(deferred),
        deferred=len(deferred),
        findings=len(findings),
        alerts_created=len(result.created),
        alerts_extended=result.extended,
        reevaluated=sum(1 for point, _ in points if point.id not in new_ids),
    )


def serialize_customers(customer_ids: Sequence[str]) -> None:
    """Hold each customer's advisory lock until the end of the database transaction. Taken in
    one sorted order by every worker, so two batches sharing customers wait for each other and
    never deadlock; a batch that waited then reads what the other one committed."""
    if not customer_ids:
        return
    keys = sorted({_lock_key(cid) for cid in customer_ids})
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_advisory_xact_lock(%s, k)) FROM "
            "(SELECT k FROM unnest(%s::int[]) AS k ORDER BY k) AS ordered",
            [CUSTOMER_LOCK_SPACE, keys],
        )


def _claim_free(ids: Sequence, now: datetime) -> tuple[list[TxView], list[str]]:
    """Claim the pending transactions among ``ids`` whose customers no other batch holds,
    taking those customers' advisory locks without waiting; return them and the ids of the
    pending transactions left for later (their customer is held: waiting would queue this
    worker behind the other, and taking them would evaluate without that batch's results)."""
    valid = _valid_ids(ids)
    if not valid:
        return [], []
    table = connection.ops.quote_name(Transaction._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id::text, customer_id::text FROM {table} "  # noqa: S608 (model's name)
            "WHERE id = ANY(%s::uuid[]) AND status = %s",
            [array_literal(valid), Transaction.Status.PENDING],
        )
        pending = cursor.fetchall()
        if not pending:
            return [], []
        keys = {cid: _lock_key(cid) for _, cid in pending}
        cursor.execute(
            "SELECT k FROM unnest(%s::int[]) AS k WHERE pg_try_advisory_xact_lock(%s, k)",
            [sorted(set(keys.values())), CUSTOMER_LOCK_SPACE],
        )
        held = {row[0] for row in cursor.fetchall()}
    mine = [pk for pk, cid in pending if keys[cid] in held]
    later = [pk for pk, cid in pending if keys[cid] not in held]
    if not mine:
        return [], later
    claimed = _claim_where("id = ANY(%s::uuid[])", [array_literal(mine)], now, pks=mine)
    return claimed, later


def _lock_key(customer_id: str) -> int:
    """A stable signed 32-bit key per customer (a collision only serializes two customers)."""
    value = zlib.crc32(str(customer_id).encode())
    return value - (1 << 32) if value >= 1 << 31 else value


def _forward_end(pairs: Sequence[tuple[LoadedRule, Any]], last: datetime) -> datetime | None:
    """How far after the batch the findings it can change lie: the longest look-back past its
    last transaction; with no end when a rule reads the transaction before its window
    (dormancy: a late transaction in a quiet gap changes the account's wake-up, however long
    the gap). In event order nothing lies after the batch, so this costs nothing then."""
    if any(_reads_previous(runnable) for _, runnable in pairs):
        return None
    return last + required_lookback(pairs)


def _reads_previous(rule: Any) -> bool:
    return bool(getattr(rule, "reads_previous", False))


def _points(
    pairs: Sequence[tuple[LoadedRule, Any]],
    histories: dict[str, tuple[TxView, ...]],
    new_ids: set[str],
) -> list[tuple[TxView, list[tuple[LoadedRule, Any]]]]:
    """Every transaction to evaluate, with the rules to run there: the new ones with every
    rule, and each earlier-screened one with the rules whose look-back window (from it) holds a
    new transaction. Transactions still pending that this batch does not own are left to their
    own batch (which runs after this one commits: the customer lock orders them). A rule that
    reads the last transaction before its window (dormancy) is also re-run up to one look-back
    past the transaction that follows a new one."""
    out = []
    screened = Transaction.Status.SCREENED
    for history in histories.values():
        new = [t for t in history if t.id in new_ids]
        if not new:
            continue
        keys = [order_key(t) for t in history]
        # For the rules reading one step further back: the transaction after each new one.
        follower_at: dict[str, datetime] = {}
        for t in new:
            i = bisect_right(keys, order_key(t))
            if i < len(history):
                follower_at[t.id] = history[i].occurred_at
        # Per rule, the new transactions that can change its findings elsewhere (a deposit
        # cannot change what structuring finds unless it is cash just under the threshold).
        relevant = []
        for rule, runnable in pairs:
            mine = [t for t in new if _may_affect(runnable, t)]
            relevant.append((rule, runnable, mine, [order_key(t) for t in mine]))
        for point in history:
            if point.id in new_ids:
                out.append((point, list(pairs)))
                continue
            if point.status != screened:
                continue
            at = order_key(point)
            here = []
            for rule, runnable, mine, mine_keys in relevant:
                i = bisect_left(mine_keys, at) - 1
                if i < 0:
                    continue
                if point.occurred_at - mine[i].occurred_at <= runnable.lookback or (
                    _reads_previous(runnable)
                    and _wakes(point, mine[: i + 1], follower_at, runnable)
                ):
                    here.append((rule, runnable))
            if here:
                out.append((point, here))
    return out


def _may_affect(runnable: Any, tx: TxView) -> bool:
    """Whether ``tx`` can change this rule's findings at other transactions (rules say so with
    ``may_affect``; by default any transaction can)."""
    check = getattr(runnable, "may_affect", None)
    return True if check is None else bool(check(tx))


def _wakes(point: TxView, before: list[TxView], follower_at: dict, runnable: Any) -> bool:
    """A new transaction became the last one before ``point``'s window: the one after it lies
    within the window."""
    return any(
        point.occurred_at - follower_at.get(t.id, t.occurred_at) <= runnable.lookback
        for t in before
    )


class _HistoryWindows:
    """Each transaction sees exactly its own look-back, whatever else the batch loaded: the
    findings (and their episode keys) then depend on the stored history alone, never on which
    transactions happened to share a batch."""

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


def _valid_ids(ids: Sequence) -> list[str]:
    valid = []
    for pk in ids:
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            valid.append(str(uuid.UUID(str(pk))))
    return valid


def _claim(ids: Sequence, now: datetime) -> list[TxView]:
    """Take the still-pending transactions among ``ids`` for this batch: rows another worker
    holds are skipped (SKIP LOCKED), the rest are marked screened at once, inside the batch's
    database transaction, so a worker that dies before the commit leaves them pending.
    On PostgreSQL one statement locks, marks and returns them. The lock is NO KEY UPDATE: other
    workers' alert links check their foreign key to these rows with KEY SHARE, which it lets
    through (a plain FOR UPDATE makes two workers wait on each other at commit)."""
    valid = _valid_ids(ids)
    if not valid:
        return []
    return _claim_where("id = ANY(%s::uuid[])", [array_literal(valid)], now, pks=valid)


def _claim_pending(customer_ids: Sequence[str], now: datetime, room: int) -> list[TxView]:
    """The batch customers' other pending transactions (earliest first, up to ``room``),
    evaluated now while their history is loaded: under a backlog one load serves many, and
    fewer later batches re-evaluate what this one screened."""
    if room <= 0:
        return []
    # Not the parked ones (set aside as dead letters: ``enqueued_at`` cleared): a poisoned
    # transaction must not poison every later batch of its customer.
    return _claim_where(
        "customer_id = ANY(%s::uuid[]) AND enqueued_at IS NOT NULL",
        [array_literal(customer_ids)],
        now,
        customers=customer_ids,
        limit=room,
    )


def _claim_where(
    condition: str,
    params: list,
    now: datetime,
    *,
    pks: Sequence[str] = (),
    customers: Sequence[str] = (),
    limit: int | None = None,
) -> list[TxView]:
    pending, screened = Transaction.Status.PENDING, Transaction.Status.SCREENED
    quote = connection.ops.quote_name
    table = quote(Transaction._meta.db_table)
    columns = ", ".join(quote(c) for c in selectors.TX_COLUMNS)
    # Identifiers come from the model, the condition from this module, values are parameters.
    sql = (
        f"UPDATE {table} SET status = %s, screened_at = %s, updated_at = %s WHERE id IN "  # noqa: S608
        f"(SELECT id FROM {table} WHERE {condition} AND status = %s "
        f"{'ORDER BY occurred_at LIMIT %s ' if limit else ''}"
        f"FOR NO KEY UPDATE SKIP LOCKED) RETURNING {columns}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [screened, now, now, *params, pending, *([limit] if limit else [])])
        # RETURNING gives the rows as updated: screened, as the rules must see them.
        return [selectors.tx_view(row) for row in cursor.fetchall()]


def _wanted_events() -> set[str]:
    wanted: set[str] = set()
    for endpoint in WebhookEndpoint.objects.filter(is_active=True):
        wanted.update(endpoint.event_types or WebhookEndpoint.EVENT_TYPES)
    return wanted


def _announce(
    txs: list[TxView],
    result: Reconciled,
    findings: list[PointFinding],
    new_ids: set[str],
) -> None:
    """Webhooks (queued in this transaction, named for good: a redelivered batch cannot queue
    them twice) and signals (after the commit). CTRs are due for the new cash transactions at
    or over the threshold; the CTR draft is idempotent per transaction and swept hourly."""
    raised = [a for a in result.created if not a.is_shadow]
    wanted = _wanted_events() if txs else set()
    if "alert.created" in wanted and raised:
        webhooks.emit_many(
            "alert.created",
            [result.payloads[a.pk] for a in raised],
            event_keys=[str(a.pk) for a in raised],
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
                    "alerts": result.alerts_by_tx.get(tx.id, []),
                }
                for tx in txs
            ],
            event_keys=[tx.id for tx in txs],
        )
    ctr_due = [
        f.tx.id
        for f in findings
        if f.tx.id in new_ids
        and not f.rule.is_shadow
        and f.finding.typology_code == "LARGE_CASH"
        and f.finding.facts.get("ctr_required")
    ]

    def send() -> None:
        if raised:  # one announcement per batch: cases group them in one task
            alerts_raised.send(Alert, alert_ids=[str(alert.pk) for alert in raised])
        for tx_id in dict.fromkeys(ctr_due):
            large_cash_detected.send(Transaction, transaction_id=tx_id)

    if raised or ctr_due:
        transaction.on_commit(send)
