"""The hourly CTR job survives a transaction it cannot draft: a real worker drafts the others
and sets that one aside for the officers."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from core.models import DeadLetter
from reporting import tasks
from reporting.models import Report

pytestmark = pytest.mark.worker


def test_the_hourly_ctr_job_sets_aside_what_it_cannot_draft(real_worker, customer, make_tx):
    good = [make_tx(customer) for _ in range(3)]
    # Stored before the API bounded occurred_at: the due date cannot be computed for it.
    poisoned = make_tx(customer, occurred_at=datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC))
    worker = real_worker(queues="reports", concurrency=1)

    tasks.generate_ctrs.apply_async(queue="reports")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if Report.objects.filter(kind="CTR").count() == 3 and DeadLetter.objects.exists():
            break
        time.sleep(0.2)
    else:
        raise AssertionError("the CTR job stopped:\n" + worker.output()[-3000:])

    drafted = set(Report.objects.filter(kind="CTR").values_list("transactions", flat=True))
    assert drafted == {tx.pk for tx in good}
    letter = DeadLetter.objects.get()
    assert (letter.kind, letter.item_id, letter.status) == (
        "reporting.ctr",
        str(poisoned.pk),
        "open",
    )

    # The next run drafts a new transaction, and leaves the set-aside one alone.
    late = make_tx(customer)
    tasks.generate_ctrs.apply_async(queue="reports")
    deadline = time.monotonic() + 30
    while Report.objects.filter(kind="CTR").count() < 4 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert Report.objects.filter(kind="CTR", transactions=late).exists(), worker.output()[-3000:]
    letter.refresh_from_db()
    assert letter.attempts == 1
