"""API.md "Reports (regulator filings)": GET /reports/ and /reports/{id}/xml/ with reports:read."""

from __future__ import annotations

import uuid

import pytest
from contract_fixtures import *  # noqa: F403
from contract_fixtures import (
    API,
    approve,
    assert_datetime,
    assert_error_shape,
    assert_page,
    create_customer,
    tx_body,
)
from lxml import etree

pytestmark = pytest.mark.django_db
REPORTS = f"{API}/reports/"
REPORT_FIELDS = {"id", "kind", "status", "reference", "customer", "due_at", "submitted_at"}
REPORT_STATUSES = {
    "draft", "pending_approval", "approved", "submitted", "acknowledged", "rejected",
}  # fmt: skip


@pytest.fixture(autouse=True)
def sandbox_goaml(settings, tmp_path):
    settings.GOAML_DROP_DIR = tmp_path / "goaml-drop"
    settings.GOAML_SUBMITTER = "reporting.submission.SandboxGoAML"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def regulator(make_api_client):
    return make_api_client(["reports:read"])


@pytest.fixture
def ctr(api_client):
    """The CTR drafted for a cash deposit of PKR 2.5M the exchange sent (drafting from the
    monitoring signal is tested in reporting's suite)."""
    from compliance.monitoring.models import Transaction
    from reporting import services

    customer = create_customer(api_client)
    approve(customer["id"], tier="enhanced")
    body = tx_body(
        customer["external_id"], channel="cash", amount="2500000.00", amount_pkr="2500000.00"
    )
    del body["counterparty"]
    created = api_client.post(f"{API}/transactions/", body, format="json").json()
    return services.draft_ctr_for_transaction(tx=Transaction.objects.get(pk=created["id"]))


def file(report, staff_user):
    """Analyst asks for approval, an MLRO approves and files it with the (sandbox) FMU."""
    from core.actors import Actor
    from reporting import services

    analyst, mlro = staff_user("Analyst"), staff_user("MLRO")
    services.submit_for_approval(report=report, actor=Actor.for_user(analyst))
    services.approve(report=report, actor=Actor.for_user(mlro))
    return services.submit(report=report, actor=Actor.for_user(mlro))


def assert_report_shape(item: dict) -> None:
    assert set(item) == REPORT_FIELDS, set(item) ^ REPORT_FIELDS
    uuid.UUID(item["id"])
    assert item["kind"] in {"STR", "CTR", "STR-F"}
    assert item["status"] in REPORT_STATUSES
    assert isinstance(item["reference"], str) and item["reference"]
    assert item["customer"] is None or uuid.UUID(item["customer"])
    assert item["due_at"] is None or assert_datetime(item["due_at"])
    assert item["submitted_at"] is None or assert_datetime(item["submitted_at"])


def test_a_drafted_ctr_is_listed_with_the_contract_fields(regulator, ctr):
    response = regulator.get(REPORTS)

    assert response.status_code == 200
    [item] = assert_page(response.json())
    assert_report_shape(item)
    assert (item["id"], item["kind"], item["status"]) == (str(ctr.pk), "CTR", "draft")
    assert item["customer"] == str(ctr.customer_id)
    assert item["due_at"] is not None and item["submitted_at"] is None


def test_reports_filter_by_kind_and_status(regulator, ctr, staff_user):
    file(ctr, staff_user)

    def kinds(**query):
        response = regulator.get(REPORTS, query)
        assert response.status_code == 200
        return [(r["kind"], r["status"]) for r in assert_page(response.json())]

    filed = kinds(kind="CTR")
    assert len(filed) == 1 and filed[0][1] in {"submitted", "acknowledged"}
    assert kinds(kind="STR") == []
    assert kinds(status=filed[0][1]) == filed
    assert kinds(status="draft") == []


def test_a_filed_report_shows_when_it_was_submitted(regulator, ctr, staff_user):
    file(ctr, staff_user)

    [item] = regulator.get(REPORTS).json()["results"]

    assert_datetime(item["submitted_at"])


def test_an_unknown_filter_value_is_400(regulator):
    assert_error_shape(regulator.get(REPORTS, {"kind": "SAR"}), "kind")
    assert_error_shape(regulator.get(REPORTS, {"status": "lost"}), "status")


def test_the_xml_is_served_as_filed(regulator, ctr, staff_user):
    filed = file(ctr, staff_user)

    response = regulator.get(f"{REPORTS}{filed.pk}/xml/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert response.content == filed.xml.encode()
    root = etree.fromstring(response.content)
    assert etree.QName(root).localname == "report"


def test_the_xml_of_an_unknown_report_is_404(regulator):
    assert regulator.get(f"{REPORTS}{uuid.uuid4()}/xml/").status_code == 404


def test_the_exchange_key_without_reports_read_never_sees_filings(make_api_client, ctr):
    exchange = make_api_client(
        ["customers:read", "customers:write", "transactions:read", "transactions:write"]
    )

    assert exchange.get(REPORTS).status_code == 403
    assert exchange.get(f"{REPORTS}{ctr.pk}/xml/").status_code == 403
