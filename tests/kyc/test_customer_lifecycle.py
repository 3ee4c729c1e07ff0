"""Status decisions: allowed transitions, webhooks to the exchange, the audit chain."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from core import audit
from core.actors import Actor
from core.errors import InvalidTransition, NotPermitted, ValidationFailed
from core.models import WebhookDelivery
from kyc import services
from kyc.models import Customer

pytestmark = pytest.mark.django_db


def to_verifying(customer, actor):
    services.submit_customer(customer=customer, actor=actor)
    services.begin_verification(customer=customer, actor=actor)
    return customer


def deliveries(event_type):
    return [json.loads(d.body) for d in WebhookDelivery.objects.filter(event_type=event_type)]


def test_submit_moves_draft_to_submitted_and_announces_it_after_commit(
    make_customer, system_actor, django_capture_on_commit_callbacks
):
    from kyc.signals import customer_submitted

    received = []

    def receiver(sender, customer_id, **kwargs):
        received.append(customer_id)

    customer_submitted.connect(receiver, dispatch_uid="test-submitted")
    try:
        customer = make_customer()
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.submit_customer(customer=customer, actor=system_actor)
        assert received == []  # nothing before the commit
        for callback in callbacks:
            callback()
    finally:
        customer_submitted.disconnect(dispatch_uid="test-submitted")
    assert customer.status == Customer.Status.SUBMITTED
    assert received == [customer.pk]


def test_status_change_emits_customer_status_changed_webhook(
    make_customer, system_actor, webhook_endpoint
):
    customer = make_customer()
    services.submit_customer(customer=customer, actor=system_actor)
    [body] = deliveries("customer.status_changed")
    assert body["type"] == "customer.status_changed"
    assert body["data"]["external_id"] == customer.external_id
    assert (body["data"]["previous_status"], body["data"]["status"]) == ("draft", "submitted")
    assert WebhookDelivery.objects.get().endpoint == webhook_endpoint


def test_approval_sets_tier_limits_and_review_date_and_tells_the_exchange(
    make_customer, system_actor, webhook_endpoint
):
    customer = to_verifying(make_customer(), system_actor)
    services.set_risk(customer=customer, actor=system_actor, level="medium", score=40)
    services.approve_customer(customer=customer, actor=system_actor, tier="standard")
    customer.refresh_from_db()
    assert customer.status == "approved"
    assert customer.tier.code == "standard"
    assert customer.limits["daily_pkr"] == customer.tier.daily_limit_pkr
    assert customer.next_review_due is not None
    approved = deliveries("customer.status_changed")[-1]["data"]
    assert approved["status"] == "approved" and approved["tier"] == "standard"
    assert approved["limits"]["monthly_pkr"] == str(customer.tier.monthly_limit_pkr)
    assert "reason" not in approved  # never tip off the customer


def test_a_prohibited_risk_customer_cannot_be_approved(make_customer, system_actor):
    customer = to_verifying(make_customer(), system_actor)
    services.set_risk(customer=customer, actor=system_actor, level="prohibited", score=99)
    with pytest.raises(InvalidTransition, match="prohibited"):
        services.approve_customer(customer=customer, actor=system_actor)


def test_a_draft_cannot_be_approved(make_customer, system_actor):
    with pytest.raises(InvalidTransition):
        services.approve_customer(customer=make_customer(), actor=system_actor)


def test_rejection_needs_a_reason(make_customer, system_actor):
    customer = to_verifying(make_customer(), system_actor)
    with pytest.raises(ValidationFailed):
        services.reject_customer(customer=customer, actor=system_actor, reason=" ")


def test_information_request_goes_to_the_exchange_and_allows_resubmission(
    make_customer, system_actor, webhook_endpoint
):
    customer = to_verifying(make_customer(), system_actor)
    services.request_information(
        customer=customer, actor=system_actor, reason="Upload a utility bill for your address."
    )
    data = deliveries("customer.status_changed")[-1]["data"]
    assert data["status"] == "in_review"
    assert data["information_request"] == "Upload a utility bill for your address."
    services.submit_customer(customer=customer, actor=system_actor)
    assert customer.status == "submitted"
    assert customer.information_requested_at is None


def test_an_in_review_customer_without_a_request_cannot_resubmit(make_customer, system_actor):
    customer = to_verifying(make_customer(), system_actor)
    services.send_to_review(customer=customer, actor=system_actor, reason="PEP")
    with pytest.raises(InvalidTransition):
        services.submit_customer(customer=customer, actor=system_actor)


def test_freeze_emits_customer_frozen_and_zeroes_limits(
    make_customer, system_actor, webhook_endpoint
):
    customer = to_verifying(make_customer(), system_actor)
    services.approve_customer(customer=customer, actor=system_actor)
    services.freeze_customer(customer=customer, actor=system_actor, reason="sanctions match")
    assert customer.status == "frozen"
    assert customer.limits["per_transaction_pkr"] == 0
    [frozen] = deliveries("customer.frozen")
    assert frozen["data"]["external_id"] == customer.external_id
    assert deliveries("customer.status_changed")[-1]["data"]["status"] == "frozen"


def test_unfreeze_needs_the_freeze_permission_and_restores_the_status(
    make_customer, system_actor, staff_user
):
    customer = to_verifying(make_customer(), system_actor)
    services.approve_customer(customer=customer, actor=system_actor)
    mlro, analyst = staff_user("MLRO"), staff_user("Analyst")
    services.freeze_customer(customer=customer, actor=Actor.for_user(mlro), reason="match")
    with pytest.raises(NotPermitted):
        services.unfreeze_customer(customer=customer, actor=Actor.for_user(analyst), reason="fp")
    services.unfreeze_customer(customer=customer, actor=Actor.for_user(mlro), reason="fp")
    assert customer.status == "approved"


def test_an_api_key_cannot_lift_a_freeze(make_customer, system_actor):
    from core.api_keys import create_api_key

    key, _ = create_api_key(name="exchange-x", scopes=["*"], actor=system_actor)
    customer = make_customer()
    services.freeze_customer(customer=customer, actor=system_actor, reason="match")
    with pytest.raises(NotPermitted):
        services.unfreeze_customer(customer=customer, actor=Actor.for_api_key(key), reason="x")


def test_every_officer_decision_is_in_the_audit_chain_with_its_reason(
    make_customer, system_actor, staff_user
):
    officer = Actor.for_user(staff_user("Analyst"))
    mlro = Actor.for_user(staff_user("MLRO"))
    approved = to_verifying(make_customer(), system_actor)
    services.approve_customer(customer=approved, actor=officer, reason="documents verified")
    rejected = to_verifying(make_customer(), system_actor)
    services.reject_customer(customer=rejected, actor=officer, reason="forged utility bill")
    asked = to_verifying(make_customer(), system_actor)
    services.request_information(customer=asked, actor=officer, reason="Send a payslip.")
    services.send_to_review(customer=approved, actor=officer, reason="adverse media")
    services.freeze_customer(customer=approved, actor=officer, reason="sanctions match")
    services.unfreeze_customer(customer=approved, actor=mlro, reason="false positive")

    expected = [
        (approved, "customer.approved", "documents verified"),
        (rejected, "customer.rejected", "forged utility bill"),
        (asked, "customer.information_requested", "Send a payslip."),
        (approved, "customer.sent_to_review", "adverse media"),
        (approved, "customer.frozen", "sanctions match"),
        (approved, "customer.unfrozen", "false positive"),
    ]
    for customer, action, reason in expected:
        event = audit.events_for(customer).get(action=action)
        assert event.reason == reason
        assert event.actor_user is not None
    assert audit.verify_chain().intact


def test_an_officer_approval_needs_a_reason(make_customer, system_actor, staff_user):
    customer = to_verifying(make_customer(), system_actor)
    with pytest.raises(ValidationFailed):
        services.approve_customer(customer=customer, actor=Actor.for_user(staff_user("MLRO")))


def test_expired_id_blocks_approval(make_customer, system_actor):
    customer = to_verifying(make_customer(), system_actor)
    Customer.objects.filter(pk=customer.pk).update(
        id_expiry_date=timezone.localdate() - timedelta(days=1)
    )
    with pytest.raises(InvalidTransition, match="expired"):
        services.approve_customer(customer=customer, actor=system_actor)


def test_closed_customer_frees_the_cnic_for_a_new_account(make_customer, system_actor):
    first = make_customer()
    services.close_customer(customer=first, actor=system_actor, reason="customer request")
    second = make_customer(id_number=first.id_number)
    assert second.id_number == first.id_number


def test_wallet_registration_is_announced(
    make_customer, system_actor, django_capture_on_commit_callbacks
):
    from kyc.signals import wallet_registered

    seen = []
    wallet_registered.connect(
        lambda sender, **kw: seen.append(kw), dispatch_uid="t-wallet", weak=False
    )
    try:
        customer = make_customer()
        with django_capture_on_commit_callbacks(execute=True):
            wallet, created = services.register_wallet(
                customer=customer,
                actor=system_actor,
                chain="ethereum",
                address="0x52908400098527886E0F7030069857D2E4169EE7",
            )
    finally:
        wallet_registered.disconnect(dispatch_uid="t-wallet")
    assert created
    assert [(s["customer_id"], s["wallet_id"]) for s in seen] == [(customer.pk, wallet.pk)]
