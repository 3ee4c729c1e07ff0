"""POST /api/v1/travel-rule/transfers/: decisions, the sandbox counterparty, bad input."""

from __future__ import annotations

import json

import pytest
from coincurve import PrivateKey
from test_wallet_proofs import eth_address, eth_sign, tron_address, tron_sign
from travel_fixtures import *  # noqa: F403
from travel_fixtures import ETH_WALLET, transfer_body

from compliance.travel_rule.models import Message, OwnershipDeclaration, Transfer, Vasp
from core import pii
from core.models import AuditEvent

URL = "/api/v1/travel-rule/transfers/"


def post(client, body, **extra):
    return client.post(URL, body, format="json", **extra)


def test_above_pkr_one_million_the_sandbox_counterparty_approves_and_the_withdrawal_may_go(
    api_client, customer
):
    response = post(api_client, transfer_body(customer))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "ready" and body["may_proceed"] is True
    assert body["counterparty_vasp"] == "sandbox-counterparty"
    assert "counterparty approved the transfer" in body["reasons"]
    assert [(m["kind"], m["direction"]) for m in body["messages"]] == [
        ("inquiry", "sent"),
        ("resolution", "received"),
    ]
    transfer = Transfer.objects.get(pk=body["id"])
    # The identity data is at rest encrypted; the stored copy for display is masked.
    cnic = pii.normalize(customer.id_number)
    assert cnic not in json.dumps(transfer.ivms101_redacted)
    assert cnic in pii.decrypt(transfer.ivms101_encrypted)
    sent = transfer.messages.get(direction="sent")
    assert cnic not in json.dumps(sent.body_redacted) and sent.body_encrypted
    assert AuditEvent.objects.filter(
        action="travel_rule.transfer_prepared", object_id=str(transfer.pk)
    ).exists()


def test_the_prepared_ivms101_carries_the_kyc_originator_and_both_vasps(api_client, customer):
    body = post(api_client, transfer_body(customer)).json()
    ivms = api_client.get(f"{URL}{body['id']}/ivms101/").json()
    person = ivms["originator"]["originatorPersons"][0]["naturalPerson"]
    assert person["name"]["nameIdentifier"][0]["primaryIdentifier"] == "Ayesha Khan"
    assert person["nationalIdentification"]["nationalIdentifierType"] == "IDCD"
    assert person["nationalIdentification"]["nationalIdentifier"].startswith("*****")
    assert person["dateAndPlaceOfBirth"] == {"dateOfBirth": "1990-04-01", "placeOfBirth": "Karachi"}
    assert ivms["beneficiary"]["accountNumber"] == [ETH_WALLET]
    vasp_name = ivms["beneficiaryVASP"]["beneficiaryVASP"]["legalPerson"]["name"]
    assert vasp_name["nameIdentifier"][0]["legalPersonName"] == "Sandbox Counterparty Exchange"


def test_one_paisa_below_pkr_one_million_to_a_pakistani_rule_is_not_required(api_client, customer):
    Vasp.objects.filter(code="sandbox-counterparty").update(jurisdiction="PK")
    body = post(api_client, transfer_body(customer, amount_pkr="999999.99")).json()
    assert body["status"] == "not_required" and body["may_proceed"] is True
    assert body["messages"] == []


def test_a_usd_1000_counterparty_expects_data_below_our_threshold(api_client, customer):
    Vasp.objects.filter(code="sandbox-counterparty").update(jurisdiction="US")
    body = post(
        api_client, transfer_body(customer, amount_pkr="300000.00", fiat_values={"USD": "1075.00"})
    ).json()
    assert body["status"] == "ready"


def test_the_sandbox_rejects_an_unknown_beneficiary(api_client, customer):
    body = post(
        api_client, transfer_body(customer, beneficiary=None, beneficiary_name="Reject Me")
    ).json()
    assert body["status"] == "rejected" and body["may_proceed"] is False
    assert "counterparty rejected: unknown beneficiary" in body["reasons"]


def test_the_sandbox_may_answer_later(api_client, customer):
    body = post(api_client, transfer_body(customer, beneficiary_wallet="0xabc0000")).json()
    assert body["status"] == "awaiting_counterparty" and body["due_at"]


