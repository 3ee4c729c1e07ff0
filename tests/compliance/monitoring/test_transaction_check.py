"""``POST /transactions/check/``: allow, review or block before money moves; every attempt kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from monitoring_fixtures import *  # noqa: F403
from monitoring_fixtures import ingest, make_customer, tx_body

from compliance.monitoring.models import CheckAttempt, Transaction
from compliance.monitoring.typologies.base import KARACHI
from kyc.models import Customer

pytestmark = pytest.mark.django_db
WALLET = "TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE"


@pytest.fixture(autouse=True)
def fresh_rules(settings):
    settings.MONITORING_CHECK_RULES_MAX_AGE = 0


@pytest.fixture
def listed_wallet(list_wallets):
    list_wallets({"W-901": WALLET})
    return WALLET


def check(client, body):
    response = client.post("/api/v1/transactions/check/", body, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def withdrawal(customer, amount_pkr="50000.00", **overrides):
    overrides.setdefault("at", timezone.now())
    overrides.setdefault("kind", "withdrawal")
    return tx_body(customer, amount_pkr=amount_pkr, **overrides)


def test_an_ordinary_withdrawal_is_allowed_and_the_attempt_is_stored(api_client):
    customer = make_customer(tier="standard")
    answer = check(api_client, withdrawal(customer))
    assert answer["decision"] == "allow" and answer["reasons"] == []
    attempt = CheckAttempt.objects.get(pk=answer["id"])
    assert attempt.decision == "allow" and attempt.customer == customer
    assert not Transaction.objects.exists()  # an attempt is not a transaction


@pytest.mark.parametrize("status", [Customer.Status.FROZEN, Customer.Status.REJECTED])
def test_a_frozen_or_rejected_customer_is_blocked(api_client, status):
    customer = make_customer(status=status)
    answer = check(api_client, withdrawal(customer))
    assert answer["decision"] == "block"
    assert answer["reasons"][0]["typology"] == "CUSTOMER_STATUS"
    assert status in answer["reasons"][0]["detail"]


def test_a_customer_not_yet_approved_may_not_move_money_but_may_trade(api_client):
    customer = make_customer(status=Customer.Status.IN_REVIEW)
    answer = check(api_client, withdrawal(customer, "1000.00"))
    assert answer["decision"] == "block"
    assert answer["reasons"][0]["typology"] == "TIER_LIMIT"
    trade = withdrawal(customer, kind="trade_buy", channel="internal")
    assert check(api_client, trade)["decision"] == "allow"


def test_a_transfer_to_a_sanctioned_wallet_is_blocked(api_client, listed_wallet):
    customer = make_customer()
    body = withdrawal(
        customer,
        kind="transfer_out",
        channel="crypto",
        asset="USDT",
        amount="100",
        amount_pkr="28000.00",
        counterparty={"wallet_address": listed_wallet, "chain": "TRON"},
        beneficiary={"name": "Someone", "wallet_address": listed_wallet},
    )
    answer = check(api_client, body)
    assert answer["decision"] == "block"
    [reason] = answer["reasons"]
    assert reason["typology"] == "SANCTIONED_COUNTERPARTY"
    assert reason["rule"] == "PK-SANCTIONED-COUNTERPARTY" and "W-901" in reason["detail"]


def test_a_withdrawal_over_the_per_transaction_tier_limit_is_blocked(api_client):
    customer = make_customer(tier="standard")  # PKR 1M per transaction
    assert check(api_client, withdrawal(customer, "1000000.00"))["decision"] == "allow"
    answer = check(api_client, withdrawal(customer, "1000000.01"))
    assert answer["decision"] == "block"
    assert answer["reasons"][0]["typology"] == "TIER_LIMIT"
    assert "per-transaction" in answer["reasons"][0]["detail"]


def test_todays_withdrawals_count_towards_the_daily_limit(api_client):
    customer = make_customer(tier="standard")  # PKR 2.5M a day
    now = timezone.now()
    day_start = now.astimezone(KARACHI).replace(hour=0, minute=0, second=0, microsecond=0)
    for minutes in (60, 30):  # earlier today, on the Asia/Karachi calendar the limit runs on
        ingest(
            withdrawal(customer, "900000.00", at=max(now - timedelta(minutes=minutes), day_start))
        )
    ingest(tx_body(customer, kind="deposit", amount_pkr="900000.00", at=now))  # other direction
    assert check(api_client, withdrawal(customer, "700000.00"))["decision"] == "allow"
    answer = check(api_client, withdrawal(customer, "700000.01"))
    assert answer["decision"] == "block"
    assert "daily" in answer["reasons"][0]["detail"]


def test_a_large_crypto_transfer_without_travel_rule_data_goes_to_review(api_client):
    customer = make_customer()
    body = withdrawal(
        customer,
        kind="transfer_out",
        channel="crypto",
        asset="USDT",
        amount="4000",
        amount_pkr="1120000.00",
        counterparty={"wallet_address": "TAnotherWallet", "chain": "TRON"},
    )
    answer = check(api_client, body)
    assert answer["decision"] == "review"
    assert [r["typology"] for r in answer["reasons"]] == ["TRAVEL_RULE_MISSING"]


def test_the_check_answers_bad_input_with_field_messages(api_client):
    customer = make_customer()
    body = {**withdrawal(customer), "amount_pkr": 10.5}
    del body["occurred_at"]
    response = api_client.post("/api/v1/transactions/check/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"amount_pkr"}
    assert not CheckAttempt.objects.exists()


def test_the_check_reads_the_customer_and_one_aggregate_under_a_lock_then_stores_it(
    api_client, settings, django_assert_num_queries
):
    settings.MONITORING_CHECK_RULES_MAX_AGE = 60  # live rules and country lists held in memory
    customer = make_customer(tier="standard")
    check(api_client, withdrawal(customer))
    with django_assert_num_queries(7) as captured:
        check(api_client, withdrawal(customer, "20000.00"))
    sql = [q["sql"] for q in captured]
    # The API key; then in one transaction (a savepoint inside the test's): the budget, the
    # customer read and locked, posted and held totals, the attempt with its hold.
    assert "api" in sql[0].lower() and sql[1].startswith("SAVEPOINT")
    assert "statement_timeout" in sql[2]
    assert "kyc_customer" in sql[3] and "pg_advisory_xact_lock" in sql[3]
    assert "monitoring_hold" in sql[4] and "monitoring_transaction" in sql[4]
    assert "INSERT INTO monitoring_checkattempt" in sql[5]
    assert "INSERT INTO monitoring_hold" in sql[5] and sql[6].startswith("RELEASE")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount_pkr": "-5.00"}, "amount_pkr"),
        ({"amount_pkr": "lots"}, "amount_pkr"),
        ({"kind": None}, "kind"),
        ({"channel": "pigeon"}, "channel"),
        ({"external_id": ["a", "list"]}, "external_id"),
        ({"occurred_at": "yesterday-ish"}, "occurred_at"),
        ({"counterparty": "not an object"}, "counterparty"),
        ({"surprise": 1}, "surprise"),
        ({"customer": "NOBODY-KNOWS-ME"}, "customer"),
    ],
)
def test_bad_check_bodies_get_400_with_the_field_and_store_nothing(api_client, change, field):
    customer = make_customer()
    body = {k: v for k, v in {**withdrawal(customer), **change}.items() if v is not None}
    response = api_client.post("/api/v1/transactions/check/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid" and field in response.json()["errors"]
    assert not CheckAttempt.objects.exists()


@pytest.mark.parametrize("raw", [b"{not json", b"[]", b'"a string"', b"null"])
def test_a_check_body_that_is_not_an_object_is_400(api_client, raw):
    response = api_client.generic(
        "POST", "/api/v1/transactions/check/", raw, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid" and response.json()["errors"]
