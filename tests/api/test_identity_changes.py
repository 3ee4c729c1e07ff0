"""An approved customer's identity cannot be swapped quietly: the change is verified and
screened again, and the transaction check listens to the customer's screening hits."""

from __future__ import annotations

import pytest
from contract_fixtures import *  # noqa: F403
from contract_fixtures import API, approve, create_customer, tx_body
from django.core.management import call_command
from django.utils import timezone

from compliance.screening.models import ScreeningHit
from core.models import AuditEvent

pytestmark = pytest.mark.django_db
CHECK = f"{API}/transactions/check/"
LISTED = "Ghulam Rasool Baksh"
LISTED_DOB = "1971-04-02"


@pytest.fixture
def customer(api_client) -> dict:
    created = create_customer(api_client)
    approve(created["id"], tier="standard")
    return created


def _list_person(tmp_path, *, rescreen: bool) -> None:
    listed = tmp_path / "listed.csv"
    listed.write_text(
        "entry_id,list,kind,name,aliases,date_of_birth,nationality,id_numbers,"
        "wallet_addresses,program\n"
        f"P-77,UNSC,person,{LISTED},,{LISTED_DOB},PK,,,UNSC-1267\n"
    )
    args = ["import_watchlist", "--source", "csv", str(listed)]
    call_command(*args, *([] if rescreen else ["--no-rescreen"]))


def _check(api_client, customer) -> dict:
    body = tx_body(
        customer["external_id"], kind="withdrawal", amount="5000.00", amount_pkr="5000.00"
    )
    body["occurred_at"] = timezone.now().isoformat()
    response = api_client.post(CHECK, body, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_new_id_number_unknown_to_nadra_takes_the_customer_out_of_approved(
    api_client, customer, django_capture_on_commit_callbacks
):
    unknown = "46741-6660000-7"  # the identity sandbox has no record of it
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.patch(
            f"{API}/customers/{customer['id']}/", {"id_number": unknown}, format="json"
        )

    assert response.status_code == 200, response.content
    after = api_client.get(f"{API}/customers/{customer['id']}/").json()
    assert after["status"] in {"in_review", "rejected"}
    event = AuditEvent.objects.get(
        action="customer.identity_reverification", object_id=customer["id"]
    )
    assert event.before == {"status": "approved"}
    assert event.after["identity_fields_changed"] == ["id_number"]
    old, new = event.after["id_number_encrypted"]
    assert old and new and old != new
    assert unknown not in str(event.after) and unknown.replace("-", "") not in str(event.after)
    assert _check(api_client, customer)["decision"] != "allow"


def test_a_swap_to_a_sanctioned_persons_name_is_screened_and_reviewed(
    api_client, customer, tmp_path, django_capture_on_commit_callbacks
):
    _list_person(tmp_path, rescreen=False)

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.patch(
            f"{API}/customers/{customer['id']}/",
            {"full_name": LISTED, "date_of_birth": LISTED_DOB},
            format="json",
        )

    assert response.status_code == 200, response.content
    after = api_client.get(f"{API}/customers/{customer['id']}/").json()
    assert after["status"] == "in_review"
    assert ScreeningHit.objects.filter(customer_id=customer["id"], status="open").exists()
    assert _check(api_client, customer)["decision"] != "allow"


def test_an_open_hit_makes_the_check_review_and_a_confirmed_one_block(
    api_client, tmp_path, django_capture_on_commit_callbacks
):
    from contract_fixtures import individual_body

    created = create_customer(
        api_client, individual_body(full_name=LISTED, date_of_birth=LISTED_DOB)
    )
    approve(created["id"], tier="standard")
    assert _check(api_client, created)["decision"] == "allow"
    # Approved before the list named them; the list update's rescreen raises the hit.
    with django_capture_on_commit_callbacks(execute=True):
        _list_person(tmp_path, rescreen=True)
    assert ScreeningHit.objects.filter(customer_id=created["id"], status="open").exists()
    assert api_client.get(f"{API}/customers/{created['id']}/").json()["status"] == "approved"

    answer = _check(api_client, created)
    assert answer["decision"] == "review"
    assert "CUSTOMER_SCREENING" in {r["typology"] for r in answer["reasons"]}

    ScreeningHit.objects.filter(customer_id=created["id"]).update(status="true_match")
    answer = _check(api_client, created)
    assert answer["decision"] == "block"
    assert "CUSTOMER_SCREENING" in {r["typology"] for r in answer["reasons"]}
