"""Nothing lost: a real Celery worker killed in the middle of a batch, another one finishing."""

from __future__ import annotations

import os
import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Count
from monitoring_fixtures import ACTOR, T0, cash_deposit, make_customer, tx_body

from compliance.monitoring import services
from compliance.monitoring.models import Alert, Transaction

pytestmark = pytest.mark.worker
CUSTOMERS = 12
PER_CUSTOMER = 100


def _children(pid: int) -> list[int]:
    """The worker's pool processes (the ones running tasks)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _kill_with_pool(worker) -> None:
    for child in _children(worker.process.pid):
        os.kill(child, signal.SIGKILL)
    worker.kill()


def _batch_in_flight() -> bool:
    """A worker connection is inside a transaction (holding a batch's row locks)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction') "
            "AND backend_type = 'client backend'"
        )
        return cursor.fetchone()[0] > 0


def _screened() -> int:
    return Transaction.objects.filter(status=Transaction.Status.SCREENED).count()


def _load() -> int:
    """Each customer: one structuring episode, one large cash deposit, small bank deposits."""
    total = 0
    for _ in range(CUSTOMERS):
        customer = make_customer()
        items = [
            cash_deposit(customer, amount, T0 + timedelta(hours=h))
            for amount, h in (("1850000.00", 1), ("1900000.00", 20), ("1950000.00", 40))
        ]
        items.append(cash_deposit(customer, "2500000.00", T0 + timedelta(days=10)))
        items += [
            tx_body(customer, amount_pkr=f"{1000 + i}.00", at=T0 + timedelta(hours=3 * i + 2))
            for i in range(PER_CUSTOMER - len(items))
        ]
        results = services.ingest_bulk(items=items, actor=ACTOR)
        assert {r.status for r in results} == {"created"}
        total += len(items)
    return total


@pytest.fixture
def own_queue(settings):
    """This test's own evaluation queue on the shared broker, deleted afterwards."""
    from config.celery import app

    name = f"monitoring-test-{os.getpid()}"
    settings.MONITORING_QUEUE = name
    yield name
    with app.connection_for_write() as conn:
        conn.default_channel.queue_delete(name)


def test_a_worker_killed_mid_batch_loses_nothing_and_duplicates_no_alert(
    own_queue, real_worker, django_db_serialized_rollback, settings, monkeypatch
):
    queue = own_queue
    settings.MONITORING_BATCH_SIZE = 100
    with monkeypatch.context() as patch:
        patch.setattr(services.ingest, "enqueue_evaluation", lambda ids: 0)
        total = _load()  # committed, pending, not yet enqueued
    assert Transaction.objects.filter(status=Transaction.Status.PENDING).count() == total

    # One batch per message (no claiming of the customers' other pending transactions), so the
    # kill lands inside one batch among several.
    one_at_a_time = {"MONITORING_BATCH_MAX": "100"}
    first = real_worker(queues=queue, concurrency=1, extra_env=one_at_a_time)
    ids = Transaction.objects.order_by("customer_id", "occurred_at").values_list("id", flat=True)
    assert services.enqueue_evaluation(list(ids)) == total // 100
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if _screened() >= 150 and _batch_in_flight():
            break
        time.sleep(0.02)
    else:
        raise AssertionError("the first worker made no progress:\n" + first.output()[-3000:])
    _kill_with_pool(first)
    after_kill = _screened()
    assert 0 < after_kill < total, "the kill must land mid-way"

    second = real_worker(queues=queue, concurrency=2, extra_env=one_at_a_time)
    deadline = time.monotonic() + 90
    swept = False
    while _screened() < total and time.monotonic() < deadline:
        time.sleep(0.2)
        if not swept and time.monotonic() > deadline - 60:
            # The unacknowledged batch comes back from the broker; if it did not, the sweeper
            # is the safety net it exists to be.
            swept = services.sweep_pending(older_than=timedelta(0)) > 0
    assert _screened() == total, second.output()[-3000:]

    duplicates = (
        Alert.objects.values("rule_id", "is_shadow", "dedupe_key")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not duplicates.exists()
    per_typology = Alert.objects.filter(is_shadow=False).values("typology").annotate(n=Count("id"))
    counts = {row["typology"]: row["n"] for row in per_typology}
    assert counts["STRUCTURING"] == CUSTOMERS and counts["LARGE_CASH"] == CUSTOMERS
    assert all(a.transactions.count() == 3 for a in Alert.objects.filter(typology="STRUCTURING"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")  # the test's own connection is healthy after the kill
