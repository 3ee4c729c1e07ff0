"""API.md "Customers (KYC)", as the exchange's backend calls it."""

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
    cnic,
    create_customer,
    entity_body,
    floats_in,
    individual_body,
)
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

pytestmark = pytest.mark.django_db
CUSTOMERS = f"{API}/customers/"
RISK_LEVELS = {"low", "medium", "high", "prohibited"}
STATUSES = {
    "draft", "submitted", "verifying", "approved", "in_review", "rejected", "suspended",
    "frozen", "closed",
}  # fmt: skip
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x00\x00\x00\x00\x00"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def assert_customer_shape(body: dict) -> None:
    assert {"id", "external_id", "status", "risk_level", "risk_score", "tier"} <= set(body)
    assert {"next_review_due", "limits"} <= set(body)
    uuid.UUID(body["id"])
    assert body["status"] in STATUSES
    assert body["risk_level"] is None or body["risk_level"] in RISK_LEVELS
    assert body["risk_score"] is None or assert_money(body["risk_score"]) is not None
    assert isinstance(body["limits"], dict) and body["limits"]
    for name, value in body["limits"].items():
        if name.endswith("_pkr"):
            assert_money(value)
    assert "id_number" not in body  # the ID number never goes back out in clear
    assert floats_in(body) == []
    for name in ("created_at", "updated_at"):
        assert_datetime(body[name])


# -- POST /customers/ ---------------------------------------------------------------------------


def test_an_individual_is_created_as_a_draft_with_id_status_risk_tier_review_and_limits(
    api_client,
):
    body = individual_body()

    response = api_client.post(CUSTOMERS, body, format="json")

    assert response.status_code == 201, response.content
    created = response.json()
    assert_customer_shape(created)
    assert created["external_id"] == body["external_id"]
    assert created["customer_type"] == "individual"
    assert created["status"] == "draft"
    assert created["limits"] == {
        "per_transaction_pkr": "0.00",
        "daily_pkr": "0.00",
        "monthly_pkr": "0.00",
    }


def test_customer_type_defaults_to_individual(api_client):
    body = individual_body()
    del body["customer_type"]

    response = api_client.post(CUSTOMERS, body, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["customer_type"] == "individual"


def test_a_legal_entity_is_created_with_its_beneficial_owners(api_client):
    response = api_client.post(CUSTOMERS, entity_body(), format="json")

    assert response.status_code == 201, response.content
    created = response.json()
    assert_customer_shape(created)
    assert created["customer_type"] == "entity"
    assert created["legal_name"] == "Indus Tech Traders (Private) Limited"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("occupation", "self_employed"),
        ("occupation", "business"),
        ("occupation", "freelancer"),
        ("occupation", "salaried"),
        ("occupation", "student"),
        ("source_of_funds", "salary"),
        ("source_of_funds", "remittance"),
        ("source_of_funds", "business_income"),
        ("source_of_funds", "savings"),
        ("purpose_of_account", "investment"),
    ],
)
def test_the_vocabulary_of_the_sample_exchange_bodies_is_accepted(api_client, field, value):
    response = api_client.post(CUSTOMERS, individual_body(**{field: value}), format="json")

    assert response.status_code == 201, response.content


def test_a_coarser_sample_code_is_stored_and_shown_as_the_published_value(api_client):
    body = individual_body(occupation="salaried", source_of_funds="remittance")

    created = create_customer(api_client, body)
    again = api_client.post(CUSTOMERS, body, format="json")

    assert (created["occupation"], created["source_of_funds"]) == (
        "salaried_private",
        "home_remittance",
    )
    assert again.status_code == 200 and again.json()["id"] == created["id"]


def test_a_local_mobile_number_is_stored_in_e164(api_client):
    created = create_customer(api_client, individual_body(mobile="03001234567"))

    assert created["mobile"] == "+923001234567"


def test_a_cnic_of_13_digits_without_dashes_is_accepted(api_client):
    response = api_client.post(
        CUSTOMERS, individual_body(id_number=cnic("M").replace("-", "")), format="json"
    )

    assert response.status_code == 201, response.content


