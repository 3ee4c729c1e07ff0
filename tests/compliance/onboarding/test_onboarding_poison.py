"""An assessment that fails on one customer is set aside as a dead letter and left out of the
sweeper; the other customers are assessed; an officer's retry assesses it again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from compliance.onboarding.tasks import assess_customer_task, sweep_submitted_task
from core.models import DeadLetter
from kyc.models import Customer
from kyc.verification import SandboxVerisys

pytestmark = pytest.mark.django_db
BROKEN = {"value": None}


class FlakyProvider(SandboxVerisys):
    """The sandbox, except for one ID number its answer cannot be read (a provider bug)."""

    def verify(self, query):
        if query.id_number == BROKEN["value"]:
            raise KeyError("response_code")
        return super().verify(query)


def test_a_failing_assessment_is_set_aside_and_the_others_proceed(
    submitted, settings, staff_user, django_capture_on_commit_callbacks
):
    settings.IDENTITY_PROVIDER = f"{__name__}.FlakyProvider"
    settings.TWO_FACTOR_REQUIRED_GROUPS = []
    poisoned, good = submitted(), submitted()
    BROKEN["value"] = poisoned.id_number
    try:
        assess_customer_task.delay(str(poisoned.pk))
        assess_customer_task.delay(str(good.pk))

        good.refresh_from_db()
        assert good.status == Customer.Status.APPROVED
        letter = DeadLetter.objects.get(kind="onboarding.customer")
        assert letter.item_id == str(poisoned.pk) and "KeyError" in letter.error
        # Stuck in verification, but the sweeper no longer enqueues it every ten minutes.
        Customer.objects.filter(pk=poisoned.pk).update(
            status_changed_at=timezone.now() - timedelta(hours=1)
        )
        assert sweep_submitted_task() == 0

        BROKEN["value"] = None  # the provider is fixed; an officer retries
        officer = Client()
        officer.force_login(staff_user("MLRO"))
        with django_capture_on_commit_callbacks(execute=True):
            officer.post(
                "/admin/core/deadletter/", {"action": "retry", "_selected_action": [letter.pk]}
            )
        poisoned.refresh_from_db()
        assert poisoned.status == Customer.Status.APPROVED
        letter.refresh_from_db()
        assert letter.status == "retried" and letter.retried_by
    finally:
        BROKEN["value"] = None
