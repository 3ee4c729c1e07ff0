"""API.md "Transactions (monitoring)", as the exchange's backend calls it."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from contract_fixtures import *  # noqa: F403
from contract_fixtures import (
    API,
    approve,
    assert_conflict,
    assert_datetime,
    assert_error_shape,
    assert_money,
    assert_page,
    create_customer,
    floats_in,
    individual_body,
    tx_body,
)
from django.utils import timezone

pytestmark = pytest.mark.django_db
TRANSACTIONS = f"{API}/transactions/"
BULK = f"{API}/transactions/bulk/"
CHECK = f"{API}/transactions/check/"
KINDS = ["deposit", "withdrawal", "trade_buy", "trade_sell", "transfer_in", "transfer_out", "p2p"]
CHANNELS = ["bank", "cash", "card", "crypto", "internal"]
LISTED_WALLET = "TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE"


@pytest.fixture
def customer(api_client) -> dict:
    created = create_customer(api_client)
    approve(created["id"], tier="standard")
    return created


def crypto_transfer_out(customer_ref: str, **overrides) -> dict:
    body = tx_body(
        customer_ref,
        kind="transfer_out",
        channel="crypto",
        asset="USDT",
        amount="1500.00",
        amount_pkr="420000.00",
        counterparty={"wallet_address": "TXYZopYRdj2D9XRtbG411XZZ3kM5VkAeBf", "chain": "tron"},
        originator={"name": "Umar Farooq", "account_number": "C-00000", "vasp_name": "Exchange"},
        beneficiary={
            "name": "Bilal Ahmed",
            "wallet_address": "TXYZopYRdj2D9XRtbG411XZZ3kM5VkAeBf",
            "vasp_name": "Binance",
        },
        ip_address="203.0.113.7",
        device_id="android-5f2c",
    )
    body.update(overrides)
    return body


# -- POST /transactions/ -------------------------------------------------------------------------


def test_a_transaction_is_accepted_as_pending_with_id_and_external_id(api_client, customer):
    body = tx_body(customer["external_id"])

    response = api_client.post(TRANSACTIONS, body, format="json")

    assert response.status_code == 201, response.content
    created = response.json()
    assert set(created) == {"id", "external_id", "status"}
    uuid.UUID(created["id"])
    assert created["external_id"] == body["external_id"]
    assert created["status"] == "pending"


def test_the_customer_may_be_named_by_id_or_external_id(api_client, customer):
    by_id = api_client.post(TRANSACTIONS, tx_body(customer["id"]), format="json")
    by_external = api_client.post(TRANSACTIONS, tx_body(customer["external_id"]), format="json")

    assert (by_id.status_code, by_external.status_code) == (201, 201)
    for created in (by_id.json(), by_external.json()):
        shown = api_client.get(f"{TRANSACTIONS}{created['id']}/").json()
        assert shown["customer"] == customer["id"]


def test_a_customer_whose_external_id_is_a_uuid_is_found_by_it(api_client):
    external_id = str(uuid.uuid4())
    created = create_customer(api_client, individual_body(external_id=external_id))

    response = api_client.post(TRANSACTIONS, tx_body(external_id), format="json")

    assert response.status_code == 201, response.content
    shown = api_client.get(f"{TRANSACTIONS}{response.json()['id']}/").json()
    assert shown["customer"] == created["id"]


def test_every_kind_and_channel_of_the_contract_is_accepted(api_client, customer):
    for kind in KINDS:
        for channel in CHANNELS:
            body = tx_body(customer["id"], kind=kind, channel=channel)
            response = api_client.post(TRANSACTIONS, body, format="json")
            assert response.status_code == 201, (kind, channel, response.content)


def test_a_crypto_transfer_carries_counterparty_travel_rule_ip_and_device(api_client, customer):
    body = crypto_transfer_out(customer["external_id"])

    created = api_client.post(TRANSACTIONS, body, format="json")
    shown = api_client.get(f"{TRANSACTIONS}{created.json()['id']}/").json()

    assert created.status_code == 201, created.content
    assert shown["counterparty"]["wallet_address"] == body["counterparty"]["wallet_address"]
    assert shown["originator"]["name"] == "Umar Farooq"
    assert shown["beneficiary"]["vasp_name"] == "Binance"
    assert shown["ip_address"] == "203.0.113.7" and shown["device_id"] == "android-5f2c"


def test_the_same_post_again_answers_200_with_the_same_transaction(api_client, customer):
    body = tx_body(customer["external_id"])
    first = api_client.post(TRANSACTIONS, body, format="json")

    again = api_client.post(TRANSACTIONS, body, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    listed = api_client.get(TRANSACTIONS, {"external_id": body["external_id"]}).json()
    assert listed["count"] == 1


def test_the_same_external_id_with_another_body_is_409_conflict(api_client, customer):
    body = tx_body(customer["external_id"])
    api_client.post(TRANSACTIONS, body, format="json")

    response = api_client.post(
        TRANSACTIONS, {**body, "amount": "99.00", "amount_pkr": "99.00"}, format="json"
    )

    assert_conflict(response)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"external_id": None}, "external_id"),
        ({"customer": None}, "customer"),
        ({"customer": "NO-SUCH-USER"}, "customer"),
        ({"kind": "gift"}, "kind"),
        ({"channel": "pigeon"}, "channel"),
        ({"amount": 1500.0}, "amount"),
        ({"amount_pkr": 1500}, "amount_pkr"),
        ({"amount": "1,500.00"}, "amount"),
        ({"amount_pkr": None}, "amount_pkr"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"occurred_at": None}, "occurred_at"),
        ({"ip_address": "300.1.1.1"}, "ip_address"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_400_with_a_message_for_the_field(api_client, customer, change, field):
    body = tx_body(customer["external_id"])
    for name, value in change.items():
        if value is None:
            body.pop(name)
        else:
            body[name] = value

    response = api_client.post(TRANSACTIONS, body, format="json")

    assert_error_shape(response, field)


@pytest.mark.parametrize("raw", [b"{not json", b"[]", b"null"])
def test_a_body_that_is_not_a_json_object_is_400_not_500(api_client, raw):
    response = api_client.post(TRANSACTIONS, raw, content_type="application/json")

    assert_error_shape(response)


# -- GET /transactions/{id}/ ---------------------------------------------------------------------


def test_a_transaction_is_found_by_id_or_external_id_with_money_as_strings(api_client, customer):
    body = tx_body(customer["external_id"], amount="1250000.00", amount_pkr="1250000.00")
    created = api_client.post(TRANSACTIONS, body, format="json").json()

    by_id = api_client.get(f"{TRANSACTIONS}{created['id']}/")
    by_external = api_client.get(f"{TRANSACTIONS}{body['external_id']}/")

    assert by_id.status_code == by_external.status_code == 200
    shown = by_id.json()
    assert by_external.json()["id"] == shown["id"] == created["id"]
    assert shown["status"] == "pending" and shown["alerts"] == []
    assert assert_money(shown["amount"]) == assert_money(shown["amount_pkr"]) == 1250000
    assert_datetime(shown["occurred_at"])
    assert floats_in(shown) == []


def test_an_external_id_shaped_like_a_uuid_is_still_found(api_client, customer):
    body = tx_body(customer["external_id"], external_id=str(uuid.uuid4()))
    created = api_client.post(TRANSACTIONS, body, format="json").json()

    response = api_client.get(f"{TRANSACTIONS}{body['external_id']}/")

    assert response.status_code == 200, response.content
    assert response.json()["id"] == created["id"]


def test_an_unknown_transaction_is_404(api_client):
    assert api_client.get(f"{TRANSACTIONS}{uuid.uuid4()}/").status_code == 404
    assert api_client.get(f"{TRANSACTIONS}T-NOWHERE/").status_code == 404


def test_once_every_rule_has_run_it_is_screened_and_shows_its_alerts(
    api_client, customer, django_capture_on_commit_callbacks
):
    body = tx_body(
        customer["external_id"],
        channel="cash",
        amount="2500000.00",
        amount_pkr="2500000.00",
        counterparty=None,
    )
    del body["counterparty"]

    with django_capture_on_commit_callbacks(execute=True):
        created = api_client.post(TRANSACTIONS, body, format="json").json()
    shown = api_client.get(f"{TRANSACTIONS}{created['id']}/").json()

    assert shown["status"] == "screened"
    typologies = {alert["typology"] for alert in shown["alerts"]}
    assert "LARGE_CASH" in typologies
    for alert in shown["alerts"]:
        assert created["id"] in alert["transactions"]
        assert floats_in(alert) == []


def test_transactions_are_listed_by_customer_with_pagination(api_client, customer):
    for _ in range(3):
        api_client.post(TRANSACTIONS, tx_body(customer["external_id"]), format="json")

    response = api_client.get(TRANSACTIONS, {"customer": customer["external_id"], "page_size": 2})

    assert response.status_code == 200
    page = response.json()
    assert page["count"] == 3 and len(assert_page(page)) == 2 and page["next"]


# -- POST /transactions/bulk/ --------------------------------------------------------------------


def test_bulk_stores_each_item_on_its_own_and_reports_it_by_index(api_client, customer):
    good = tx_body(customer["external_id"])
    bad = tx_body(customer["external_id"], kind="gift")
    other = tx_body(customer["id"])

    response = api_client.post(BULK, {"transactions": [good, bad, other]}, format="json")

    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [r["index"] for r in results] == [0, 1, 2]
    assert [r["status"] for r in results] == ["created", "invalid", "created"]
    for item in results:
        assert {"index", "status", "id", "errors"} <= set(item)
    assert results[1]["id"] is None and "kind" in results[1]["errors"]
    assert results[0]["errors"] in (None, {}) and uuid.UUID(results[0]["id"])
    assert api_client.get(f"{TRANSACTIONS}{results[2]['id']}/").status_code == 200


def test_bulk_sent_again_reports_duplicates_with_the_stored_ids(api_client, customer):
    items = [tx_body(customer["external_id"]) for _ in range(3)]
    first = api_client.post(BULK, {"transactions": items}, format="json").json()["results"]

    again = api_client.post(BULK, {"transactions": items}, format="json").json()["results"]

    assert [r["status"] for r in again] == ["duplicate"] * 3
    assert [r["id"] for r in again] == [r["id"] for r in first]


def test_bulk_reports_a_reused_external_id_with_another_body_as_invalid(api_client, customer):
    body = tx_body(customer["external_id"])
    api_client.post(TRANSACTIONS, body, format="json")

    changed = {**body, "amount": "1.00", "amount_pkr": "1.00"}
    [result] = api_client.post(BULK, {"transactions": [changed]}, format="json").json()["results"]

    assert result["status"] == "invalid" and "external_id" in result["errors"]


def test_bulk_refuses_more_than_a_thousand_items(api_client, customer):
    items = [tx_body(customer["external_id"]) for _ in range(1001)]

    response = api_client.post(BULK, {"transactions": items}, format="json")

    assert_error_shape(response, "transactions")
    assert api_client.get(TRANSACTIONS).json()["count"] == 0


def test_bulk_takes_a_thousand_items(api_client, customer):
    items = [tx_body(customer["external_id"]) for _ in range(1000)]

    response = api_client.post(BULK, {"transactions": items}, format="json")

    assert response.status_code == 200
    assert {r["status"] for r in response.json()["results"]} == {"created"}
    assert api_client.get(TRANSACTIONS).json()["count"] == 1000


@pytest.mark.parametrize("body", [{}, {"transactions": "many"}, {"transactions": []}, []])
def test_a_bulk_body_without_a_list_of_transactions_is_400(api_client, body):
    assert_error_shape(api_client.post(BULK, body, format="json"))


# -- POST /transactions/check/ -------------------------------------------------------------------


def check(client, body) -> dict:
    response = client.post(CHECK, body, format="json")
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["decision"] in {"allow", "review", "block"}
    assert isinstance(answer["reasons"], list)
    for reason in answer["reasons"]:
        assert {"typology", "rule", "detail"} <= set(reason)
        assert all(isinstance(reason[k], str) and reason[k] for k in ("typology", "rule", "detail"))
    return answer


def withdrawal(customer_ref: str, amount_pkr: str = "50000.00", **overrides) -> dict:
    overrides.setdefault("occurred_at", timezone.now().isoformat())
    return tx_body(
        customer_ref, kind="withdrawal", amount=amount_pkr, amount_pkr=amount_pkr, **overrides
    )


def test_an_ordinary_withdrawal_is_allowed_without_reasons(api_client, customer):
    answer = check(api_client, withdrawal(customer["external_id"]))

    assert answer["decision"] == "allow" and answer["reasons"] == []


def test_the_check_is_stored_as_an_attempt_not_as_a_transaction(api_client, customer):
    from compliance.monitoring.models import CheckAttempt

    body = withdrawal(customer["id"])
    check(api_client, body)

    assert CheckAttempt.objects.filter(external_id=body["external_id"]).count() == 1
    assert api_client.get(f"{TRANSACTIONS}{body['external_id']}/").status_code == 404


def test_a_frozen_customer_is_blocked(api_client, customer):
    from core.actors import Actor
    from kyc import selectors, services

    services.freeze_customer(
        customer=selectors.get_customer(customer["id"]),
        actor=Actor.automated("contract tests"),
        reason="Confirmed sanctions match",
    )

    answer = check(api_client, withdrawal(customer["external_id"]))

    assert answer["decision"] == "block" and answer["reasons"]


def test_a_transfer_to_a_sanctioned_wallet_is_blocked(api_client, customer, tmp_path):
    from django.core.management import call_command

    listed = tmp_path / "listed.csv"
    listed.write_text(
        "entry_id,list,kind,name,aliases,date_of_birth,nationality,id_numbers,"
        "wallet_addresses,program\n"
        f"W-901,OFAC,entity,Listed operator,,,,,{LISTED_WALLET},OFAC-CYBER2\n"
    )
    call_command("import_watchlist", "--source", "csv", str(listed), "--no-rescreen")
    body = crypto_transfer_out(
        customer["external_id"],
        occurred_at=timezone.now().isoformat(),
        counterparty={"wallet_address": LISTED_WALLET, "chain": "tron"},
    )

    answer = check(api_client, body)

    assert answer["decision"] == "block"
    assert "SANCTIONED_COUNTERPARTY" in {r["typology"] for r in answer["reasons"]}


def test_a_withdrawal_over_the_tier_limit_is_blocked(api_client, customer):
    limit = assert_money(
        api_client.get(f"{API}/customers/{customer['id']}/").json()["limits"]["per_transaction_pkr"]
    )

    answer = check(api_client, withdrawal(customer["external_id"], f"{limit + 1:.2f}"))

    assert answer["decision"] == "block"
    assert "TIER_LIMIT" in {r["typology"] for r in answer["reasons"]}


def test_the_check_may_leave_out_occurred_at(api_client, customer):
    body = withdrawal(customer["external_id"])
    del body["occurred_at"]

    assert check(api_client, body)["decision"] == "allow"


def test_the_check_answers_bad_input_with_field_messages(api_client, customer):
    body = {**withdrawal(customer["external_id"]), "kind": "gift"}

    assert_error_shape(api_client.post(CHECK, body, format="json"), "kind")


def test_an_old_transaction_is_accepted_with_its_own_time(api_client, customer):
    at = timezone.now() - timedelta(days=40)
    body = tx_body(customer["external_id"], occurred_at=at.isoformat())

    created = api_client.post(TRANSACTIONS, body, format="json").json()
    shown = api_client.get(f"{TRANSACTIONS}{created['id']}/").json()

    assert assert_datetime(shown["occurred_at"]) == at
