"""The demo stack end to end, as a user runs it: `make demo`'s supervisor on a private port and
data directory, 8 API clients, the sample month, and the worker killed with SIGKILL half-way."""

from __future__ import annotations

import pytest
from demo_stack import (
    DemoStack,
    drive,
    sample_customers,
    sample_transactions,
    wait_until_settled,
)

pytestmark = pytest.mark.worker


def test_the_demo_stack_onboards_and_monitors_under_load_through_a_killed_worker(tmp_path):
    stack = DemoStack(
        tmp_path / "demo",
        # Sweepers act sooner than in production so the test need not wait minutes.
        extra_env={
            "MONITORING_SWEEP_AFTER_SECONDS": "15",
            "ONBOARDING_SWEEP_AFTER_SECONDS": "15",
            "CELERY_VISIBILITY_TIMEOUT": "30",
        },
    ).start()
    try:
        # manage.py in "another terminal" reaches the same embedded database.
        key = stack.api_key()
        customers = sample_customers()
        transactions = sample_transactions()
        killed: dict[str, int] = {}

        def kill_worker() -> None:
            killed["pid"] = stack.kill("worker")

        statuses = drive(
            stack.base_url, key, customers, transactions, clients=8, halfway=kill_worker
        )
        assert not [code for code in statuses if code >= 500], statuses
        assert statuses[201] >= len(customers), statuses
        # The supervisor brought the worker back.
        stack.wait_restarted("worker", killed["pid"])

        state = wait_until_settled(stack, timeout=240)
        assert state == {"customers_in_flight": 0, "transactions_pending": 0}, (
            state,
            stack.output()[-3000:],
        )
        stored = stack.query("SELECT count(*) FROM monitoring_transaction")[0][0]
        assert stored == len(transactions)
        assert stack.query("SELECT count(*) FROM monitoring_alert")[0][0] > 0
    finally:
        code = stack.stop()
    assert code == 0, stack.output()[-3000:]
    assert "worker exited (-9)" in stack.output()
    # Clean shutdown: the embedded PostgreSQL stopped with the supervisor.
    assert not (tmp_path / "demo" / "pg" / "postmaster.pid").exists()


def test_a_second_start_on_the_same_data_directory_reuses_the_data(tmp_path):
    first = DemoStack(tmp_path / "demo").start()
    try:
        first.api_key("kept")
    finally:
        assert first.stop() == 0
    second = DemoStack(tmp_path / "demo").start()
    try:
        assert second.query("SELECT count(*) FROM core_apikey WHERE name = 'kept'") == [(1,)]
        assert second.ready_after is not None and second.ready_after < 60
    finally:
        assert second.stop() == 0
