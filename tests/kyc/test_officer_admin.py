"""The officers' admin: queues, the customer file, decisions with reasons, audited reveals."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from core import audit
from kyc import services
from kyc.models import Customer

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


@pytest.fixture(autouse=True)
def no_two_factor_for_tests(settings, tmp_path):
    settings.TWO_FACTOR_REQUIRED_GROUPS = []
    settings.MEDIA_ROOT = tmp_path


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def verifying(make_customer, actor, **overrides):
    customer = make_customer(**overrides)
    services.submit_customer(customer=customer, actor=actor)
    services.begin_verification(customer=customer, actor=actor)
    return customer


def decide_url(decision, customer):
    return reverse("admin:kyc_customer_decide", args=[decision]) + f"?ids={customer.pk}"


def test_queues_filter_by_status_and_risk(staff_user, make_customer):
    make_customer()
    client = client_for(staff_user("Analyst"))
    url = reverse("admin:kyc_customer_changelist")
    for query in ("", "?status__exact=draft", "?risk_level__exact=high", "?review=overdue"):
        assert client.get(url + query).status_code == 200


def test_customer_page_shows_history_and_a_masked_id_only(staff_user, make_customer, system_actor):
    customer = make_customer()
    services.update_customer(customer=customer, actor=system_actor, changes={"email": "n@x.pk"})
    response = client_for(staff_user("Auditor")).get(
        reverse("admin:kyc_customer_change", args=[customer.pk])
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert customer.id_number not in page
    assert customer.id_number_masked in page
    assert "profile history" in page.lower() and "n@x.pk" in page
    assert "reveal" not in page.lower()  # auditors may not reveal


def test_reveal_shows_the_number_and_is_audited(staff_user, make_customer):
    customer = make_customer()
    analyst = staff_user("Analyst")
    client = client_for(analyst)
    page = client.get(reverse("admin:kyc_customer_change", args=[customer.pk])).content.decode()
    assert "Reveal ID number" in page
    response = client.get(reverse("admin:kyc_customer_reveal", args=[customer.pk]))
    assert response.status_code == 200
    assert customer.id_number in response.content.decode()
    event = audit.events_for(customer).get(action="customer.id_number_revealed")
    assert event.actor_user == analyst


def test_reveal_is_refused_without_the_permission(staff_user, make_customer):
    customer = make_customer()
    response = client_for(staff_user("Auditor")).get(
        reverse("admin:kyc_customer_reveal", args=[customer.pk])
    )
    assert response.status_code == 403
    assert not audit.events_for(customer).filter(action="customer.id_number_revealed").exists()


def test_approval_from_the_admin_requires_a_reason(staff_user, make_customer, system_actor):
    customer = verifying(make_customer, system_actor)
    client = client_for(staff_user("Analyst"))
    assert client.get(decide_url("approve", customer)).status_code == 200
    response = client.post(decide_url("approve", customer), {"ids": str(customer.pk)})
    assert response.status_code == 200  # the form again, with the error
    assert Customer.objects.get(pk=customer.pk).status == "verifying"


def test_admin_decisions_call_the_service_and_write_the_audit_trail(
    staff_user, make_customer, system_actor
):
    analyst = staff_user("Analyst")
    client = client_for(analyst)
    cases = [
        ("approve", "approved", "customer.approved", {"tier": "basic"}),
        ("reject", "rejected", "customer.rejected", {}),
        ("request_information", "in_review", "customer.information_requested", {}),
    ]
    for decision, status, action, extra in cases:
        customer = verifying(make_customer, system_actor)
        reason = f"{decision}: checked by officer"
        response = client.post(
            decide_url(decision, customer), {"ids": str(customer.pk), "reason": reason, **extra}
        )
        assert response.status_code == 302
        customer.refresh_from_db()
        assert customer.status == status
        event = audit.events_for(customer).get(action=action)
        assert (event.reason, event.actor_user) == (reason, analyst)
    assert Customer.objects.get(status="approved").tier.code == "basic"


def test_changelist_action_leads_to_the_reason_form(staff_user, make_customer, system_actor):
    customer = verifying(make_customer, system_actor)
    response = client_for(staff_user("Analyst")).post(
        reverse("admin:kyc_customer_changelist"),
        {"action": "reject_selected", "_selected_action": [str(customer.pk)]},
    )
    assert response.status_code == 302
    assert reverse("admin:kyc_customer_decide", args=["reject"]) in response["Location"]


def test_admin_refuses_to_approve_a_pep_outside_the_mlro_flow(
    staff_user, make_customer, system_actor
):
    customer = verifying(
        make_customer, system_actor, is_pep_declared=True, pep_details="Senator since 2021"
    )
    client = client_for(staff_user("Analyst"))
    client.post(decide_url("approve", customer), {"ids": str(customer.pk), "reason": "ok"})
    assert Customer.objects.get(pk=customer.pk).status == "verifying"


def test_regulators_may_look_but_not_decide(staff_user, make_customer, system_actor):
    customer = verifying(make_customer, system_actor)
    client = client_for(staff_user("Regulator"))
    assert client.get(reverse("admin:kyc_customer_change", args=[customer.pk])).status_code == 200
    assert client.get(decide_url("approve", customer)).status_code == 403


def test_freezing_is_not_a_kyc_admin_decision(staff_user, make_customer, system_actor):
    customer = verifying(make_customer, system_actor)
    response = client_for(staff_user("MLRO")).get(decide_url("freeze", customer))
    assert response.status_code == 403  # a four-eyes case decision in compliance


def test_officers_view_documents_and_each_view_is_audited(staff_user, make_customer, system_actor):
    customer = make_customer()
    document = services.add_document(
        customer=customer, actor=system_actor, kind="id_front", file=PNG
    )
    response = client_for(staff_user("Analyst")).get(
        reverse("admin:kyc_customerdocument_file", args=[document.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    assert audit.events_for(customer).filter(action="customer.document_viewed").exists()
