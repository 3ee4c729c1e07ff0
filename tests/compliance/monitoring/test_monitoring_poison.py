"""One poisoned transaction never stops monitoring: a real worker sets it aside, the good
transactions of its batch alert within the sweep interval, and an officer can retry it."""

from __future__ import annotations

import os
import time
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from monitoring_fixtures import T0, cash_deposit, make_customer

from compliance.monitoring import services
from compliance.monitoring.models import Alert, Transaction
from compliance.monitoring.tasks import sweep_pending
from core.models import AuditEvent, DeadLetter

pytestmark = pytest.mark.worker
SWEEP_INTERVAL = 60  # seconds: the beat schedule of compliance.monitoring.sweep_pending


def _store_year_10000(transaction_id: str) -> None:
    """What old databases hold: ``9999-12-31T23:59:59-05:00`` was accepted before the API
    bounded ``occurred_at``; in UTC it is year 10000, beyond Python's datetime."""
    table = Transaction._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET occurred_at = '10000-01-01 04:59:59+00' WHERE id = %s",
            [transaction_id],
        )


@pytest.fixture
def refused_by_the_database():
    """``refuse(id)``: from now on the database refuses to mark that transaction screened, as
    it would a corrupt row: a failure the evaluation cannot foresee, in the worker's process."""
    table = Transaction._meta.db_table

    def refuse(transaction_id: str) -> None:
        uuid.UUID(transaction_id)  # only a UUID goes into the function's text
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE FUNCTION test_poisoned_row() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN IF NEW.id = '{transaction_id}'::uuid AND NEW.status = 'screened' THEN "
                "RAISE EXCEPTION 'poisoned row'; END IF; RETURN NEW; END $$"
            )
            cursor.execute(
                f"CREATE TRIGGER test_poisoned_row BEFORE UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION test_poisoned_row()"
            )

    yield refuse
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER IF EXISTS test_poisoned_row ON {table}")
        cursor.execute("DROP FUNCTION IF EXISTS test_poisoned_row()")


@pytest.fixture
def own_queue(settings):
    from config.celery import app

    name = f"monitoring-poison-{os.getpid()}"
    settings.MONITORING_QUEUE = name
    yield name
    with app.connection_for_write() as conn:
        conn.default_channel.queue_delete(name)


def test_a_poisoned_transaction_is_set_aside_and_its_batch_alerts(
    own_queue, real_worker, api_client, staff_user, settings, monkeypatch, refused_by_the_database
):
    settings.TWO_FACTOR_REQUIRED_GROUPS = []
    customer = make_customer()
    good = [cash_deposit(customer, "2500000.00", T0 + timedelta(days=i, hours=1)) for i in range(5)]
    poisoned = cash_deposit(customer, "2500000.00", T0 + timedelta(days=9))
    with monkeypatch.context() as patch:  # the broker was down when they arrived
        patch.setattr(services.ingest, "enqueue_evaluation", lambda ids: 0)
        response = api_client.post(
            "/api/v1/transactions/bulk/", {"transactions": [poisoned, *good]}, format="json"
        )
    assert response.status_code in (200, 201, 207), response.content
    ids = [item["id"] for item in response.json()["results"]]
    poisoned_id, good_ids = ids[0], ids[1:]
    _store_year_10000(poisoned_id)  # read at the nearest bound, as old databases hold it
    refused_by_the_database(poisoned_id)
    Transaction.objects.update(enqueued_at=timezone.now() - timedelta(minutes=10))

    worker = real_worker(queues=own_queue, concurrency=1, extra_env={"MONITORING_QUEUE": own_queue})
    sweep_pending.apply_async(queue=own_queue)  # the beat's sweep: all six in one batch
    deadline = time.monotonic() + SWEEP_INTERVAL
    while time.monotonic() < deadline:
        screened = Transaction.objects.filter(pk__in=good_ids, status="screened").count()
        if screened == 5 and DeadLetter.objects.filter(item_id=poisoned_id).exists():
            break
        time.sleep(0.2)
    else:
        raise AssertionError("the batch did not get past its poison:\n" + worker.output()[-3000:])

    alerted = set(
        Alert.objects.filter(typology="LARGE_CASH", is_shadow=False).values_list(
            "transactions__id", flat=True
        )
    )
    assert {str(pk) for pk in alerted} >= set(good_ids)
    for tx_id in good_ids:
        body = api_client.get(f"/api/v1/transactions/{tx_id}/").json()
        assert body["status"] == "screened"

    letter = DeadLetter.objects.get(kind="monitoring.transaction", item_id=poisoned_id)
    assert letter.status == "open" and letter.attempts == 1
    assert "poisoned row" in letter.error
    # Parked: the sweeper no longer puts it back, and everyone can still list transactions.
    assert Transaction.objects.get(pk=poisoned_id).status == "pending"
    assert services.sweep_pending(older_than=timedelta(0)) == 0
    listed = api_client.get("/api/v1/transactions/")
    assert listed.status_code == 200 and listed.json()["count"] == 6

    # The officers see it and retry it: it fails again and is set aside again, audited.
    officer = Client()
    officer.force_login(staff_user("MLRO"))
    page = officer.get("/admin/core/deadletter/")
    assert page.status_code == 200 and poisoned_id in page.content.decode()
    assert officer.get("/admin/monitoring/transaction/").status_code == 200
    answer = officer.post(
        "/admin/core/deadletter/",
        {"action": "retry", "_selected_action": [str(letter.pk)]},
    )
    assert answer.status_code == 302
    assert AuditEvent.objects.filter(
        action="dead_letter.retried", object_id=str(letter.pk)
    ).exists()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        letter.refresh_from_db()
        if letter.attempts == 2:
            break
        time.sleep(0.2)
    assert letter.status == "open" and letter.attempts == 2, worker.output()[-3000:]