def test_repeating_a_post_with_the_same_body_answers_200_with_the_same_customer(api_client):
    body = individual_body()
    first = api_client.post(CUSTOMERS, body, format="json")

    again = api_client.post(CUSTOMERS, body, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    listed = api_client.get(CUSTOMERS, {"external_id": body["external_id"]}).json()
    assert listed["count"] == 1


def test_repeating_an_entity_post_is_idempotent_too(api_client):
    body = entity_body()
    first = api_client.post(CUSTOMERS, body, format="json")

    again = api_client.post(CUSTOMERS, body, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]


def test_the_same_external_id_with_a_different_body_is_409_conflict(api_client):
    body = individual_body()
    api_client.post(CUSTOMERS, body, format="json")

    response = api_client.post(CUSTOMERS, {**body, "email": "other@example.pk"}, format="json")

    assert_conflict(response)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"external_id": None}, "external_id"),
        ({"full_name": None}, "full_name"),
        ({"father_or_spouse_name": None}, "father_or_spouse_name"),
        ({"date_of_birth": None}, "date_of_birth"),
        ({"gender": "Q"}, "gender"),
        ({"id_type": "DRIVING_LICENCE"}, "id_type"),
        ({"id_number": "12345-123-1"}, "id_number"),
        ({"nationality": "Pakistan"}, "nationality"),
        ({"expected_monthly_turnover_pkr": "a lot"}, "expected_monthly_turnover_pkr"),
        ({"occupation": "astronaut"}, "occupation"),
        ({"permanent_address": {"line1": "House 1", "planet": "Mars"}}, "permanent_address"),
        ({"unknown_field": "x"}, "unknown_field"),
    ],
)
def test_bad_input_is_400_with_a_message_for_the_field(api_client, change, field):
    body = individual_body()
    for name, value in change.items():
        if value is None:
            body.pop(name, None)
        else:
            body[name] = value

    response = api_client.post(CUSTOMERS, body, format="json")

    assert_error_shape(response, field)


def test_a_customer_under_18_is_refused(api_client):
    under_age = timezone.localdate() - timedelta(days=17 * 365)

    response = api_client.post(
        CUSTOMERS, individual_body(date_of_birth=str(under_age)), format="json"
    )

    assert_error_shape(response, "date_of_birth")


def test_an_expired_id_is_refused(api_client):
    yesterday = timezone.localdate() - timedelta(days=1)
    body = individual_body(
        id_issue_date=str(yesterday - timedelta(days=3650)), id_expiry_date=str(yesterday)
    )

    response = api_client.post(CUSTOMERS, body, format="json")

    assert_error_shape(response, "id_expiry_date")


def test_an_entity_without_every_owner_of_25_percent_or_more_is_refused(api_client):
    body = entity_body()
    body["beneficial_owners"] = body["beneficial_owners"][:1]  # the 40 % owner is missing

    response = api_client.post(CUSTOMERS, body, format="json")

    assert_error_shape(response, "beneficial_owners")


@pytest.mark.parametrize("raw", [b"{not json", b"[]", b"null", b"42"])
def test_a_body_that_is_not_a_json_object_is_400_not_500(api_client, raw):
    response = api_client.post(CUSTOMERS, raw, content_type="application/json")

    assert_error_shape(response)


# -- GET /customers/{id}/, /customers/?external_id=&status=&risk_level= ------------------------


def test_a_customer_is_found_by_id_or_by_external_id(api_client):
    created = create_customer(api_client)

    by_id = api_client.get(f"{CUSTOMERS}{created['id']}/")
    by_path = api_client.get(f"{CUSTOMERS}{created['external_id']}/")
    by_query = api_client.get(CUSTOMERS, {"external_id": created["external_id"]})

    assert by_id.status_code == by_path.status_code == by_query.status_code == 200
    assert by_id.json()["id"] == by_path.json()["id"] == created["id"]
    assert [c["id"] for c in assert_page(by_query.json())] == [created["id"]]
    assert_customer_shape(by_id.json())


