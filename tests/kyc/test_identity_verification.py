"""The sandbox identity provider's documented rules and the stored result."""

from __future__ import annotations

import pytest

from kyc import verification
from kyc.verification import IdentityQuery, SandboxVerisys
from tests.kyc.conftest import entity_data, new_cnic

pytestmark = pytest.mark.django_db


def ask(cnic: str, id_type: str = "CNIC", photo: str = "abc"):
    return SandboxVerisys().verify(
        IdentityQuery(id_type=id_type, id_number=cnic, full_name="A B", photo_sha256=photo)
    )


@pytest.mark.parametrize(
    ("suffix", "code", "mismatched"),
    [
        ("0000", "no_record", None),
        ("9999", "name_mismatch", "name"),
        ("8888", "partial_match", "father_name"),
        ("7777", "partial_match", "date_of_birth"),
        ("6666", "partial_match", "photo"),
        ("2222", "partial_match", "address"),
        ("5555", "id_expired", None),
        ("4444", "deceased", None),
        ("3333", "blocked", None),
        ("1111", "error", None),
        ("1234", "match", None),
    ],
)
def test_sandbox_outcome_follows_the_middle_block(suffix, code, mismatched):
    result = ask(f"35202-123{suffix}-1")
    assert result.result_code == code
    if mismatched:
        assert result.matched[mismatched] is False


def test_sandbox_without_a_selfie_does_not_compare_the_photo():
    assert ask("35202-1231234-1", photo="").matched["photo"] is None


def test_passports_are_not_nadra_records():
    assert ask("AB1234567", id_type="PASSPORT").result_code == "no_record"


def test_verification_is_stored_with_the_raw_response_and_audited(make_customer, system_actor):
    from core import audit

    customer = make_customer(id_number=new_cnic("M", middle_suffix="9999"))
    result = verification.verify_identity(customer=customer, actor=system_actor)
    stored = customer.verifications.get()
    assert stored == result
    assert stored.result_code == "name_mismatch" and not stored.is_clean
    assert stored.provider == "sandbox-verisys"
    assert stored.raw_response["matched"]["name"] is False
    assert customer.id_number not in str(stored.raw_response)
    assert audit.events_for(customer).filter(action="customer.identity_verified").exists()


def test_an_entity_is_verified_through_its_owners_worst_result_first(system_actor):
    from kyc import services

    data = entity_data()
    data["beneficial_owners"][1]["id_number"] = new_cnic("M", middle_suffix="0000")
    customer = services.create_customer(actor=system_actor, data=data)
    stored = verification.verify_identity(customer=customer, actor=system_actor)
    assert stored.result_code == "no_record"
    assert len(stored.raw_response["owners"]) == 2


def test_the_provider_is_chosen_by_setting(settings):
    settings.IDENTITY_PROVIDER = "kyc.verification.SandboxVerisys"
    assert isinstance(verification.get_provider(), SandboxVerisys)
