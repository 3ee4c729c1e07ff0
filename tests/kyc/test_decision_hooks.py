"""What kyc offers the apps above it around decisions: the ``customer_decided`` event after an
officer's approval or rejection, and approval guards they register (kyc imports neither)."""

from __future__ import annotations

import pytest

from core.actors import Actor
from core.errors import InvalidTransition
from kyc import services
from kyc.services import decisions
from kyc.signals import customer_decided


@pytest.fixture
def verifying(make_customer, system_actor):
    def make():
        customer = make_customer()
        services.submit_customer(customer=customer, actor=system_actor)
        services.begin_verification(customer=customer, actor=system_actor)
        return customer

    return make


@pytest.fixture
def announced():
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    customer_decided.connect(receiver, dispatch_uid="tests-kyc-decided")
    yield received
    customer_decided.disconnect(dispatch_uid="tests-kyc-decided")


def test_an_officers_decision_is_announced_after_the_commit(
    verifying, staff_user, announced, django_capture_on_commit_callbacks
):
    officer = staff_user("Analyst")
    approved, rejected = verifying(), verifying()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.approve_customer(customer=approved, actor=Actor.for_user(officer), reason="ok")
        services.reject_customer(customer=rejected, actor=Actor.for_user(officer), reason="no")
    assert announced == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert [
        (a["customer_id"], a["status"], a["reason"], a["actor_user_id"]) for a in announced
    ] == [
        (approved.pk, "approved", "ok", officer.pk),
        (rejected.pk, "rejected", "no", officer.pk),
    ]
    assert announced[0]["actor_label"] == officer.get_username()


def test_a_decision_by_nigraan_itself_is_not_announced(
    verifying, system_actor, announced, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_customer(customer=verifying(), actor=system_actor)
    assert announced == []


def test_a_registered_approval_guard_can_refuse_an_approval(verifying, system_actor):
    customer = verifying()
    services.register_approval_guard("tests.refuse_all", lambda locked: "not today")
    try:
        with pytest.raises(InvalidTransition, match="not today"):
            services.approve_customer(customer=customer, actor=system_actor)
    finally:
        decisions._approval_guards.pop("tests.refuse_all")
    services.approve_customer(customer=customer, actor=system_actor)
    assert customer.status == "approved"