def test_an_external_id_shaped_like_a_uuid_is_still_found(api_client):
    external_id = str(uuid.uuid4())
    created = create_customer(api_client, individual_body(external_id=external_id))

    response = api_client.get(f"{CUSTOMERS}{external_id}/")

    assert response.status_code == 200
    assert response.json()["id"] == created["id"]


def test_an_unknown_customer_is_404(api_client):
    assert api_client.get(f"{CUSTOMERS}{uuid.uuid4()}/").status_code == 404
    assert api_client.get(f"{CUSTOMERS}NO-SUCH-USER/").status_code == 404


def test_the_list_filters_by_status_and_risk_level(api_client):
    draft = create_customer(api_client)
    approved = create_customer(api_client)
    approve(approved["id"], risk_level="medium")

    def ids(**query):
        response = api_client.get(CUSTOMERS, query)
        assert response.status_code == 200
        return {c["id"] for c in assert_page(response.json())}

    assert ids(status="draft") == {draft["id"]}
    assert ids(status="approved") == {approved["id"]}
    assert ids(risk_level="medium") == {approved["id"]}
    assert ids(risk_level="high") == set()


def test_an_unknown_filter_value_is_400_naming_the_filter(api_client):
    assert_error_shape(api_client.get(CUSTOMERS, {"status": "sleeping"}), "status")
    assert_error_shape(api_client.get(CUSTOMERS, {"risk_level": "extreme"}), "risk_level")


def test_an_approved_customer_shows_its_tier_review_date_and_limits_as_strings(api_client):
    created = create_customer(api_client)
    approve(created["id"], tier="standard")

    body = api_client.get(f"{CUSTOMERS}{created['id']}/").json()

    assert body["status"] == "approved" and body["tier"] == "standard"
    assert body["next_review_due"] is not None
    assert assert_money(body["limits"]["per_transaction_pkr"]) > 0
    assert assert_money(body["limits"]["daily_pkr"]) > 0
    assert assert_money(body["limits"]["monthly_pkr"]) > 0
    assert floats_in(body) == []


# -- PATCH /customers/{id}/ -----------------------------------------------------------------------