def test_an_unknown_counterparty_is_held_for_review_and_recorded(api_client, customer):
    body = post(api_client, transfer_body(customer, counterparty_vasp="nobody")).json()
    assert body["status"] == "review"
    assert any("unknown" in r for r in body["reasons"])
    assert Message.objects.filter(transfer_id=body["id"], kind="sunrise").count() == 1


def test_a_travel_address_of_a_vasp_outside_the_directory_is_held(api_client, customer):
    from compliance.travel_rule.protocols import travel_address

    address = travel_address.encode("https://unvetted.example.org/trp/inquiry/x")
    body = post(
        api_client, transfer_body(customer, counterparty_vasp=None, travel_address=address)
    ).json()
    assert body["status"] == "review" and body["messages"][0]["kind"] == "sunrise"
    bad = post(api_client, transfer_body(customer, travel_address="ta-not-an-address"))
    assert bad.status_code == 400 and "travel_address" in bad.json()["errors"]


def test_repeating_the_same_request_is_idempotent_and_a_changed_one_conflicts(api_client, customer):
    request = transfer_body(customer)
    first = post(api_client, request)
    again = post(api_client, request)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Transfer.objects.filter(external_id=request["external_id"]).count() == 1
    changed = post(api_client, {**request, "amount": "4001.00"})
    assert changed.status_code == 409


def test_an_unhosted_wallet_above_pkr_one_million_needs_a_proof(api_client, customer):
    key = PrivateKey(bytes.fromhex("2" * 64))
    wallet = eth_address(key)
    body = transfer_body(
        customer,
        wallet_type="unhosted",
        counterparty_vasp=None,
        beneficiary_wallet=wallet,
        beneficiary=None,
        beneficiary_name="Ayesha Khan",
    )
    declared_only = post(api_client, {**body, "ownership": {"is_own_wallet": True}}).json()
    assert declared_only["status"] == "rejected"
    message = "I control this wallet: W-proof"
    proved = post(
        api_client,
        {
            **body,
            "external_id": "W-proof",
            "ownership": {
                "is_own_wallet": True,
                "proof": {"message": message, "signature": eth_sign(key, message)},
            },
        },
    ).json()
    assert proved["status"] == "ready", proved
    declaration = OwnershipDeclaration.objects.get(transfer_id=proved["id"])
    assert declaration.proof_verified and declaration.proof_method == "eip191"


def test_a_tron_proof_is_verified_through_the_declarations_endpoint(api_client, customer):
    key = PrivateKey(bytes.fromhex("3" * 64))
    message = "TRON wallet of Ayesha Khan"
    response = api_client.post(
        "/api/v1/travel-rule/wallet-declarations/",
        {
            "customer": customer.external_id,
            "chain": "tron",
            "address": tron_address(key),
            "proof": {"message": message, "signature": tron_sign(key, message)},
        },
        format="json",
    )
    assert response.status_code == 201 and response.json()["proof_verified"] is True
    forged = api_client.post(
        "/api/v1/travel-rule/wallet-declarations/",
        {
            "customer": customer.external_id,
            "chain": "tron",
            "address": tron_address(key),
            "proof": {"message": message, "signature": tron_sign(PrivateKey(), message)},
        },
        format="json",
    )
    assert forged.status_code == 400
    assert "not made by this address" in forged.json()["errors"]["ownership.proof"][0]


@pytest.mark.parametrize(
    ("beneficiary", "path"),
    [
        (
            {
                "naturalPerson": {
                    "name": {
                        "nameIdentifier": [{"primaryIdentifier": 7, "nameIdentifierType": "LEGL"}]
                    }
                }
            },
            "beneficiary.naturalPerson.name.nameIdentifier[0].primaryIdentifier",
        ),
        (
            {"naturalPerson": {"name": {"nameIdentifier": []}}},
            "beneficiary.naturalPerson.name.nameIdentifier",
        ),
        (
            {
                "naturalPerson": {
                    "name": {
                        "nameIdentifier": [{"primaryIdentifier": "A", "nameIdentifierType": "LEGL"}]
                    },
                    "countryOfResidence": "QQ",
                }
            },
            "beneficiary.naturalPerson.countryOfResidence",
        ),
        ("not a person", "beneficiary"),
    ],
)
def test_malformed_beneficiary_ivms101_is_a_400_at_its_path(
    api_client, customer, beneficiary, path
):
    response = post(api_client, transfer_body(customer, beneficiary=beneficiary))
    assert response.status_code == 400, response.json()
    assert path in response.json()["errors"], response.json()


