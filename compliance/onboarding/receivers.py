"""kyc's events -> onboarding tasks. Connected in ComplianceConfig.ready().

kyc sends its signals after the commit, so the task always finds the committed customer.
"""

from __future__ import annotations

import logging

from kyc.signals import customer_profile_changed, customer_submitted

log = logging.getLogger(__name__)


def enqueue_assessment(sender, customer_id, **kwargs) -> None:
    from compliance.onboarding.tasks import assess_customer_task

    try:
        assess_customer_task.delay(str(customer_id))
    except Exception:  # broker down, or (eager mode) the assessment failed: the sweeper retries
        log.exception("onboarding assessment of %s not started", customer_id)


def enqueue_rescore(sender, customer_id, changed_fields=(), **kwargs) -> None:
    from compliance.onboarding.tasks import rescore_customer_task

    try:
        rescore_customer_task.delay(str(customer_id))
    except Exception:
        log.exception("re-scoring of %s not started", customer_id)


def connect() -> None:
    customer_submitted.connect(enqueue_assessment, dispatch_uid="compliance-onboarding-assess")
    customer_profile_changed.connect(enqueue_rescore, dispatch_uid="compliance-onboarding-rescore")
