"""POST/GET/PATCH /api/v1/customers/ per API.md."""

from __future__ import annotations

import pytest

from kyc.models import Customer
from tests.kyc.conftest import as_json, entity_data, individual_data, new_cnic

pytestmark = pytest.mark.django_db
URL = "/api/v1/customers/"


def post(client, body):
    return client.post(URL, body, format="json")


def test_create_individual_answers_201_with_status_risk_tier_and_limits(api_client):
    response = post(api_client, as_json(individual_data(external_id="U-1")))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["external_id"] == "U-1"
    assert body["status"] == "draft"
    assert body["risk_level"] is None
    assert body["tier"] is None
    assert body["limits"] == {
        "per_transaction_pkr": "0.00",
        "daily_pkr": "0.00",
        "monthly_pkr": "0.00",
    }
    assert {"id", "risk_score", "next_review_due"} <= set(body)
    assert body["mobile"] == "+923001234567"
    assert "id_number" not in body
    assert body["id_number_masked"].endswith("-1")


def test_13_digit_cnic_is_stored_dashed(api_client):
    data = individual_data(id_number=new_cnic().replace("-", ""))
    response = post(api_client, as_json(data))
    assert response.status_code == 201
    customer = Customer.objects.get(pk=response.json()["id"])
    assert customer.id_number == f"{data['id_number'][:5]}-{data['id_number'][5:12]}-1"


