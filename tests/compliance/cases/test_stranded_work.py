"""No stranded states: what a lost message or a killed worker interrupts, a sweeper drives on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_a_confirmed_match_whose_strf_task_was_lost_is_drafted_by_the_sweeper(
    make_customer, make_hit
):
    from reporting.models import Report
    from reporting.tasks import sweep_lost_drafts

    customer = make_customer()
    hit = make_hit(
        customer, status="true_match", confirmed_at=timezone.now() - timedelta(minutes=10)
    )
    fresh = make_hit(make_customer(), status="true_match", confirmed_at=timezone.now())

    assert sweep_lost_drafts() == 1
    assert Report.objects.filter(origin=f"screening_hit:{hit.pk}").count() == 1
    # A draft that is merely slow is left to its own task.
    assert not Report.objects.filter(origin=f"screening_hit:{fresh.pk}").exists()
    # Drafted once: the next sweep finds nothing lost.
    assert sweep_lost_drafts() == 0


def test_a_rescreen_that_never_finished_is_planned_again(make_customer, make_hit):
    from compliance.screening.models import WatchlistVersion
    from compliance.screening.tasks import sweep_rescreens

    hit = make_hit(make_customer())
    version = hit.list_version
    WatchlistVersion.objects.filter(pk=version.pk).update(
        imported_at=timezone.now() - timedelta(hours=2),
        rescreen_started_at=timezone.now() - timedelta(hours=2),
        rescreen_finished_at=None,
    )
    assert sweep_rescreens() == 1
    version.refresh_from_db()
    assert version.rescreen_finished_at is not None
    assert sweep_rescreens() == 0


def test_a_backtest_whose_worker_died_mid_run_is_run_again(make_customer):
    from compliance.monitoring.models import Backtest, Rule
    from compliance.monitoring.tasks import sweep_backtests

    rule = Rule.objects.filter(status=Rule.Status.ACTIVE).exclude(active_version=None).first()
    now = timezone.now()
    stranded = Backtest.objects.create(
        rule_version=rule.active_version,
        date_from=now - timedelta(days=2),
        date_to=now,
        status=Backtest.Status.RUNNING,
        started_at=now - timedelta(hours=1),
    )
    running = Backtest.objects.create(
        rule_version=rule.active_version,
        date_from=now - timedelta(days=2),
        date_to=now,
        status=Backtest.Status.RUNNING,
        started_at=now,
    )
    assert sweep_backtests() == 1
    stranded.refresh_from_db()
    running.refresh_from_db()
    assert stranded.status == Backtest.Status.DONE, stranded.error
    assert running.status == Backtest.Status.RUNNING


def test_a_customer_whose_assessment_task_was_lost_reaches_a_decision(make_customer):
    from compliance.onboarding.tasks import sweep_submitted_task
    from kyc.models import Customer

    customer = make_customer(status=Customer.Status.SUBMITTED)
    Customer.objects.filter(pk=customer.pk).update(
        status_changed_at=timezone.now() - timedelta(minutes=5)
    )
    assert sweep_submitted_task() == 1
    customer.refresh_from_db()
    assert customer.status not in (Customer.Status.SUBMITTED, Customer.Status.VERIFYING)
