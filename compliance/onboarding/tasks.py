"""Onboarding tasks (queue ``screening`` by the ``compliance.onboarding.*`` route)."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from compliance.onboarding import poison, services


@shared_task(name="compliance.onboarding.assess_customer", ignore_result=True)
def assess_customer_task(customer_id: str) -> str | None:
    assessment = poison.assess_isolating(customer_id)  # a failing one is set aside
    return assessment.status if assessment else None


@shared_task(name="compliance.onboarding.rescore_customer", ignore_result=True)
def rescore_customer_task(customer_id: str) -> None:
    services.rescore_customer(customer_id)


@shared_task(name="compliance.onboarding.rescore_all", ignore_result=True)
def rescore_all_task(batch_size: int = 2000) -> dict:
    report = services.rescore_all(batch_size=batch_size)
    return {"scored": report.scored, "level_changed": report.level_changed}


@shared_task(name="compliance.onboarding.sweep_submitted", ignore_result=True)
def sweep_submitted_task() -> int:
    """Beat: re-enqueue assessments whose task was lost."""
    from kyc.models import Customer

    # A customer still submitted/verifying after this long lost its task (broker down at
    # submit, worker killed): enqueue it again; the assessment is safe to repeat.
    cutoff = timezone.now() - timedelta(seconds=settings.ONBOARDING_SWEEP_AFTER_SECONDS)
    stuck = (
        Customer.objects.filter(
            status__in=[Customer.Status.SUBMITTED, Customer.Status.VERIFYING],
            status_changed_at__lt=cutoff,
        )
        .exclude(pk__in=poison.set_aside())
        .values_list("pk", flat=True)[:1000]
    )
    ids = [str(pk) for pk in stuck]
    for customer_id in ids:
        assess_customer_task.delay(customer_id)
    return len(ids)