def test_a_profile_change_is_a_new_version(api_client):
    created = create_customer(api_client)

    response = api_client.patch(
        f"{CUSTOMERS}{created['id']}/", {"email": "new.address@example.pk"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["email"] == "new.address@example.pk"
    assert response.json()["version"] == created["version"] + 1


def test_a_patch_by_external_id_with_a_bad_value_is_400(api_client):
    created = create_customer(api_client)

    response = api_client.patch(
        f"{CUSTOMERS}{created['external_id']}/", {"gender": "Q"}, format="json"
    )

    assert_error_shape(response, "gender")


# -- POST /customers/{id}/documents/ ----------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "mime"), [(JPEG, "image/jpeg"), (PNG, "image/png"), (PDF, "application/pdf")]
)
def test_a_document_is_stored_with_the_type_sniffed_from_its_content(api_client, content, mime):
    created = create_customer(api_client)
    upload = SimpleUploadedFile("scan.bin", content, content_type="application/octet-stream")

    response = api_client.post(
        f"{CUSTOMERS}{created['id']}/documents/",
        {"kind": "id_front", "file": upload},
        format="multipart",
    )

    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "id_front"
    assert response.json()["content_type"] == mime


@pytest.mark.parametrize(
    "kind", ["id_front", "id_back", "selfie", "proof_of_address", "source_of_funds", "other"]
)
def test_every_document_kind_of_the_contract_is_accepted(api_client, kind):
    created = create_customer(api_client)

    response = api_client.post(
        f"{CUSTOMERS}{created['external_id']}/documents/",
        {"kind": kind, "file": SimpleUploadedFile("doc.pdf", PDF)},
        format="multipart",
    )

    assert response.status_code == 201, response.content


def test_the_clients_content_type_and_filename_are_not_trusted(api_client):
    created = create_customer(api_client)
    disguised = SimpleUploadedFile("passport.png", GIF, content_type="image/png")

    response = api_client.post(
        f"{CUSTOMERS}{created['id']}/documents/",
        {"kind": "id_front", "file": disguised},
        format="multipart",
    )

    assert_error_shape(response, "file")


def test_a_document_over_the_size_limit_is_400(api_client, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    created = create_customer(api_client)

    response = api_client.post(
        f"{CUSTOMERS}{created['id']}/documents/",
        {"kind": "selfie", "file": SimpleUploadedFile("big.png", PNG + b"\x00" * 2048)},
        format="multipart",
    )

    assert_error_shape(response, "file")


def test_a_document_with_an_unknown_kind_or_no_file_is_400(api_client):
    created = create_customer(api_client)
    url = f"{CUSTOMERS}{created['id']}/documents/"

    unknown_kind = api_client.post(
        url, {"kind": "tax_return", "file": SimpleUploadedFile("a.pdf", PDF)}, format="multipart"
    )
    no_file = api_client.post(url, {"kind": "selfie"}, format="multipart")

    assert_error_shape(unknown_kind, "kind")
    assert_error_shape(no_file, "file")


def test_documents_of_an_unknown_customer_are_404(api_client):
    response = api_client.post(
        f"{CUSTOMERS}{uuid.uuid4()}/documents/",
        {"kind": "selfie", "file": SimpleUploadedFile("a.pdf", PDF)},
        format="multipart",
    )

    assert response.status_code == 404


# -- POST /customers/{id}/submit/ -------------------------------------------------------------


def test_submit_starts_verification_and_answers_202(api_client):
    created = create_customer(api_client)

    response = api_client.post(f"{CUSTOMERS}{created['id']}/submit/")

    assert response.status_code == 202, response.content
    assert response.json()["id"] == created["id"]
    assert response.json()["status"] in {
        "submitted", "verifying", "approved", "in_review", "rejected",
    }  # fmt: skip


def test_submit_by_external_id_runs_the_background_verification_after_commit(
    api_client, django_capture_on_commit_callbacks
):
    created = create_customer(api_client)

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(f"{CUSTOMERS}{created['external_id']}/submit/")

    assert response.status_code == 202
    status = api_client.get(f"{CUSTOMERS}{created['id']}/").json()["status"]
    assert status in {"verifying", "approved", "in_review", "rejected"}


def test_submitting_twice_is_a_409_not_a_500(api_client):
    created = create_customer(api_client)
    api_client.post(f"{CUSTOMERS}{created['id']}/submit/")

    response = api_client.post(f"{CUSTOMERS}{created['id']}/submit/")

    assert response.status_code == 409
    assert response.json()["code"] in {"conflict", "invalid_transition"}
    assert response.json()["detail"]


def test_submitting_an_unknown_customer_is_404(api_client):
    assert api_client.post(f"{CUSTOMERS}{uuid.uuid4()}/submit/").status_code == 404


# -- POST /customers/{id}/wallets/ ------------------------------------------------------------


def test_a_self_hosted_wallet_is_registered(api_client):
    created = create_customer(api_client)
    wallet = {"chain": "ethereum", "address": "0x52908400098527886E0F7030069857D2E4169EE7"}

    response = api_client.post(f"{CUSTOMERS}{created['id']}/wallets/", wallet, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["chain"] == "ethereum"
    assert response.json()["address"].lower() == wallet["address"].lower()
    uuid.UUID(response.json()["id"])


def test_registering_the_same_wallet_again_returns_it(api_client):
    created = create_customer(api_client)
    wallet = {"chain": "tron", "address": "TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE"}
    url = f"{CUSTOMERS}{created['external_id']}/wallets/"

    first = api_client.post(url, wallet, format="json")
    again = api_client.post(url, wallet, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]


@pytest.mark.parametrize(
    ("wallet", "field"),
    [
        ({"chain": "dogecoin", "address": "DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L"}, "chain"),
        ({"chain": "ethereum", "address": "0x1234"}, "address"),
        ({"chain": "ethereum"}, "address"),
    ],
)
def test_a_bad_wallet_is_400_naming_the_field(api_client, wallet, field):
    created = create_customer(api_client)

    response = api_client.post(f"{CUSTOMERS}{created['id']}/wallets/", wallet, format="json")

    assert_error_shape(response, field)