def test_a_one_megabyte_payload_is_refused_with_a_field_message(api_client, customer):
    body = transfer_body(customer, beneficiary_name="x" * 1_000_000, beneficiary=None)
    response = post(api_client, body)
    assert response.status_code == 400
    assert "body" in response.json()["errors"]


def test_ivms101_import_validates_and_normalizes(api_client):
    from ivms_samples import transfer_payload

    ok = api_client.post("/api/v1/travel-rule/ivms101/validate/", transfer_payload(), format="json")
    assert ok.status_code == 200 and ok.json()["ivms101"] == transfer_payload()
    bad = transfer_payload()
    bad["originator"]["originatorPersons"][0]["naturalPerson"]["geographicAddress"][0][
        "country"
    ] = "ZZ"
    response = api_client.post("/api/v1/travel-rule/ivms101/validate/", bad, format="json")
    assert response.status_code == 400
    path = "originator.originatorPersons[0].naturalPerson.geographicAddress[0].country"
    assert "C3" in response.json()["errors"][path][0]


def test_a_key_without_the_travel_rule_scope_is_refused(make_api_client, customer):
    client = make_api_client(["transactions"])
    assert post(client, transfer_body(customer)).status_code == 403


def test_regulator_records_list_transfers_above_the_threshold_as_json_and_csv(api_client, customer):
    post(api_client, transfer_body(customer))
    Vasp.objects.filter(code="sandbox-counterparty").update(jurisdiction="PK")
    post(api_client, transfer_body(customer, amount_pkr="500000.00"))
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    data = api_client.get(
        "/api/v1/travel-rule/records/", {"date_from": today, "date_to": today}
    ).json()
    assert data["count"] == 1 and data["threshold"] == {"amount": "1000000.00", "currency": "PKR"}
    record = data["records"][0]
    assert (
        record["originator_name"] == "Ayesha Khan" and record["beneficiary_name"] == "Bilal Ahmed"
    )
    csv_response = api_client.get(
        "/api/v1/travel-rule/records/", {"date_from": today, "date_to": today, "output": "csv"}
    )
    lines = csv_response.content.decode().splitlines()
    assert lines[0].startswith("transfer_id,direction") and len(lines) == 2


def test_a_counterparty_that_lets_the_sla_pass_leaves_the_withdrawal_to_an_officer(
    api_client, customer, staff_user
):
    from datetime import timedelta

    from django.utils import timezone

    from compliance.travel_rule.services import outgoing
    from core.actors import Actor

    body = post(api_client, transfer_body(customer, beneficiary_wallet="0xabc0000")).json()
    waiting = Transfer.objects.get(pk=body["id"])
    assert outgoing.hold_overdue(now=waiting.due_at - timedelta(seconds=1)) == 0
    assert outgoing.hold_overdue(now=waiting.due_at + timedelta(seconds=1)) == 1
    held = api_client.get(f"{URL}{waiting.pk}/").json()
    assert held["status"] == "review" and held["may_proceed"] is False
    assert "did not answer by" in held["reasons"][-1]
    assert (
        AuditEvent.objects.filter(
            action="travel_rule.held_overdue", object_id=str(waiting.pk)
        ).count()
        == 1
    )
    assert outgoing.hold_overdue(now=timezone.now() + timedelta(days=30)) == 0  # once only
    # No further inquiry goes out; the officer decides.
    assert Transfer.objects.get(pk=waiting.pk).next_attempt_at is None
    officer = Actor.for_user(staff_user("MLRO"))
    outgoing.decide_held_outgoing(
        transfer=waiting, allow=False, reason="No answer from the VASP.", actor=officer
    )
    assert api_client.get(f"{URL}{waiting.pk}/").json()["status"] == "rejected"
