"""Incoming TRP inquiries: validation, screening, matching and the TRAVEL_RULE_MISMATCH rule."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from ivms_samples import transfer_payload
from travel_fixtures import *  # noqa: F403
from travel_fixtures import make_customer, peer_vasp

from compliance.monitoring.models import Alert, Transaction
from compliance.travel_rule import conf
from compliance.travel_rule.models import Transfer
from compliance.travel_rule.protocols import signing
from compliance.travel_rule.services import addresses, incoming
from core.actors import Actor

ACTOR = Actor.automated("tests")
WALLET = "0x52908400098527886E0F7030069857D2E4169EE7"


@pytest.fixture
def peer(db, settings):
    settings.TRAVEL_RULE_VASP_CODE = "peer-exchange"  # we sign as the peer in these tests
    return peer_vasp("https://peer.example.com")


@pytest.fixture
def receiver(db):
    return make_customer(full_name="Bilal Ahmed")


def inquire(client, receiver, *, ivms=None, amount=4000, body: bytes | None = None, sign=True):
    _, url = addresses.issue_travel_address(customer=receiver, wallet_address=WALLET, actor=ACTOR)
    path = url.split("://", 1)[1].split("/", 1)[1]
    path = "/" + path
    if body is None:
        body = json.dumps(
            {
                "asset": {"slip0044": 60},
                "amount": amount,
                "callback": "https://peer.example.com/cb",
                "IVMS101": ivms if ivms is not None else transfer_payload(),
                "extensions": {"assetSymbol": "USDT", "chain": "ethereum"},
            }
        ).encode()
    request_id = str(uuid.uuid4())
    headers = {"HTTP_API_VERSION": "3.1.0", "HTTP_REQUEST_IDENTIFIER": request_id}
    if sign:
        headers["HTTP_SIGNATURE"] = signing.sign(
            conf.signing_key(), conf.self_code(), "POST", path, request_id, body
        )
    return client.post(path, body, content_type="application/json", **headers)


def test_consistent_data_for_our_customer_is_approved(client, peer, receiver):
    response = inquire(client, receiver)
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["version"] == "3.1.0" and answer["approved"]["address"] == WALLET
    assert response["request-identifier"]
    transfer = Transfer.objects.get(direction="incoming")
    assert transfer.status == Transfer.Status.ACCEPTED and transfer.counterparty_vasp == peer
    assert not Alert.objects.filter(typology="TRAVEL_RULE_MISMATCH").exists()


def test_a_beneficiary_who_is_not_our_customer_raises_travel_rule_mismatch(client, peer):
    receiver = make_customer(full_name="Zainab Qureshi")
    response = inquire(client, receiver)
    assert response.status_code == 202  # held for an officer: the answer comes later
    alert = Alert.objects.get(typology="TRAVEL_RULE_MISMATCH")
    assert alert.customer == receiver and alert.rule.code == "PK-TRAVEL-RULE-MISMATCH"
    assert "'Bilal Ahmed'" in alert.explanation and "'Zainab Qureshi'" in alert.explanation
    assert alert.rule_version.number == 1
    transfer = Transfer.objects.get(direction="incoming")
    assert transfer.status == Transfer.Status.REVIEW and transfer.due_at
    # The same inquiry again (a retry) gets the same answer and no second alert.
    assert Alert.objects.filter(typology="TRAVEL_RULE_MISMATCH").count() == 1


def test_word_order_and_case_do_not_make_a_mismatch(client, peer):
    receiver = make_customer(full_name="AHMED bilal")
    assert inquire(client, receiver).status_code == 200


def test_an_officer_decides_a_held_transfer_with_a_reason(client, peer, settings, staff_user):
    receiver = make_customer(full_name="Zainab Qureshi")
    inquire(client, receiver)
    transfer = Transfer.objects.get(direction="incoming")
    settings.TRAVEL_RULE_HTTP_TIMEOUT = "0.5"  # peer.example.com is not reachable from tests
    officer = Actor.for_user(staff_user("MLRO"))
    decided = incoming.decide_held_transfer(
        transfer=transfer, accept=False, reason="beneficiary is not our customer", actor=officer
    )
    assert decided.status == Transfer.Status.REJECTED
    sent = decided.messages.filter(kind="resolution", direction="sent").last()
    assert sent.error  # the resolution POST is attempted and its failure is on record


def test_a_sanctioned_originator_is_rejected(client, peer, receiver):
    import io

    from compliance.screening import index
    from compliance.screening.services import import_watchlist

    rows = "entry_id,list,kind,name,aliases,date_of_birth,nationality,id_numbers,"
    rows += "wallet_addresses,program\n"
    rows += "T-1,OFAC,person,Ayesha Khan,,,,,,TEST\n"
    import_watchlist(
        source="csv",
        file=io.BytesIO(rows.encode()),
        actor=ACTOR,
        list_code="OFAC",
        file_name="test.csv",
        rescreen=False,
    )
    index.invalidate()
    try:
        response = inquire(client, receiver)
    finally:  # the in-memory index and name cache must not carry this list into other tests
        from compliance.monitoring import sanctions

        index.invalidate()
        sanctions._name_cache.clear()
    assert response.status_code == 200 and "rejected" in response.json(), response.json()
    transfer = Transfer.objects.get(direction="incoming")
    assert transfer.status == Transfer.Status.REJECTED
    assert "originator name 'Ayesha Khan' matches" in transfer.screening["hits"][0]


def test_received_data_is_matched_to_the_incoming_transaction(client, peer, receiver):
    tx = Transaction.objects.create(
        external_id="DEP-1",
        customer=receiver,
        kind="transfer_in",
        channel="crypto",
        asset="USDT",
        amount=Decimal("3990"),
        amount_pkr=Decimal("1117200"),
        occurred_at=timezone.now() - timedelta(hours=1),
        counterparty_wallet="TXaB1ZK7kH7sjDJyU5cZ9zKr5vQ6tNj7zS",
        request_hash="x",
    )
    inquire(client, receiver)
    transfer = Transfer.objects.get(direction="incoming")
    assert transfer.transaction == tx and transfer.amount_pkr == Decimal("1117200.00")


def test_data_arriving_first_is_matched_when_the_transaction_comes(client, peer, receiver):
    assert inquire(client, receiver, amount=4000).status_code == 200
    Transaction.objects.create(
        external_id="DEP-2",
        customer=receiver,
        kind="transfer_in",
        channel="crypto",
        asset="USDT",
        amount=Decimal("4030"),
        amount_pkr=Decimal("1128400"),
        occurred_at=timezone.now(),
        request_hash="y",
    )
    assert incoming.match_pending_incoming() == 1
    assert not Alert.objects.filter(typology="TRAVEL_RULE_MISMATCH").exists()  # within 1 %


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"beneficiary": None}, "IVMS101.beneficiary"),
        (
            {"originatingVASP": {"originatingVASP": {"legalPerson": {"name": {}}}}},
            "IVMS101.originatingVASP.originatingVASP.legalPerson.name.nameIdentifier",
        ),
    ],
)
def test_malformed_ivms101_is_answered_400_with_the_path(client, peer, receiver, change, path):
    response = inquire(client, receiver, ivms=transfer_payload(**change))
    assert response.status_code == 400
    assert path in response.json()["errors"], response.json()


def test_a_one_megabyte_inquiry_is_refused_before_parsing(client, peer, receiver):
    response = inquire(client, receiver, body=b'{"x": "' + b"a" * 1_000_000 + b'"}')
    assert response.status_code == 413
    assert "body" in response.json()["errors"]


def test_missing_trp_headers_are_a_400(client, peer, receiver):
    _, url = addresses.issue_travel_address(customer=receiver, wallet_address=WALLET, actor=ACTOR)
    response = client.post("/" + url.split("/", 3)[3], b"{}", content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"api-version", "request-identifier"}


def test_an_unknown_travel_address_is_404(client, peer):
    body = b"{}"
    headers = {
        "HTTP_API_VERSION": "3.1.0",
        "HTTP_REQUEST_IDENTIFIER": "r",
        "HTTP_SIGNATURE": signing.sign(
            conf.signing_key(), conf.self_code(), "POST", "/trp/inquiry/nope/", "r", body
        ),
    }
    response = client.post("/trp/inquiry/nope/", body, content_type="application/json", **headers)
    assert response.status_code == 404
