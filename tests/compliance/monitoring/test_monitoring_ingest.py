"""Taking transactions in: validation, idempotency by external_id, bulk, nothing lost."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from monitoring_fixtures import *  # noqa: F403
from monitoring_fixtures import ACTOR, T0, make_customer, tx_body

from compliance.monitoring import services
from compliance.monitoring.models import Transaction
from core import pii

pytestmark = pytest.mark.django_db


def test_a_posted_transaction_is_stored_pending_with_its_evaluation_mark(api_client, customer):
    body = tx_body(customer, amount_pkr="1500.00")
    response = api_client.post("/api/v1/transactions/", body, format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    assert response.json()["external_id"] == body["external_id"]
    tx = Transaction.objects.get(external_id=body["external_id"])
    assert tx.status == Transaction.Status.PENDING
    assert tx.enqueued_at is not None
    assert tx.amount_pkr == Decimal("1500.00")
    assert tx.customer == customer


def test_the_same_post_again_returns_the_existing_transaction_with_200(api_client, customer):
    body = tx_body(customer)
    first = api_client.post("/api/v1/transactions/", body, format="json")
    again = api_client.post("/api/v1/transactions/", body, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Transaction.objects.filter(external_id=body["external_id"]).count() == 1


def test_naming_the_customer_by_id_instead_of_external_id_is_the_same_body(api_client, customer):
    body = tx_body(customer, amount="1500.0", amount_pkr="1500.00")
    first = api_client.post("/api/v1/transactions/", body, format="json")
    same = {**body, "customer": str(customer.pk), "amount": "1500.00"}
    again = api_client.post("/api/v1/transactions/", same, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]


def test_the_same_external_id_with_another_body_is_a_conflict(api_client, customer):
    body = tx_body(customer, amount_pkr="1500.00")
    first = api_client.post("/api/v1/transactions/", body, format="json")
    changed = {**body, "amount_pkr": "1600.00", "amount": "1600.00"}
    response = api_client.post("/api/v1/transactions/", changed, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert response.json()["id"] == first.json()["id"]


def test_money_sent_as_a_json_number_is_refused_with_a_field_message(api_client, customer):
    body = {**tx_body(customer), "amount": 1500.5, "amount_pkr": 1500}
    response = api_client.post("/api/v1/transactions/", body, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "decimal string" in errors["amount"][0]
    assert "decimal string" in errors["amount_pkr"][0]


def test_each_invalid_field_gets_its_own_message(api_client, customer):
    body = {
        **tx_body(customer),
        "kind": "gift",
        "channel": "pigeon",
        "amount_pkr": "12.345",
        "occurred_at": "2026-10-01T10:00:00",
        "counterparty": {"country": "Pakistan", "colour": "red"},
        "surprise": 1,
    }
    del body["external_id"]
    response = api_client.post("/api/v1/transactions/", body, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {
        "external_id",
        "kind",
        "channel",
        "amount_pkr",
        "occurred_at",
        "counterparty.country",
        "counterparty.colour",
        "surprise",
    }
    assert "offset" in errors["occurred_at"][0]
    assert "2 decimal places" in errors["amount_pkr"][0]


def test_an_unknown_customer_is_a_field_error(api_client, customer):
    response = api_client.post(
        "/api/v1/transactions/", tx_body(customer, customer="NO-SUCH"), format="json"
    )
    assert response.status_code == 400
    assert "customer" in response.json()["errors"]


def test_a_key_without_the_transactions_write_scope_is_refused(make_api_client, customer):
    reader = make_api_client(["transactions:read"])
    assert reader.post("/api/v1/transactions/", tx_body(customer), format="json").status_code == 403
    assert reader.get("/api/v1/transactions/").status_code == 200


def test_travel_rule_id_numbers_are_stored_encrypted_and_shown_masked(api_client, customer):
    body = tx_body(
        customer,
        kind="transfer_out",
        channel="crypto",
        asset="USDT",
        amount="5000",
        amount_pkr="1400000.00",
        counterparty={"wallet_address": "TXyz123", "chain": "TRON", "country": "AE"},
        beneficiary={
            "name": "Fahad Iqbal",
            "wallet_address": "TXyz123",
            "id_number": "3332066535465",
        },
    )
    tx_id = api_client.post("/api/v1/transactions/", body, format="json").json()["id"]
    stored = Transaction.objects.get(pk=tx_id)
    assert "id_number" not in stored.beneficiary
    assert pii.decrypt(stored.beneficiary["id_number_encrypted"]) == "3332066535465"
    assert stored.has_beneficiary
    shown = api_client.get(f"/api/v1/transactions/{tx_id}/").json()
    assert shown["beneficiary"]["id_number_masked"].endswith("5465")
    assert "id_number_encrypted" not in shown["beneficiary"]
    assert shown["amount"] == "5000" and shown["amount_pkr"] == "1400000.00"


def test_bulk_stores_the_good_items_and_reports_the_bad_ones(api_client, customer):
    good = [tx_body(customer) for _ in range(3)]
    bad_amount = {**tx_body(customer), "amount_pkr": 99.5}
    bad_customer = tx_body(customer, customer="NO-SUCH")
    repeat_same = dict(good[0])
    repeat_other = {**good[1], "amount_pkr": "1.00", "amount": "1.00"}
    items = [good[0], bad_amount, good[1], bad_customer, good[2], repeat_same, repeat_other, "x"]
    response = api_client.post("/api/v1/transactions/bulk/", {"transactions": items}, format="json")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == [
        "created",
        "invalid",
        "created",
        "invalid",
        "created",
        "duplicate",
        "invalid",
        "invalid",
    ]
    assert [r["index"] for r in results] == list(range(8))
    assert "amount_pkr" in results[1]["errors"] and "customer" in results[3]["errors"]
    assert results[5]["id"] == results[0]["id"]
    assert results[6]["code"] == "conflict"
    stored = set(Transaction.objects.values_list("external_id", flat=True))
    assert stored == {g["external_id"] for g in good}


def test_bulk_sent_again_reports_every_item_as_duplicate(api_client, customer):
    items = [tx_body(customer) for _ in range(5)]
    first = api_client.post("/api/v1/transactions/bulk/", {"transactions": items}, format="json")
    again = api_client.post("/api/v1/transactions/bulk/", {"transactions": items}, format="json")
    assert {r["status"] for r in again.json()["results"]} == {"duplicate"}
    assert [r["id"] for r in again.json()["results"]] == [r["id"] for r in first.json()["results"]]
    assert Transaction.objects.count() == 5


def test_bulk_refuses_more_than_a_thousand_items(api_client, customer):
    items = [tx_body(customer) for _ in range(1001)]
    response = api_client.post("/api/v1/transactions/bulk/", {"transactions": items}, format="json")
    assert response.status_code == 400
    assert "1000" in response.json()["errors"]["transactions"][0]
    assert not Transaction.objects.exists()


def test_a_committed_transaction_is_evaluated_on_commit(
    api_client, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        tx_id = api_client.post("/api/v1/transactions/", tx_body(customer), format="json").json()[
            "id"
        ]
    tx = Transaction.objects.get(pk=tx_id)
    assert tx.status == Transaction.Status.SCREENED and tx.screened_at is not None
    assert api_client.get(f"/api/v1/transactions/{tx_id}/").json()["status"] == "screened"


def test_a_broker_outage_at_enqueue_keeps_the_transaction_pending(
    customer, no_broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = services.ingest_transaction(body=tx_body(customer), actor=ACTOR)
    assert result.created
    assert Transaction.objects.get(pk=result.id).status == Transaction.Status.PENDING


def test_the_sweeper_recovers_a_transaction_whose_enqueue_was_lost(
    customer, monkeypatch, django_capture_on_commit_callbacks
):
    from compliance.monitoring import tasks

    lost = []
    monkeypatch.setattr(tasks.evaluate_batch, "apply_async", lambda *a, **k: lost.append(a))
    with django_capture_on_commit_callbacks(execute=True):
        tx_id = services.ingest_transaction(body=tx_body(customer), actor=ACTOR).id
    assert lost  # "sent", but the message never reached a worker
    monkeypatch.undo()

    # Not yet overdue: the sweeper leaves it alone.
    assert services.sweep_pending(older_than=timedelta(minutes=5)) == 0
    Transaction.objects.filter(pk=tx_id).update(enqueued_at=T0 - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sweep_pending(older_than=timedelta(minutes=5)) == 1
    assert Transaction.objects.get(pk=tx_id).status == Transaction.Status.SCREENED


def test_transactions_are_listed_by_customer_and_status(api_client, customer):
    other = make_customer()
    for body in (tx_body(customer), tx_body(customer), tx_body(other)):
        api_client.post("/api/v1/transactions/", body, format="json")
    listed = api_client.get(f"/api/v1/transactions/?customer={customer.external_id}&status=pending")
    assert listed.json()["count"] == 2
    assert api_client.get("/api/v1/transactions/?status=screened").json()["count"] == 0
    assert api_client.get("/api/v1/transactions/?status=lost").status_code == 400
