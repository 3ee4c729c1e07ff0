"""Celery tasks of the compliance app (autodiscovered); each concept adds its import line."""

from compliance.onboarding.tasks import (  # noqa: F401
    assess_customer_task,
    rescore_all_task,
    rescore_customer_task,
    sweep_submitted_task,
)
