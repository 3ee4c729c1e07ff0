"""Officers see travel-rule transfers: the awaiting queue with its SLA, the transfer with its
messages, the transaction page and the customer 360; policies change with four eyes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from travel_fixtures import *  # noqa: F403
from travel_fixtures import transfer_body

from compliance.monitoring.models import Transaction
from compliance.travel_rule.models import Transfer, TravelRulePolicy
from compliance.travel_rule.services import policies
from core.actors import Actor
from core.errors import FourEyesViolation


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def test_the_queue_lists_awaiting_transfers_with_their_sla(api_client, customer, staff_user):
    waiting = transfer_body(customer, beneficiary_wallet="0xabc0000")
    ready = transfer_body(customer)
    for body in (waiting, ready):
        api_client.post("/api/v1/travel-rule/transfers/", body, format="json")
    page = client_for(staff_user("Analyst")).get(
        reverse("admin:travel_rule_awaitingtransfer_changelist")
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert f">{waiting['external_id']}<" in text and "h left" in text
    assert f">{ready['external_id']}<" not in text


def test_a_transfer_page_shows_its_messages_and_masked_identity(api_client, customer, staff_user):
    transfer_id = api_client.post(
        "/api/v1/travel-rule/transfers/", transfer_body(customer), format="json"
    ).json()["id"]
    page = client_for(staff_user("MLRO")).get(
        reverse("admin:travel_rule_transfer_change", args=[transfer_id])
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "inquiry" in text and "resolution" in text
    from core import pii

    assert pii.normalize(customer.id_number) not in text


def test_the_transaction_and_customer_360_pages_show_travel_rule_transfers(
    api_client, customer, staff_user
):
    transfer_id = api_client.post(
        "/api/v1/travel-rule/transfers/", transfer_body(customer), format="json"
    ).json()["id"]
    tx = Transaction.objects.create(
        external_id="WD-1",
        customer=customer,
        kind="withdrawal",
        channel="crypto",
        asset="USDT",
        amount=Decimal("4000"),
        amount_pkr=Decimal("1120000"),
        occurred_at="2026-12-01T10:00Z",
        request_hash="z",
    )
    Transfer.objects.filter(pk=transfer_id).update(transaction=tx)
    client = client_for(staff_user("MLRO"))
    tx_page = client.get(reverse("admin:monitoring_transaction_change", args=[tx.pk]))
    assert (
        tx_page.status_code == 200 and "Sandbox Counterparty Exchange" in tx_page.content.decode()
    )
    page = client.get(reverse("workspace:customer-360", args=[customer.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="travel-rule"' in text and "sent inquiry" in text


def test_a_policy_version_needs_a_second_officer_to_activate(staff_user):
    maker = Actor.for_user(staff_user("MLRO"))
    checker = Actor.for_user(staff_user("MLRO"))
    row = policies.propose_policy(
        jurisdiction="PK",
        values={"threshold_amount": Decimal("500000")},
        note="draft regulations lowered",
        actor=maker,
    )
    assert row.version == 2 and row.status == "proposed"
    with pytest.raises(FourEyesViolation):
        policies.activate_policy(policy=row, actor=maker)
    policies.activate_policy(policy=row, actor=checker)
    statuses = dict(
        TravelRulePolicy.objects.filter(jurisdiction="PK").values_list("version", "status")
    )
    assert statuses == {1: "retired", 2: "active"}


def test_an_analyst_cannot_activate_a_policy(staff_user):
    row = policies.propose_policy(
        jurisdiction="AE", values={}, note="n", actor=Actor.for_user(staff_user("MLRO"))
    )
    with pytest.raises(FourEyesViolation):
        policies.activate_policy(policy=row, actor=Actor.for_user(staff_user("Analyst")))


def test_every_travel_rule_admin_page_renders(staff_user):
    client = client_for(staff_user("MLRO"))
    for model in ("transfer", "awaitingtransfer", "vasp", "travelrulepolicy"):
        assert client.get(reverse(f"admin:travel_rule_{model}_changelist")).status_code == 200


def test_the_inspection_export_includes_the_customers_travel_rule_messages(
    api_client, customer, staff_user
):
    import io
    import json
    import zipfile

    from core import pii
    from reporting import exports

    api_client.post("/api/v1/travel-rule/transfers/", transfer_body(customer), format="json")
    export = exports.build_inspection_export(
        actor=Actor.for_user(staff_user("Regulator")), customer=customer
    )
    archive = zipfile.ZipFile(io.BytesIO(export.content))
    raw = archive.read("travel_rule/transfers.json").decode()
    transfers = json.loads(raw)
    assert len(transfers) == 1 and transfers[0]["status"] == "ready"
    assert [m["kind"] for m in transfers[0]["messages"]] == ["inquiry", "resolution"]
    assert pii.normalize(customer.id_number) not in raw


def test_an_officer_releases_a_held_withdrawal_from_the_queue_with_a_reason(
    api_client, customer, staff_user
):
    held = api_client.post(
        "/api/v1/travel-rule/transfers/",
        transfer_body(customer, counterparty_vasp="nobody"),
        format="json",
    )
    transfer_id = held.json()["id"]
    assert held.json()["status"] == "review"
    client = client_for(staff_user("MLRO"))
    url = reverse("admin:travel_rule_awaitingtransfer_changelist")
    without = client.post(
        url,
        {"action": "allow_selected", "_selected_action": [transfer_id], "reason": ""},
        follow=True,
    )
    assert "A decision needs a reason" in without.content.decode()
    client.post(
        url,
        {
            "action": "allow_selected",
            "_selected_action": [transfer_id],
            "reason": "counterparty confirmed by phone; sunrise record kept",
        },
    )
    transfer = Transfer.objects.get(pk=transfer_id)
    assert transfer.status == "ready"
    assert transfer.reasons[-1].startswith("released by ")
    detail = api_client.get(f"/api/v1/travel-rule/transfers/{transfer_id}/").json()
    assert detail["may_proceed"] is True
