"""GET /reports/ and /reports/{id}/xml/ (API.md "Reports"), for keys with reports:read."""

import pytest

from reporting.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports_client(make_api_client):
    return make_api_client(["reports:read"])


def test_list_gives_the_contract_fields(reports_client, customer, make_str):
    filed = make_str(customer)

    response = reports_client.get("/api/v1/reports/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["results"][0]
    assert set(item) == {"id", "kind", "status", "reference", "customer", "due_at", "submitted_at"}
    assert (item["id"], item["kind"], item["status"], item["reference"], item["customer"]) == (
        str(filed.pk),
        "STR",
        "acknowledged",
        filed.reference,
        str(customer.pk),
    )
    assert item["due_at"].endswith("+05:00")  # ISO 8601 with offset, Karachi
    assert item["submitted_at"] is not None


def test_list_filters_by_kind_and_status(reports_client, make_customer, make_str, make_tx):
    from reporting import services

    make_str(make_customer())
    make_str(make_customer(), filed=False)
    services.draft_ctr_for_transaction(tx=make_tx(make_customer()))

    def refs(query):
        return {r["kind"] + ":" + r["status"] for r in reports_client.get(query).json()["results"]}

    assert refs("/api/v1/reports/?kind=STR") == {"STR:acknowledged", "STR:draft"}
    assert refs("/api/v1/reports/?kind=CTR") == {"CTR:draft"}
    assert refs("/api/v1/reports/?status=acknowledged") == {"STR:acknowledged"}


def test_unknown_filter_value_is_a_400_with_the_field(reports_client):
    response = reports_client.get("/api/v1/reports/?kind=SAR")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "kind" in response.json()["errors"]


def test_xml_is_served_exactly_as_filed(reports_client, customer, make_str, goaml_drop_dir):
    filed = make_str(customer)

    response = reports_client.get(f"/api/v1/reports/{filed.pk}/xml/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert response.content == (goaml_drop_dir / f"{filed.reference}.xml").read_bytes()
    assert response["X-Content-SHA256"] == filed.xml_sha256


def test_unknown_report_is_404(reports_client):
    response = reports_client.get("/api/v1/reports/00000000-0000-0000-0000-000000000000/xml/")

    assert response.status_code == 404


def test_a_key_without_reports_read_gets_403(make_api_client, customer, make_str):
    filed = make_str(customer)
    exchange = make_api_client(["customers:read", "customers:write", "transactions:write"])

    assert exchange.get("/api/v1/reports/").status_code == 403
    assert exchange.get(f"/api/v1/reports/{filed.pk}/xml/").status_code == 403


def test_no_key_is_401(client):
    assert client.get("/api/v1/reports/").status_code == 401


def test_the_api_cannot_change_a_report(reports_client, customer, make_str):
    filed = make_str(customer)

    assert reports_client.post("/api/v1/reports/", {}, format="json").status_code in (403, 405)
    assert Report.objects.get(pk=filed.pk).status == "acknowledged"
