"""A batch never queues behind another worker's customers: it evaluates the customers it can
lock, sends the others on as a batch of their own, and after MONITORING_DEFER_MAX deferrals
waits for the lock instead (so no transaction is deferred forever)."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from monitoring_fixtures import *  # noqa: F403

from compliance.monitoring import dispatch
from compliance.monitoring.models import Transaction
from compliance.monitoring.services import evaluate_batch
from compliance.monitoring.services.evaluation import CUSTOMER_LOCK_SPACE, _lock_key

pytestmark = pytest.mark.django_db


class OtherWorker:
    """A second database session holding a customer's evaluation lock, as a worker in the
    middle of that customer's batch does."""

    def __init__(self, customer_id) -> None:
        db = connection.settings_dict
        params = {"dbname": db["NAME"], "user": db["USER"], "host": db["HOST"] or "127.0.0.1"}
        if db["PORT"]:
            params["port"] = db["PORT"]
        if db["PASSWORD"]:
            params["password"] = db["PASSWORD"]
        self.conn = psycopg.connect(**params, autocommit=True)
        self.key = _lock_key(str(customer_id))
        self.conn.execute("SELECT pg_advisory_lock(%s, %s)", [CUSTOMER_LOCK_SPACE, self.key])

    def release(self) -> None:
        self.conn.execute("SELECT pg_advisory_unlock(%s, %s)", [CUSTOMER_LOCK_SPACE, self.key])

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def sent(monkeypatch):
    """What the batch sends on (instead of the broker)."""
    out: list[tuple[list[str], dict]] = []
    previous = dispatch._senders.get(dispatch.EVALUATE_BATCH)
    dispatch.register(dispatch.EVALUATE_BATCH, lambda ids, **options: out.append((ids, options)))
    yield out
    if previous is not None:
        dispatch.register(dispatch.EVALUATE_BATCH, previous)


def _status(*ids: str) -> list[str]:
    by_id = dict(Transaction.objects.filter(pk__in=ids).values_list("id", "status"))
    return [by_id[uuid.UUID(i)] for i in ids]


def test_a_held_customer_is_sent_on_and_the_free_one_evaluated(
    sent, django_capture_on_commit_callbacks
):
    busy, free = make_customer(), make_customer()  # noqa: F405
    busy_tx = [ingest(tx_body(busy, at=T0 + timedelta(hours=h))) for h in (1, 2)]  # noqa: F405
    free_tx = ingest(tx_body(free, at=T0))  # noqa: F405
    other = OtherWorker(busy.pk)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            outcome = evaluate_batch(transaction_ids=[*busy_tx, free_tx])
    finally:
        other.close()
    assert (outcome.screened, outcome.deferred, outcome.skipped) == (1, 2, 0)
    assert _status(free_tx, *busy_tx) == ["screened", "pending", "pending"]
    assert len(sent) == 1
    ids, options = sent[0]
    assert sorted(ids) == sorted(busy_tx)
    assert options["deferrals"] == 1

    # The lock is free again (that worker committed): the sent-on batch evaluates them.
    again = evaluate_batch(transaction_ids=ids, deferrals=options["deferrals"])
    assert (again.screened, again.deferred) == (2, 0)
    assert _status(*busy_tx) == ["screened", "screened"]


def test_after_the_last_deferral_the_batch_waits_for_the_lock(sent, settings):
    settings.MONITORING_DEFER_MAX = 2
    busy = make_customer()  # noqa: F405
    tx = ingest(tx_body(busy, at=T0))  # noqa: F405
    other = OtherWorker(busy.pk)
    released = threading.Event()

    def release_soon() -> None:
        time.sleep(0.5)
        other.release()
        released.set()

    releaser = threading.Thread(target=release_soon)
    releaser.start()
    try:
        started = time.monotonic()
        outcome = evaluate_batch(transaction_ids=[tx], deferrals=2)
        waited = time.monotonic() - started
    finally:
        releaser.join()
        other.close()
    assert released.is_set() and waited >= 0.4
    assert (outcome.screened, outcome.deferred) == (1, 0)
    assert sent == []
    assert _status(tx) == ["screened"]


def test_a_broker_refusing_the_deferred_batch_leaves_them_pending_for_the_sweeper(
    monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(ids, **options):
        raise ConnectionError("broker down")

    previous = dispatch._senders.get(dispatch.EVALUATE_BATCH)
    dispatch.register(dispatch.EVALUATE_BATCH, refuse)
    busy = make_customer()  # noqa: F405
    tx = ingest(tx_body(busy, at=T0))  # noqa: F405
    other = OtherWorker(busy.pk)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            outcome = evaluate_batch(transaction_ids=[tx])
    finally:
        other.close()
        if previous is not None:
            dispatch.register(dispatch.EVALUATE_BATCH, previous)
    assert outcome.deferred == 1
    row = Transaction.objects.get(pk=tx)
    assert row.status == "pending" and row.enqueued_at is not None  # the sweeper's to send
