"""``GET /customers/{id}/network/`` and the onboarding device/IP fields of the contract."""

from __future__ import annotations

import pytest

from compliance.network import services
from compliance.network.models import LinkKey
from tests.kyc.conftest import as_json, individual_data

from .network_fixtures import T0, customer, hours, ingest, payment

pytestmark = pytest.mark.django_db


def _network(client, ref, **params):
    return client.get(f"/api/v1/customers/{ref}/network/", params)


def test_two_hop_network_names_nodes_and_edges_with_reason_and_since(api_client):
    a = customer(onboarding_device_id="dev-a", mobile="+923001111111")
    b = customer(onboarding_device_id="dev-a")
    c = customer(mobile="+923001111111", email="c@example.pk")
    d = customer(email="c@example.pk")
    services.update_customers([a.pk, b.pk, c.pk, d.pk])
    one = _network(api_client, a.external_id, hops=1).json()
    assert {n["id"] for n in one["nodes"] if n["kind"] == "customer"} == {
        str(a.pk),
        str(b.pk),
        str(c.pk),
    }
    two = _network(api_client, a.pk).json()  # default 2 hops
    customers = {n["id"] for n in two["nodes"] if n["kind"] == "customer"}
    assert customers == {str(a.pk), str(b.pk), str(c.pk), str(d.pk)}
    assert two["truncated"] is False
    kinds = {n["kind"] for n in two["nodes"]}
    assert {"device", "phone", "email"} <= kinds
    edge = next(e for e in two["edges"] if e["source"] == str(b.pk))
    assert edge["reason"] == "same onboarding device"
    assert edge["since"]
    assert set(two) == {"nodes", "edges", "truncated"}


def test_payments_to_a_shared_wallet_appear_as_edges(
    api_client, django_capture_on_commit_callbacks
):
    a, b = customer(), customer()
    with django_capture_on_commit_callbacks(execute=True):
        ingest(payment(a, T0))
        ingest(payment(b, T0 + hours(1)))
    body = _network(api_client, a.pk, hops=1).json()
    wallet = next(n for n in body["nodes"] if n["kind"] == "wallet")
    assert {e["reason"] for e in body["edges"] if e["target"] == wallet["id"]} == {"paid"}
    assert str(b.pk) in {n["id"] for n in body["nodes"]}


def test_bad_hops_is_a_400_and_an_unknown_customer_a_404(api_client):
    a = customer()
    assert _network(api_client, a.pk, hops=0).status_code == 400
    assert _network(api_client, a.pk, hops=99).json()["errors"]["hops"]
    assert _network(api_client, a.pk, hops="two").status_code == 400
    assert _network(api_client, "no-such-customer").status_code == 404


def test_the_endpoint_needs_the_customers_scope(make_api_client):
    a = customer()
    assert _network(make_api_client(["transactions:read"]), a.pk).status_code == 403
    assert _network(make_api_client(["customers:read"]), a.pk).status_code == 200


def test_a_super_node_is_recorded_and_shown_but_not_expanded(api_client, settings):
    settings.NETWORK_SUPER_NODE_HOLDERS = 5
    nat = [customer(onboarding_ip_address="39.32.1.1") for _ in range(6)]
    services.update_customers([c.pk for c in nat])
    ip = LinkKey.objects.get(kind="ip")
    assert ip.holders == 6
    body = _network(api_client, nat[0].pk).json()
    node = next(n for n in body["nodes"] if n["kind"] == "ip")
    assert node["super_node"] is True
    assert [n for n in body["nodes"] if n["kind"] == "customer"] == [
        n for n in body["nodes"] if n["id"] == str(nat[0].pk)
    ]


def test_onboarding_takes_device_and_ip_and_refuses_malformed_ones(
    api_client, django_capture_on_commit_callbacks
):
    body = as_json(individual_data(device_id="dev-42", ip_address="39.40.1.2"))
    with django_capture_on_commit_callbacks(execute=True):
        created = api_client.post("/api/v1/customers/", body, format="json")
    assert created.status_code == 201, created.json()
    cid = created.json()["id"]
    kinds = set(LinkKey.objects.filter(links__customer_id=cid).values_list("kind", flat=True))
    assert {"device", "ip", "phone", "email", "address", "id_number"} <= kinds
    bad_ip = as_json(individual_data(ip_address="999.1.1.1"))
    response = api_client.post("/api/v1/customers/", bad_ip, format="json")
    assert response.status_code == 400 and "ip_address" in response.json()["errors"]
    huge = as_json(individual_data(device_id="x" * 10_240))
    response = api_client.post("/api/v1/customers/", huge, format="json")
    assert response.status_code == 400 and "device_id" in response.json()["errors"]


def test_transactions_refuse_malformed_ip_and_oversized_device(api_client):
    a = customer()
    body = payment(a, T0, ip_address="1.2.3.999")
    assert api_client.post("/api/v1/transactions/", body, format="json").status_code == 400
    body = payment(a, T0, device_id="d" * 10_240)
    response = api_client.post("/api/v1/transactions/", body, format="json")
    assert response.status_code == 400 and "device_id" in response.json()["errors"]
