"""kyc's events -> onboarding. Connected in ComplianceConfig.ready().

kyc sends its signals after the commit, so the task always finds the committed customer.

Officers can decide a customer in kyc's admin as well as on the assessment's pages. Two hooks
keep the two in step without kyc importing compliance: kyc's ``customer_decided`` closes the
assessment still in review with the officer's decision (``close_after_kyc_decision``), and
compliance registers an approval guard with kyc, so kyc refuses any approval while a screening
hit is undecided - the check the assessment's own approvals make (``has_open_hits``). A guard
rather than sending kyc's officers to the assessment page: it also covers approvals with no
assessment open (a suspended customer re-approved after a rescreening hit).
"""

from __future__ import annotations

import logging

from kyc.signals import customer_decided, customer_profile_changed, customer_submitted

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


def close_assessment(
    sender, customer_id, status, actor_label, actor_user_id=None, reason="", **kwargs
) -> None:
    from django.contrib.auth import get_user_model

    from compliance.onboarding.services import close_after_kyc_decision
    from core.actors import Actor

    user = get_user_model().objects.filter(pk=actor_user_id).first() if actor_user_id else None
    actor = Actor.for_user(user) if user is not None else Actor.automated(f"kyc:{actor_label}")
    try:
        close_after_kyc_decision(customer_id=customer_id, status=status, actor=actor, reason=reason)
    except Exception:  # the kyc decision is committed; an officer closes the assessment by hand
        log.exception("onboarding assessment of %s not closed after the kyc decision", customer_id)


def connect() -> None:
    from compliance.onboarding.screening_step import refuse_with_open_hits
    from kyc.services import register_approval_guard

    customer_submitted.connect(enqueue_assessment, dispatch_uid="compliance-onboarding-assess")
    customer_profile_changed.connect(enqueue_rescore, dispatch_uid="compliance-onboarding-rescore")
    customer_decided.connect(close_assessment, dispatch_uid="compliance-onboarding-kyc-decision")
    register_approval_guard("compliance.undecided_screening_hits", refuse_with_open_hits)
