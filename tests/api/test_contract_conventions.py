"""API.md "Conventions": keys and scopes, whoami, pagination, money, times, errors, and the
served OpenAPI document."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from io import StringIO

import pytest
from contract_fixtures import *  # noqa: F403
from contract_fixtures import (
    API,
    approve,
    assert_datetime,
    assert_money,
    assert_page,
    create_customer,
    floats_in,
    make_alert,
    tx_body,
)
from django.core.management import call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db
ALL_SCOPES = [
    "customers:read", "customers:write", "transactions:read", "transactions:write", "screening",
    "alerts:read", "reports:read",
]  # fmt: skip
SOME_ID = "00000000-0000-4000-8000-000000000000"

# Every operation API.md names, with the scope it needs (None: any valid key).
OPERATIONS = [
    ("get", "/whoami/", None),
    ("get", "/customers/", "customers:read"),
    ("post", "/customers/", "customers:write"),
    ("get", f"/customers/{SOME_ID}/", "customers:read"),
    ("patch", f"/customers/{SOME_ID}/", "customers:write"),
    ("post", f"/customers/{SOME_ID}/documents/", "customers:write"),
    ("post", f"/customers/{SOME_ID}/submit/", "customers:write"),
    ("post", f"/customers/{SOME_ID}/wallets/", "customers:write"),
    ("post", "/transactions/", "transactions:write"),
    ("get", f"/transactions/{SOME_ID}/", "transactions:read"),
    ("post", "/transactions/bulk/", "transactions:write"),
    ("post", "/transactions/check/", "transactions:write"),
    ("get", "/alerts/", "alerts:read"),
    ("post", "/screening/search/", "screening"),
    ("post", "/screening/wallet/", "screening"),
    ("get", "/reports/", "reports:read"),
    ("get", f"/reports/{SOME_ID}/xml/", "reports:read"),
]
# The paths of API.md as OpenAPI templates (parameter names are the implementation's).
CONTRACT_PATHS = {
    "/api/v1/whoami/": {"get"},
    "/api/v1/customers/": {"get", "post"},
    "/api/v1/customers/{}/": {"get", "patch"},
    "/api/v1/customers/{}/documents/": {"post"},
    "/api/v1/customers/{}/submit/": {"post"},
    "/api/v1/customers/{}/wallets/": {"post"},
    "/api/v1/transactions/": {"post"},
    "/api/v1/transactions/{}/": {"get"},
    "/api/v1/transactions/bulk/": {"post"},
    "/api/v1/transactions/check/": {"post"},
    "/api/v1/alerts/": {"get"},
    "/api/v1/screening/search/": {"post"},
    "/api/v1/screening/wallet/": {"post"},
    "/api/v1/reports/": {"get"},
    "/api/v1/reports/{}/xml/": {"get"},
}


def call(client: APIClient, method: str, path: str):
    return getattr(client, method)(f"{API}{path}", {}, format="json")


# -- keys, whoami, 401 and 403 ------------------------------------------------------------------


def test_whoami_names_the_calling_key_and_its_scopes(make_api_client):
    client = make_api_client(["customers:read", "transactions:write"])

    response = client.get(f"{API}/whoami/")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"name", "scopes"}
    assert body["name"].startswith("test-key-")
    assert sorted(body["scopes"]) == ["customers:read", "transactions:write"]


def test_create_api_key_prints_the_key_alone_on_its_last_line_and_stores_only_a_hash():
    from core.models import ApiKey

    out = StringIO()
    call_command(
        "create_api_key", "exchange-backend", "--scopes", "customers", stdout=out, stderr=StringIO()
    )
    key = out.getvalue().strip().splitlines()[-1].strip()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")

    whoami = client.get(f"{API}/whoami/")

    assert whoami.status_code == 200 and whoami.json()["name"] == "exchange-backend"
    stored = ApiKey.objects.get(name="exchange-backend")
    assert key not in {stored.key_hash, stored.prefix, *map(str, stored.scopes)}
    assert client.get(f"{API}/customers/").status_code == 200


@pytest.mark.parametrize(("method", "path", "scope"), OPERATIONS)
def test_a_missing_key_is_401(method, path, scope):
    response = call(APIClient(), method, path)

    assert response.status_code == 401, (method, path, response.content)


@pytest.mark.parametrize(
    "header", ["Api-Key not-a-real-key", "Bearer some-token", "Api-Key", "Token abc"]
)
def test_a_bad_key_is_401(header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    assert client.get(f"{API}/whoami/").status_code == 401
    assert client.get(f"{API}/customers/").status_code == 401


def test_a_revoked_key_is_401(make_api_client):
    client = make_api_client(["customers:read"])
    name = client.get(f"{API}/whoami/").json()["name"]

    call_command("revoke_api_key", name, stdout=StringIO())

    assert client.get(f"{API}/customers/").status_code == 401


@pytest.mark.parametrize(
    ("method", "path", "scope"), [op for op in OPERATIONS if op[2] is not None]
)
def test_a_key_without_the_needed_scope_is_403(make_api_client, method, path, scope):
    client = make_api_client([s for s in ALL_SCOPES if s != scope])

    response = call(client, method, path)

    assert response.status_code == 403, (method, path, response.content)
    assert response.json()["detail"]


def test_a_key_with_only_the_needed_scope_gets_through(make_api_client):
    reader = make_api_client(["customers:read"])
    writer = make_api_client(["customers:write"])

    assert reader.get(f"{API}/customers/").status_code == 200
    assert writer.get(f"{API}/customers/").status_code == 403
    assert reader.post(f"{API}/customers/", {}, format="json").status_code == 403
    assert writer.post(f"{API}/customers/", {}, format="json").status_code == 400


# -- errors ----------------------------------------------------------------------------------------


def test_an_unknown_object_is_404_on_every_lookup(make_api_client):
    client = make_api_client(ALL_SCOPES)
    for path in (
        f"/customers/{SOME_ID}/",
        "/customers/NOBODY/",
        f"/transactions/{SOME_ID}/",
        "/transactions/NOTHING/",
        f"/alerts/{SOME_ID}/",
        f"/reports/{SOME_ID}/xml/",
    ):
        assert client.get(f"{API}{path}").status_code == 404, path


@pytest.mark.parametrize(
    "path", ["/customers/", "/transactions/", "/transactions/bulk/", "/transactions/check/",
             "/screening/search/", "/screening/wallet/"],
)  # fmt: skip
def test_malformed_json_is_a_400_in_the_error_shape_never_a_500(api_client, path):
    response = api_client.post(f"{API}{path}", b'{"name": ', content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and response.json()["errors"]


# -- pagination ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/customers/", "/transactions/", "/alerts/", "/reports/"])
def test_every_list_is_paginated_with_count_next_previous_results(make_api_client, path):
    response = make_api_client(ALL_SCOPES).get(f"{API}{path}")

    assert response.status_code == 200
    assert_page(response.json())


def test_page_size_is_honoured_up_to_500(api_client):
    customer = create_customer(api_client)
    items = [tx_body(customer["id"]) for _ in range(501)]
    for start in (0, 500):
        bulk = api_client.post(
            f"{API}/transactions/bulk/", {"transactions": items[start : start + 500]}, format="json"
        )
        assert {r["status"] for r in bulk.json()["results"]} == {"created"}

    small = api_client.get(f"{API}/transactions/", {"page_size": 2}).json()
    full = api_client.get(f"{API}/transactions/", {"page_size": 500}).json()
    capped = api_client.get(f"{API}/transactions/", {"page_size": 1000}).json()
    last = api_client.get(f"{API}/transactions/", {"page_size": 500, "page": 2}).json()

    assert small["count"] == full["count"] == 501
    assert len(small["results"]) == 2 and small["next"] and small["previous"] is None
    assert len(full["results"]) == 500 and full["next"]
    assert len(capped["results"]) == 500
    assert len(last["results"]) == 1 and last["next"] is None and last["previous"]
    seen = {t["id"] for t in full["results"]} | {t["id"] for t in last["results"]}
    assert len(seen) == 501


# -- money and times -------------------------------------------------------------------------------


def test_no_response_carries_money_as_a_json_float(api_client, make_api_client):
    customer = create_customer(api_client)
    approve(customer["id"], tier="standard")
    tx = api_client.post(
        f"{API}/transactions/",
        tx_body(customer["external_id"], amount="1250000.50", amount_pkr="1250000.50"),
        format="json",
    ).json()
    make_alert(customer["id"], [tx["id"]])
    check = tx_body(customer["external_id"], kind="withdrawal", amount="10.00", amount_pkr="10.00")
    bulk = {"transactions": [tx_body(customer["external_id"])]}

    responses = {
        "customer": api_client.get(f"{API}/customers/{customer['id']}/"),
        "customers": api_client.get(f"{API}/customers/"),
        "transaction": api_client.get(f"{API}/transactions/{tx['id']}/"),
        "transactions": api_client.get(f"{API}/transactions/"),
        "alerts": api_client.get(f"{API}/alerts/"),
        "bulk": api_client.post(f"{API}/transactions/bulk/", bulk, format="json"),
        "check": api_client.post(f"{API}/transactions/check/", check, format="json"),
        "reports": make_api_client(["reports:read"]).get(f"{API}/reports/"),
    }

    for name, response in responses.items():
        assert response.status_code == 200, (name, response.content)
        assert floats_in(response.json()) == [], name
    shown = responses["transaction"].json()
    assert (
        assert_money(shown["amount"]) == assert_money(shown["amount_pkr"]) == Decimal("1250000.5")
    )
    limits = responses["customer"].json()["limits"]
    assert all(isinstance(v, str) for k, v in limits.items() if k.endswith("_pkr"))


def test_times_are_iso_8601_with_an_offset(api_client):
    customer = create_customer(api_client)
    tx = api_client.post(
        f"{API}/transactions/",
        tx_body(customer["id"], occurred_at="2026-10-01T09:30:00+05:00"),
        format="json",
    ).json()

    shown = api_client.get(f"{API}/transactions/{tx['id']}/").json()
    profile = api_client.get(f"{API}/customers/{customer['id']}/").json()

    assert assert_datetime(shown["occurred_at"]) == assert_datetime("2026-10-01T04:30:00Z")
    for value in (shown["created_at"], profile["created_at"], profile["updated_at"]):
        assert_datetime(value)


def test_ids_are_uuids(api_client):
    customer = create_customer(api_client)
    tx = api_client.post(f"{API}/transactions/", tx_body(customer["id"]), format="json").json()

    uuid.UUID(customer["id"])
    uuid.UUID(tx["id"])


# -- the served OpenAPI document -------------------------------------------------------------------


@pytest.fixture(scope="module")
def openapi():
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200, response.content
    return response.json()


def test_the_openapi_document_is_served_without_a_key_and_names_the_api_key_scheme(openapi):
    schemes = openapi["components"]["securitySchemes"]

    assert any(
        s.get("type") == "apiKey" and s.get("in") == "header" and s.get("name") == "Authorization"
        for s in schemes.values()
    )


def test_the_openapi_document_has_every_path_and_method_of_the_contract(openapi):
    served: dict[str, set[str]] = {}
    for path, operations in openapi["paths"].items():
        template = re.sub(r"\{[^}]+\}", "{}", path)
        served.setdefault(template, set()).update(
            m for m in operations if m in {"get", "post", "put", "patch", "delete"}
        )

    missing = {
        path: sorted(methods - served.get(path, set()))
        for path, methods in CONTRACT_PATHS.items()
        if methods - served.get(path, set())
    }
    assert missing == {}


def test_the_openapi_document_types_money_as_strings(openapi):
    money = {}
    for component, schema in openapi["components"]["schemas"].items():
        for name, prop in schema.get("properties", {}).items():
            if name in {"amount", "amount_pkr"} or name.endswith("_pkr"):
                money[f"{component}.{name}"] = prop.get("type")

    assert money and {k: t for k, t in money.items() if t != "string"} == {}


def enums(openapi) -> list[set]:
    return [
        set(schema["enum"])
        for schema in openapi["components"]["schemas"].values()
        if "enum" in schema
    ]


@pytest.mark.parametrize(
    "vocabulary",
    [
        {"individual", "entity"},
        {"M", "F", "X"},
        {"CNIC", "SNIC", "NICOP", "POC", "PASSPORT", "FOREIGN_ID"},
        {"low", "medium", "high", "prohibited"},
        {"id_front", "id_back", "selfie", "proof_of_address", "source_of_funds", "other"},
        {"deposit", "withdrawal", "trade_buy", "trade_sell", "transfer_in", "transfer_out", "p2p"},
        {"bank", "cash", "card", "crypto", "internal"},
        {"created", "duplicate", "invalid"},
        {"allow", "review", "block"},
        {"low", "medium", "high", "critical"},
        {"open", "in_case", "closed"},
        {"person", "entity"},
        {"draft", "pending_approval", "approved", "submitted", "acknowledged", "rejected"},
        {"salaried_private", "student", "business_owner"},  # occupation
        {"salary", "home_remittance", "business_income", "savings"},  # source_of_funds
        {"investment", "trading", "remittance"},  # purpose_of_account
    ],
)
def test_the_openapi_document_publishes_the_contract_vocabularies(openapi, vocabulary):
    assert any(vocabulary <= values for values in enums(openapi)), sorted(vocabulary)


def test_the_openapi_document_is_generated_without_warnings(tmp_path):
    call_command(
        "spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"), stderr=StringIO()
    )


# -- webhooks --------------------------------------------------------------------------------------


class Receiver:
    """The exchange's webhook endpoint: a real HTTP server on loopback recording each POST."""

    def __init__(self):
        import threading
        from http.server import BaseHTTPRequestHandler, HTTPServer

        self.received: list[tuple[dict[str, str], bytes]] = []
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append((dict(self.headers), body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/nigraan-hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver():
    hooks = Receiver()
    yield hooks
    hooks.server.shutdown()
    hooks.server.server_close()


def test_webhooks_are_signed_posts_of_the_contract_events(
    api_client, receiver, django_capture_on_commit_callbacks
):
    import hashlib
    import hmac
    import json

    from core.actors import Actor
    from core.models import WebhookEndpoint
    from kyc import selectors, services

    secret = "exchange-shared-secret-0123456789"
    WebhookEndpoint.objects.create(name="exchange", url=receiver.url, secret=secret)
    customer = create_customer(api_client)
    approve(customer["id"], tier="enhanced")
    cash = tx_body(
        customer["external_id"], channel="cash", amount="2500000.00", amount_pkr="2500000.00"
    )
    del cash["counterparty"]

    with django_capture_on_commit_callbacks(execute=True):
        api_client.post(f"{API}/transactions/", cash, format="json")
    with django_capture_on_commit_callbacks(execute=True):
        services.freeze_customer(
            customer=selectors.get_customer(customer["id"]),
            actor=Actor.automated("contract tests"),
            reason="Confirmed sanctions match",
        )

    events = set()
    for headers, raw in receiver.received:
        signature = {k.lower(): v for k, v in headers.items()}["x-nigraan-signature"]
        expected = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(signature, expected)
        events.add(json.loads(raw)["type"])
    assert {
        "customer.status_changed",
        "customer.frozen",
        "alert.created",
        "transaction.screened",
    } <= events
