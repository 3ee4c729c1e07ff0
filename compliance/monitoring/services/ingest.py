"""Taking transactions in: single and bulk, idempotent by external_id, never lost.

A transaction is inserted ``pending`` with ``enqueued_at`` in the same database transaction (the
row is its own outbox mark). Evaluation is enqueued after the commit; if the broker is down the
error is logged and the row stays pending, and ``sweep_pending`` enqueues it again later.
Ingest is not written to the audit trail row by row: the transaction row, with the request id
of the call that created it in the logs, is the record; decisions about it are audited.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from psycopg.errors import UniqueViolation

from compliance.monitoring import conf, dispatch, selectors
from compliance.monitoring.intake import TransactionInput, parse_transaction
from compliance.monitoring.models import Transaction
from compliance.monitoring.services.holds import consume_posted
from compliance.monitoring.signals import transactions_stored
from core import pii
from core.actors import Actor
from core.errors import Conflict, ValidationFailed

logger = logging.getLogger(__name__)

UNKNOWN_CUSTOMER = "Unknown customer: give its id or external_id."
CONFLICT_MESSAGE = "This external_id was already used with a different body."


@dataclass(frozen=True)
class Ingested:
    """The answer for one transaction: created now, or the existing one (``created=False``)."""

    id: str
    external_id: str
    status: str
    created: bool


@dataclass(frozen=True)
class BulkItemResult:
    index: int
    status: str  # created | duplicate | invalid
    id: str | None = None
    errors: dict[str, list[str]] | None = None
    code: str | None = None  # "conflict" when an external_id is reused with another body

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"index": self.index, "status": self.status, "id": self.id}
        out["errors"] = self.errors
        if self.code:
            out["code"] = self.code
        return out


def _protect_party(block: dict[str, Any]) -> dict[str, Any]:
    """Travel-rule ID numbers are personal data: stored encrypted, shown masked."""
    if not block.get("id_number"):
        return block
    out = dict(block)
    number = out.pop("id_number")
    out["id_number_encrypted"] = pii.encrypt(number)
    out["id_number_masked"] = pii.mask(number)
    return out


def _values(data: TransactionInput, customer_id, digest: str, now) -> dict[str, Any]:
    """Every column of a new transaction row, by attribute name."""
    cp = data.counterparty
    return {
        "id": uuid.uuid4(),
        "created_at": now,
        "updated_at": now,
        "external_id": data.external_id,
        "customer_id": customer_id,
        "kind": data.kind,
        "channel": data.channel,
        "asset": data.asset,
        "amount": data.amount,
        "amount_pkr": data.amount_pkr,
        "occurred_at": data.occurred_at,
        "counterparty": cp,
        "originator": _protect_party(data.originator),
        "beneficiary": _protect_party(data.beneficiary),
        "counterparty_key": data.counterparty_key[:200],
        "counterparty_name": cp.get("name", ""),
        "counterparty_account": data.counterparty_account,
        "counterparty_wallet": cp.get("wallet_address", ""),
        "counterparty_chain": cp.get("chain", ""),
        "counterparty_country": cp.get("country", ""),
        "counterparty_vasp": cp.get("vasp_name", ""),
        "has_originator": data.has_originator,
        "has_beneficiary": data.has_beneficiary,
        "ip_address": data.ip_address,
        "device_id": data.device_id,
        "request_hash": digest,
        "status": Transaction.Status.PENDING,
        "enqueued_at": now,
        "screened_at": None,
    }


def enqueue_evaluation(transaction_ids: Sequence, *, deferrals: int = 0) -> int:
    """Send the ids to the evaluation queue in batches; returns how many batches went out.
    ``deferrals``: how often these were already set aside because another worker held their
    customer (``services.evaluation``).

    A broker failure is logged, not raised: the rows are committed and pending, and the sweeper
    enqueues them again (ARCHITECTURE.md data flow 3: an outage delays screening, never loses it).
    """
    ids = [str(pk) for pk in transaction_ids]
    size = conf.batch_size()
    options: dict[str, Any] = {"queue": queue} if (queue := conf.evaluation_queue()) else {}
    if deferrals:
        options["deferrals"] = deferrals
    sent = 0
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        try:
            dispatch.send(dispatch.EVALUATE_BATCH, chunk, **options)
            sent += 1
        except Exception:  # broker down or refusing: the sweeper recovers
            logger.warning(
                "evaluation of %d transactions not enqueued; the sweeper will retry",
                len(chunk),
                exc_info=True,
            )
    return sent


def _enqueue_on_commit(ids: list) -> None:
    if ids:
        transaction.on_commit(lambda: enqueue_evaluation(ids))
        transaction.on_commit(lambda: transactions_stored.send(Transaction, transaction_ids=ids))


def _existing_answer(data: TransactionInput, digest: str) -> Ingested | None:
    row = (
        Transaction.objects.filter(external_id=data.external_id)
        .values_list("id", "request_hash", "status")
        .first()
    )
    if row is None:
        return None
    pk, stored_hash, status = row
    if stored_hash != digest:
        raise Conflict(CONFLICT_MESSAGE, external_id=data.external_id, id=str(pk))
    return Ingested(id=str(pk), external_id=data.external_id, status=status, created=False)


def ingest_transaction(*, body: Any, actor: Actor) -> Ingested:
    """Store one transaction (``POST /transactions/``). Same external_id and body again: the
    existing one; same external_id with another body: ``Conflict``; bad input:
    ``ValidationFailed``."""
    data = parse_transaction(body)
    customer_id = selectors.resolve_customer_ids([data.customer_ref]).get(data.customer_ref)
    if customer_id is None:
        raise ValidationFailed({"customer": [UNKNOWN_CUSTOMER]})
    digest = data.request_hash(str(customer_id))
    existing = _existing_answer(data, digest)
    if existing is not None:
        return existing
    row = Transaction(**_values(data, customer_id, digest, timezone.now()))
    try:
        with transaction.atomic():
            row.save(force_insert=True)
            consume_posted([row])
            _enqueue_on_commit([row.pk])
    except IntegrityError:
        # Another request stored the same external_id between the look-up and the insert.
        existing = _existing_answer(data, digest)
        if existing is None:
            raise
        return existing
    return Ingested(id=str(row.pk), external_id=row.external_id, status=row.status, created=True)


def ingest_bulk(*, items: Any, actor: Actor) -> list[BulkItemResult]:
    """Store up to ``MONITORING_BULK_MAX_ITEMS`` transactions, each on its own merits: a bad
    item is reported (``invalid`` with field messages) and never stops the good ones."""
    limit = conf.bulk_max_items()
    if not isinstance(items, list) or not items:
        raise ValidationFailed({"transactions": ["A non-empty list of transactions."]})
    if len(items) > limit:
        raise ValidationFailed({"transactions": [f"At most {limit} transactions per request."]})

    results: dict[int, BulkItemResult] = {}
    parsed: dict[int, TransactionInput] = {}
    for index, item in enumerate(items):
        try:
            parsed[index] = parse_transaction(item)
        except ValidationFailed as exc:
            results[index] = BulkItemResult(index, "invalid", errors=exc.errors)

    customers = selectors.resolve_customer_ids(d.customer_ref for d in parsed.values())
    digests: dict[int, str] = {}
    for index, data in list(parsed.items()):
        customer_id = customers.get(data.customer_ref)
        if customer_id is None:
            results[index] = BulkItemResult(
                index, "invalid", errors={"customer": [UNKNOWN_CUSTOMER]}
            )
            del parsed[index]
            continue
        digests[index] = data.request_hash(str(customer_id))

    stored = {
        ext: (str(pk), digest)
        for ext, pk, digest in Transaction.objects.filter(
            external_id__in=[d.external_id for d in parsed.values()]
        ).values_list("external_id", "id", "request_hash")
    }
    now = timezone.now()
    new_rows: dict[int, dict[str, Any]] = {}
    for index, data in parsed.items():
        ext = data.external_id
        if ext in stored:
            results[index] = _duplicate_or_conflict(index, stored[ext], digests[index])
            continue
        row = _values(data, customers[data.customer_ref], digests[index], now)
        new_rows[index] = row
        stored[ext] = (str(row["id"]), digests[index])  # a repeat later in the same request

    if new_rows:
        inserted = _insert(list(new_rows.items()))
        for index, row in new_rows.items():
            outcome = inserted[index]
            if outcome is None:
                results[index] = BulkItemResult(index, "created", id=str(row["id"]))
            else:
                results[index] = _duplicate_or_conflict(index, outcome, row["request_hash"])
    return [results[i] for i in range(len(items))]


def _duplicate_or_conflict(index: int, stored: tuple[str, str], digest: str) -> BulkItemResult:
    pk, stored_digest = stored
    if stored_digest == digest:
        return BulkItemResult(index, "duplicate", id=pk)
    return BulkItemResult(
        index, "invalid", id=pk, errors={"external_id": [CONFLICT_MESSAGE]}, code="conflict"
    )


def _copy(rows: list[dict[str, Any]]) -> None:
    """PostgreSQL COPY: the bulk path's insert, several times faster than an INSERT of the
    same rows built by the ORM."""
    from psycopg.types.json import Jsonb

    fields = Transaction._meta.concrete_fields
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"COPY {quote(Transaction._meta.db_table)} ({columns}) FROM STDIN"
    wrap = [isinstance(f, models.JSONField) for f in fields]
    names = [f.attname for f in fields]
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(
                [Jsonb(row[n]) if j else row[n] for n, j in zip(names, wrap, strict=True)]
            )


def _insert(rows: list[tuple[int, dict[str, Any]]]) -> dict[int, tuple[str, str] | None]:
    """Insert the rows in one statement; ``None`` per inserted row. If a concurrent request
    took one of the external_ids first, fall back to row-by-row inserts and report the
    stored (id, hash) for the rows that lost."""
    created_ids: list = []
    try:
        with transaction.atomic():
            _copy([row for _, row in rows])
            consume_posted(row for _, row in rows)
            created_ids = [row["id"] for _, row in rows]
            _enqueue_on_commit(created_ids)
        return {index: None for index, _ in rows}
    except (IntegrityError, UniqueViolation):
        logger.info("bulk insert raced another request; inserting row by row")
    out: dict[int, tuple[str, str] | None] = {}
    with transaction.atomic():
        for index, row in rows:
            try:
                with transaction.atomic():
                    Transaction(**row).save(force_insert=True)
                    consume_posted([row])
                out[index] = None
                created_ids.append(row["id"])
            except IntegrityError:
                pk, digest = Transaction.objects.values_list("id", "request_hash").get(
                    external_id=row["external_id"]
                )
                out[index] = (str(pk), digest)
        _enqueue_on_commit(created_ids)
    return out


def sweep_pending(*, older_than=None, limit: int | None = None) -> int:
    """Enqueue again what is still pending long after it was enqueued (a lost enqueue, a
    broker outage, a killed worker). Returns how many transactions were re-enqueued."""
    now = timezone.now()
    cutoff = now - (older_than if older_than is not None else conf.sweep_after())
    limit = limit or conf.sweep_limit()
    with transaction.atomic():
        ids = list(
            Transaction.objects.filter(status=Transaction.Status.PENDING, enqueued_at__lt=cutoff)
            .order_by("enqueued_at")
            .values_list("id", flat=True)[:limit]
        )
        if ids:
            Transaction.objects.filter(pk__in=ids, status=Transaction.Status.PENDING).update(
                enqueued_at=now
            )
            _enqueue_on_commit(ids)
    if ids:
        logger.info("re-enqueued %d pending transactions", len(ids))
    return len(ids)


def pending_count() -> int:
    return Transaction.objects.filter(status=Transaction.Status.PENDING).count()
