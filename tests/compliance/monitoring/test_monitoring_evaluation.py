"""Batched evaluation end to end: stored transactions, live rules, alerts, webhooks, CTRs."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from monitoring_fixtures import *  # noqa: F403
from monitoring_fixtures import T0, cash_deposit, evaluate_pending, ingest, make_customer, tx_body

from compliance.monitoring import services
from compliance.monitoring.models import Alert, Transaction
from compliance.monitoring.signals import large_cash_detected
from core.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


def alerts_of(customer, typology=None):
    alerts = Alert.objects.filter(customer=customer, is_shadow=False)
    return alerts.filter(typology=typology) if typology else alerts


def test_three_cash_deposits_just_under_the_ctr_threshold_in_days_raise_one_structuring_alert(
    customer,
):
    for amount, hours in (("1850000.00", 0), ("1920000.00", 26), ("1980000.00", 50)):
        ingest(cash_deposit(customer, amount, T0 + timedelta(hours=hours)))
    outcome = evaluate_pending()
    assert outcome.screened == 3
    alert = alerts_of(customer, "STRUCTURING").get()
    assert alert.transactions.count() == 3
    assert alert.rule.code == "PK-STRUCTURING-CTR" and alert.rule_version.number == 1
    assert alert.severity == "high" and alert.status == "open"
    assert "3 cash deposits" in alert.explanation and "CTR threshold" in alert.explanation


def test_two_cash_deposits_just_under_the_threshold_are_not_structuring(customer):
    ingest(cash_deposit(customer, "1900000.00", T0))
    ingest(cash_deposit(customer, "1950000.00", T0 + timedelta(hours=5)))
    evaluate_pending()
    assert not alerts_of(customer, "STRUCTURING").exists()


def test_a_later_deposit_of_the_same_episode_attaches_to_the_open_alert(customer):
    for amount, hours in (("1850000.00", 0), ("1920000.00", 20), ("1980000.00", 40)):
        ingest(cash_deposit(customer, amount, T0 + timedelta(hours=hours)))
    evaluate_pending()
    ingest(cash_deposit(customer, "1900000.00", T0 + timedelta(hours=60)))
    evaluate_pending()
    alert = alerts_of(customer, "STRUCTURING").get()
    assert alert.transactions.count() == 4
    assert "4 cash deposits" in alert.explanation


def test_a_cash_deposit_of_exactly_two_million_raises_large_cash_and_announces_a_ctr(
    customer, django_capture_on_commit_callbacks
):
    announced = []

    def receiver(sender, transaction_id, **kwargs):
        announced.append(transaction_id)

    large_cash_detected.connect(receiver)
    try:
        tx_id = ingest(cash_deposit(customer, "2000000.00", T0))
        with django_capture_on_commit_callbacks(execute=True):
            evaluate_pending()
    finally:
        large_cash_detected.disconnect(receiver)
    alert = alerts_of(customer, "LARGE_CASH").get()
    assert "CTR" in alert.explanation and alert.facts["ctr_required"] is True
    assert announced == [tx_id]


def test_a_cash_deposit_one_paisa_below_two_million_is_not_large_cash(customer):
    ingest(cash_deposit(customer, "1999999.99", T0))
    evaluate_pending()
    assert not alerts_of(customer, "LARGE_CASH").exists()


def test_running_a_batch_again_never_duplicates_alerts(customer):
    ids = [
        ingest(cash_deposit(customer, amount, T0 + timedelta(hours=h)))
        for amount, h in (("1850000.00", 0), ("1920000.00", 20), ("1980000.00", 40))
    ]
    ids.append(ingest(cash_deposit(customer, "2500000.00", T0 + timedelta(hours=41))))
    services.evaluate_batch(transaction_ids=ids)
    before = sorted(Alert.objects.values_list("typology", flat=True))
    assert services.evaluate_batch(transaction_ids=ids).screened == 0  # already screened
    Transaction.objects.filter(pk__in=ids).update(status=Transaction.Status.PENDING)
    again = services.evaluate_batch(transaction_ids=ids)
    assert again.screened == 4 and again.alerts_created == 0
    assert sorted(Alert.objects.values_list("typology", flat=True)) == before
    assert Alert.objects.get(typology="STRUCTURING").transactions.count() == 3


def test_alert_created_and_transaction_screened_webhooks_are_queued(customer):
    WebhookEndpoint.objects.create(name="exchange", url="http://127.0.0.1:9/hook", secret="s" * 32)
    ingest(cash_deposit(customer, "3000000.00", T0))
    ingest(tx_body(customer, amount_pkr="1000.00", at=T0 + timedelta(minutes=5)))
    evaluate_pending()
    alert = alerts_of(customer, "LARGE_CASH").get()
    created = WebhookDelivery.objects.filter(event_type="alert.created")
    assert created.count() == 1
    assert f'"id":"{alert.pk}"' in created.get().body
    assert '"typology":"LARGE_CASH"' in created.get().body
    screened = WebhookDelivery.objects.filter(event_type="transaction.screened")
    assert screened.count() == 2


def test_a_counterparty_in_a_fatf_call_for_action_country_raises_an_alert(customer):
    ingest(
        tx_body(
            customer,
            kind="withdrawal",
            amount_pkr="50000.00",
            counterparty={"name": "Tehran Trading", "account_number": "IR-1", "country": "IR"},
        )
    )
    evaluate_pending()
    alert = alerts_of(customer, "HIGH_RISK_JURISDICTION").get()
    assert "IR" in alert.explanation and "black" in alert.explanation


def test_a_large_crypto_transfer_without_beneficiary_data_breaks_the_travel_rule(customer):
    body = tx_body(
        customer,
        kind="transfer_out",
        channel="crypto",
        asset="USDT",
        amount="5400",
        amount_pkr="1512000.00",
        counterparty={"wallet_address": "TQ7bcf1", "chain": "TRON", "country": "PK"},
    )
    ingest(body)
    complete = dict(
        body,
        external_id="with-beneficiary",
        beneficiary={"name": "Sana Khan", "wallet_address": "TQ7bcf1"},
    )
    other = make_customer()
    ingest(dict(complete, customer=other.external_id))
    evaluate_pending()
    assert "without beneficiary" in alerts_of(customer, "TRAVEL_RULE_MISSING").get().explanation
    assert not alerts_of(other, "TRAVEL_RULE_MISSING").exists()


def test_a_sanctioned_counterparty_wallet_raises_a_critical_alert(customer, list_wallets):
    wallet = "0xeee65f53e9421ce50211670eae679f02e8d28a79"
    list_wallets({"W-900": wallet})
    ingest(
        tx_body(
            customer,
            kind="transfer_out",
            channel="crypto",
            asset="ETH",
            amount="0.5",
            amount_pkr="400000.00",
            counterparty={"wallet_address": wallet.upper().replace("0X", "0x"), "chain": "ETH"},
        )
    )
    evaluate_pending()
    alert = alerts_of(customer, "SANCTIONED_COUNTERPARTY").get()
    assert alert.severity == "critical"
    assert "W-900" in alert.explanation


def test_alerts_are_listed_in_the_api_shape_and_filtered(api_client, customer):
    ingest(cash_deposit(customer, "2500000.00", T0))
    other = make_customer()
    ingest(cash_deposit(other, "2600000.00", T0))
    evaluate_pending()
    response = api_client.get(f"/api/v1/alerts/?customer={customer.external_id}&status=open")
    assert response.status_code == 200
    [alert] = response.json()["results"]
    assert set(alert) == {
        "id",
        "customer",
        "typology",
        "rule",
        "rule_version",
        "severity",
        "score",
        "status",
        "explanation",
        "transactions",
        "episode",
        "created_at",
    }
    assert alert["typology"] == "LARGE_CASH" and alert["customer"] == str(customer.pk)
    assert alert["rule"] == "PK-LARGE-CASH-CTR" and alert["rule_version"] == 1
    assert isinstance(alert["score"], str) and len(alert["transactions"]) == 1
    assert api_client.get("/api/v1/alerts/?typology=STRUCTURING").json()["count"] == 0
    assert api_client.get(f"/api/v1/alerts/{alert['id']}/").json() == alert
    detail = api_client.get(f"/api/v1/transactions/{alert['transactions'][0]}/").json()
    assert detail["status"] == "screened" and detail["alerts"][0]["id"] == alert["id"]


def test_the_alerts_api_needs_the_alerts_scope(make_api_client):
    assert make_api_client(["transactions:read"]).get("/api/v1/alerts/").status_code == 403
    assert make_api_client(["alerts:read"]).get("/api/v1/alerts/").status_code == 200


def test_a_batch_loads_history_once_whatever_its_size(django_assert_max_num_queries):
    customers = [make_customer() for _ in range(10)]
    ids = [
        ingest(tx_body(c, amount_pkr="10000.00", at=T0 + timedelta(hours=i)))
        for i in range(6)
        for c in customers
    ]
    with django_assert_max_num_queries(14):
        outcome = services.evaluate_batch(transaction_ids=ids)
    assert outcome.screened == 60


def test_a_batch_also_takes_its_customers_other_pending_transactions(customer):
    earlier = ingest(tx_body(customer, at=T0 - timedelta(hours=1)))
    given = ingest(tx_body(customer, at=T0))
    later = [ingest(tx_body(customer, at=T0 + timedelta(hours=h))) for h in (1, 2)]
    other = ingest(tx_body(make_customer(), at=T0 + timedelta(hours=1)))
    outcome = services.evaluate_batch(transaction_ids=[given])
    assert (outcome.screened, outcome.skipped) == (4, 0)
    status = dict(Transaction.objects.values_list("id", "status"))
    assert {str(k) for k, v in status.items() if v == "screened"} == {earlier, given, *later}
    assert status[uuid.UUID(other)] == "pending"