def test_repeating_a_post_with_the_same_body_returns_200_and_the_same_customer(api_client):
    body = as_json(individual_data())
    first = post(api_client, body)
    again = post(api_client, body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Customer.objects.filter(external_id=body["external_id"]).count() == 1


def test_a_retry_with_equivalent_formatting_is_still_the_same_request(api_client):
    body = as_json(individual_data())
    first = post(api_client, body)
    retry = {**body, "mobile": "+923001234567", "id_number": body["id_number"].replace("-", "")}
    assert post(api_client, retry).json()["id"] == first.json()["id"]


def test_repeating_an_external_id_with_a_different_body_is_409(api_client):
    body = as_json(individual_data())
    post(api_client, body)
    response = post(api_client, {**body, "email": "other@example.pk"})
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


def test_duplicate_cnic_is_409_naming_the_existing_external_id(api_client):
    cnic = new_cnic()
    first = post(api_client, as_json(individual_data(external_id="U-1", id_number=cnic)))
    assert first.status_code == 201
    response = post(api_client, as_json(individual_data(external_id="U-2", id_number=cnic)))
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflict"
    assert body["existing_external_id"] == "U-1"
    assert "detail" in body


def test_duplicate_cnic_written_without_dashes_is_still_a_duplicate(api_client):
    cnic = new_cnic()
    post(api_client, as_json(individual_data(external_id="U-1", id_number=cnic)))
    response = post(
        api_client, as_json(individual_data(external_id="U-2", id_number=cnic.replace("-", "")))
    )
    assert response.json()["existing_external_id"] == "U-1"


def test_a_snic_with_a_cnic_customers_number_is_a_duplicate(api_client):
    cnic = new_cnic()
    post(api_client, as_json(individual_data(external_id="U-1", id_number=cnic)))
    response = post(
        api_client, as_json(individual_data(external_id="U-2", id_type="SNIC", id_number=cnic))
    )
    assert response.status_code == 409


def test_gender_mismatch_is_400_with_the_field_message(api_client):
    data = individual_data(id_number=new_cnic("F"), gender="M")
    response = post(api_client, as_json(data))
    assert response.status_code == 400
    assert response.json() == {
        "errors": {"gender": ["CNIC gender digit says female, gender is M."]},
        "code": "invalid",
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"id_number": "05202-1234567-1"}, "id_number"),
        ({"id_number": "3520212345"}, "id_number"),
        ({"date_of_birth": "2020-01-01"}, "date_of_birth"),
        ({"date_of_birth": "not-a-date"}, "date_of_birth"),
        ({"id_expiry_date": "2001-01-01"}, "id_expiry_date"),
        ({"mobile": "12"}, "mobile"),
        ({"gender": "Q"}, "gender"),
        ({"occupation": "pirate"}, "occupation"),
        ({"expected_monthly_turnover_pkr": "lots"}, "expected_monthly_turnover_pkr"),
        ({"expected_monthly_turnover_pkr": "1e400"}, "expected_monthly_turnover_pkr"),
        ({"expected_monthly_turnover_pkr": "NaN"}, "expected_monthly_turnover_pkr"),
        ({"permanent_address": "Lahore"}, "permanent_address.non_field_errors"),
        (
            {
                "permanent_address": {
                    "line1": "x",
                    "city": "y",
                    "district": "Nowhere",
                    "province": "Punjab",
                }
            },
            "permanent_address.district",
        ),
        ({"permanent_address": {"line1": "x", "planet": "Mars"}}, "permanent_address.planet"),
        ({"nationality": "ZZ"}, "nationality"),
        ({"favourite_colour": "green"}, "favourite_colour"),
        ({"id_type": "CNIC", "id_number": None}, "id_number"),
        ({"customer_type": "robot"}, "customer_type"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_never_a_500(api_client, change, field):
    body = {**as_json(individual_data()), **change}
    response = post(api_client, body)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()


@pytest.mark.parametrize("raw", [b"[]", b"null", b'"text"', b"{not json", b"123"])
def test_non_object_bodies_are_400(api_client, raw):
    response = api_client.post(URL, raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_entity_with_beneficial_owners_is_created(api_client):
    response = post(api_client, as_json(entity_data(external_id="E-1")))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["customer_type"] == "entity"
    assert body["display_name"] == "Indus Tech Traders (Private) Limited"
    assert [o["ownership_pct"] for o in body["beneficial_owners"]] == ["60.00", "40.00"]
    assert all("*" in o["id_number_masked"] for o in body["beneficial_owners"])


def test_entity_missing_a_25_percent_owner_is_400(api_client):
    data = entity_data()
    data["beneficial_owners"] = data["beneficial_owners"][:1]  # 60 % declared, 40 % missing
    response = post(api_client, as_json(data))
    assert response.status_code == 400
    assert "beneficial_owners" in response.json()["errors"]


def test_entity_owner_with_a_bad_cnic_is_400_naming_the_owner(api_client):
    data = entity_data()
    data["beneficial_owners"][1]["id_number"] = "95202-1234567-1"
    response = post(api_client, as_json(data))
    assert "beneficial_owners[1].id_number" in response.json()["errors"]


def test_get_by_uuid_or_external_id(api_client):
    created = post(api_client, as_json(individual_data(external_id="U-77"))).json()
    by_id = api_client.get(f"{URL}{created['id']}/")
    by_external = api_client.get(f"{URL}U-77/")
    assert by_id.status_code == by_external.status_code == 200
    assert by_external.json()["id"] == created["id"]


def test_unknown_customer_is_404(api_client):
    response = api_client.get(f"{URL}00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_list_filters_by_external_id_status_and_risk_level(api_client):
    post(api_client, as_json(individual_data(external_id="U-A")))
    post(api_client, as_json(individual_data(external_id="U-B")))
    body = api_client.get(URL, {"external_id": "U-A"}).json()
    assert body["count"] == 1 and body["results"][0]["external_id"] == "U-A"
    assert api_client.get(URL, {"status": "draft"}).json()["count"] == 2
    assert api_client.get(URL, {"risk_level": "high"}).json()["count"] == 0
    assert api_client.get(URL, {"status": "sleeping"}).status_code == 400


def test_patch_changes_the_profile_and_keeps_the_old_version(api_client):
    created = post(api_client, as_json(individual_data())).json()
    response = api_client.patch(f"{URL}{created['id']}/", {"mobile": "03219876543"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["mobile"] == "+923219876543"
    assert response.json()["version"] == 2


def test_patch_cannot_change_the_external_id(api_client):
    created = post(api_client, as_json(individual_data())).json()
    response = api_client.patch(f"{URL}{created['id']}/", {"external_id": "X"}, format="json")
    assert response.status_code == 400
    assert "external_id" in response.json()["errors"]


def test_submit_answers_202_and_moves_to_submitted(api_client):
    created = post(api_client, as_json(individual_data())).json()
    response = api_client.post(f"{URL}{created['id']}/submit/")
    assert response.status_code == 202
    assert response.json()["status"] in ("submitted", "verifying", "approved", "in_review")
    again = api_client.post(f"{URL}{created['id']}/submit/")
    assert again.status_code == 409


def test_register_wallet_is_201_then_200_for_the_same_wallet(api_client):
    created = post(api_client, as_json(individual_data())).json()
    url = f"{URL}{created['id']}/wallets/"
    wallet = {"chain": "tron", "address": "TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW"}
    assert api_client.post(url, wallet, format="json").status_code == 201
    assert api_client.post(url, wallet, format="json").status_code == 200
    bad = api_client.post(url, {"chain": "tron", "address": "0x00"}, format="json")
    assert bad.status_code == 400 and "address" in bad.json()["errors"]


def test_read_only_key_cannot_create(make_api_client):
    client = make_api_client(["customers:read"])
    assert post(client, as_json(individual_data())).status_code == 403
    assert client.get(URL).status_code == 200


def test_schema_documents_the_vocabularies(api_client):
    response = api_client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    text = response.content.decode()
    for value in (
        "salaried_private",
        "home_remittance",
        "freelance_payments",
        "NICOP",
        "proof_of_address",
        "beneficial_owners",
    ):
        assert value in text


def test_fields_of_the_other_customer_type_are_refused_not_dropped(api_client):
    response = post(api_client, as_json(entity_data(full_name="Someone", gender="M")))
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"full_name", "gender"}


@pytest.mark.django_db(transaction=True)
def test_concurrent_identical_posts_create_one_customer(make_api_client):
    import threading

    from django.db import connection

    body = as_json(individual_data())
    clients = [make_api_client(), make_api_client()]
    codes = []
    barrier = threading.Barrier(2)

    def send(client):
        barrier.wait()
        try:
            codes.append(post(client, body).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200, 201]
    assert Customer.objects.filter(external_id=body["external_id"]).count() == 1
