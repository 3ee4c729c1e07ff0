"""The monitoring admin: edits become versions, activation keeps four eyes, the alerts queue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from monitoring_fixtures import *  # noqa: F403
from monitoring_fixtures import T0, cash_deposit, evaluate_pending, ingest

from compliance.monitoring.models import Backtest, Rule

pytestmark = pytest.mark.django_db
# The read-only versions inline still posts its management form.
INLINE = {
    "versions-TOTAL_FORMS": "0",
    "versions-INITIAL_FORMS": "0",
    "versions-MIN_NUM_FORMS": "0",
    "versions-MAX_NUM_FORMS": "1000",
}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    if user.groups.filter(name__in=["MLRO", "Admin"]).exists():
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id  # a two-factor verified session
        session.save()
    return client


def change_url(rule: Rule) -> str:
    return reverse("admin:monitoring_rule_change", args=[rule.pk])


def test_editing_parameters_in_the_admin_adds_a_version_and_a_checker_activates_it(staff_user):
    rule = Rule.objects.get(code="PK-STRUCTURING-CTR")
    admin_client, mlro = client_for(staff_user("Admin")), staff_user("MLRO")
    page = admin_client.get(change_url(rule))
    assert page.status_code == 200 and "threshold_pkr" in page.content.decode()
    response = admin_client.post(
        change_url(rule),
        {"params": '{"min_count": 4}', "severity": "high", "note": "tighter", **INLINE},
    )
    assert response.status_code == 302
    v2 = rule.versions.get(number=2)
    assert v2.params == {"min_count": 4}
    changelist = reverse("admin:monitoring_ruleversion_changelist")
    action = {"action": "activate", "_selected_action": [v2.pk]}
    admin_client.post(changelist, action)  # the maker: refused
    rule.refresh_from_db()
    assert rule.active_version.number == 1
    client_for(mlro).post(changelist, action)
    rule.refresh_from_db()
    assert rule.active_version == v2


def test_bad_parameters_are_refused_on_the_form(staff_user):
    rule = Rule.objects.get(code="PK-STRUCTURING-CTR")
    response = client_for(staff_user("Admin")).post(
        change_url(rule), {"params": '{"min_count": "many"}', "severity": "high", **INLINE}
    )
    assert response.status_code == 200
    assert "whole number" in response.content.decode()
    assert rule.versions.count() == 1


def test_a_backtest_is_queued_from_the_admin_and_shown_on_the_rule(
    staff_user, customer, django_capture_on_commit_callbacks
):
    ingest(cash_deposit(customer, "2500000.00", T0))
    rule = Rule.objects.get(code="PK-LARGE-CASH-CTR")
    admin_client = client_for(staff_user("Admin"))
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:monitoring_ruleversion_changelist"),
            {"action": "backtest_last_days", "_selected_action": [rule.active_version.pk]},
        )
    backtest = Backtest.objects.get()
    assert backtest.status == Backtest.Status.DONE
    assert backtest.date_to - backtest.date_from == timedelta(days=30)
    assert "hits" in admin_client.get(change_url(rule)).content.decode()


def test_the_alerts_queue_filters_by_typology_severity_status_and_customer(staff_user, customer):
    ingest(cash_deposit(customer, "2500000.00", T0))
    evaluate_pending()
    analyst = client_for(staff_user("Analyst"))
    url = reverse("admin:monitoring_alert_changelist")
    page = analyst.get(
        url,
        {
            "typology": "LARGE_CASH",
            "severity": "medium",
            "status": "open",
            "q": customer.external_id,
        },
    )
    assert page.status_code == 200
    assert customer.external_id in page.content.decode()
    empty = analyst.get(url, {"typology": "STRUCTURING"})
    assert customer.external_id not in empty.content.decode()


def test_every_monitoring_admin_page_renders(staff_user, customer):
    ingest(cash_deposit(customer, "2500000.00", T0))
    evaluate_pending()
    admin_client = client_for(staff_user("Admin"))
    for model in ("rule", "ruleversion", "backtest", "alert", "transaction", "checkattempt"):
        assert admin_client.get(reverse(f"admin:monitoring_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:monitoring_rule_add")).status_code == 200
    from compliance.monitoring.models import Alert, Transaction

    alert, tx = Alert.objects.get(), Transaction.objects.get()
    for model, pk in (("alert", alert.pk), ("transaction", tx.pk)):
        page = admin_client.get(reverse(f"admin:monitoring_{model}_change", args=[pk]))
        assert page.status_code == 200


def test_a_new_expression_rule_is_created_disabled_from_the_admin(staff_user):
    response = client_for(staff_user("Admin")).post(
        reverse("admin:monitoring_rule_add"),
        {
            "code": "BIG-P2P",
            "name": "Large peer-to-peer",
            "kind": "expression",
            "typology": "P2P_LARGE",
            "expression": 'tx.kind == "p2p" && tx.amount_pkr >= 1000000',
            "severity": "medium",
            "versions-TOTAL_FORMS": "0",
            "versions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    rule = Rule.objects.get(code="BIG-P2P")
    assert rule.status == Rule.Status.DISABLED and rule.latest_version.number == 1
