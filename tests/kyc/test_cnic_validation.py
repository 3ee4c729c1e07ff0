"""The Pakistani data set's rules, without a database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core.errors import ValidationFailed
from kyc import validation
from kyc.validation import InvalidValue
from tests.kyc.conftest import entity_data, individual_data

TODAY = date(2026, 6, 15)


def errors_of(data: dict, clean=validation.clean_individual) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        clean(data, today=TODAY)
    return caught.value.errors


@pytest.mark.parametrize("raw", ["3520212345671", "35202-1234567-1", " 35202-1234567-1 "])
def test_cnic_with_or_without_dashes_normalizes_to_the_dashed_form(raw):
    assert validation.normalize_cnic(raw) == "35202-1234567-1"


@pytest.mark.parametrize("raw", ["352021234567", "35202123456712", "35202-123456-1"])
def test_cnic_of_wrong_length_is_rejected_with_the_digit_count(raw):
    with pytest.raises(InvalidValue, match="13 digits"):
        validation.normalize_cnic(raw)


def test_cnic_with_letters_is_rejected():
    with pytest.raises(InvalidValue, match="13 digits"):
        validation.normalize_cnic("35202-12345A7-1")


def test_cnic_with_dashes_in_the_wrong_places_is_rejected():
    with pytest.raises(InvalidValue, match="dashes"):
        validation.normalize_cnic("352-0212345671-")


@pytest.mark.parametrize("first", ["0", "8", "9"])
def test_cnic_province_digit_outside_1_to_7_is_rejected(first):
    with pytest.raises(InvalidValue, match=f"first digit {first} is not a NADRA region"):
        validation.normalize_cnic(f"{first}5202-1234567-1")


@pytest.mark.parametrize("first", list("1234567"))
def test_cnic_province_digits_1_to_7_are_accepted(first):
    assert validation.normalize_cnic(f"{first}5202-1234567-1").startswith(first)


def test_cnic_last_digit_zero_is_not_a_gender_digit():
    with pytest.raises(InvalidValue, match="gender digit"):
        validation.normalize_cnic("35202-1234567-0")


def test_cnic_even_last_digit_declared_male_is_a_gender_mismatch():
    errors = errors_of(individual_data(id_number="35202-1234567-2", gender="M"))
    assert errors["gender"] == ["CNIC gender digit says female, gender is M."]


def test_cnic_odd_last_digit_declared_female_is_a_gender_mismatch():
    errors = errors_of(individual_data(id_number="35202-1234567-3", gender="F"))
    assert errors["gender"] == ["CNIC gender digit says male, gender is F."]


def test_cnic_gender_is_not_checked_for_gender_x():
    clean = validation.clean_individual(
        individual_data(id_number="35202-1234567-2", gender="X"), today=TODAY
    )
    assert clean["id_number"] == "35202-1234567-2"


def test_expired_id_is_rejected():
    errors = errors_of(individual_data(id_expiry_date=date(2026, 6, 14)))
    assert errors["id_expiry_date"] == [
        "ID expired on 2026-06-14; an expired ID cannot be accepted."
    ]


def test_id_expiring_today_is_still_valid():
    clean = validation.clean_individual(individual_data(id_expiry_date=TODAY), today=TODAY)
    assert clean["id_expiry_date"] == TODAY


def test_id_issue_date_in_the_future_is_rejected():
    errors = errors_of(individual_data(id_issue_date=date(2026, 7, 1)))
    assert "id_issue_date" in errors


def test_customer_turning_18_today_is_accepted():
    clean = validation.clean_individual(
        individual_data(date_of_birth=date(2008, 6, 15)), today=TODAY
    )
    assert clean["date_of_birth"] == date(2008, 6, 15)


def test_customer_one_day_short_of_18_is_rejected():
    errors = errors_of(individual_data(date_of_birth=date(2008, 6, 16)))
    assert errors["date_of_birth"] == ["Customer must be 18 or older; is 17."]


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("03001234567", "+923001234567"),
        ("0300-1234567", "+923001234567"),
        ("+92 300 1234567", "+923001234567"),
        ("923211234567", "+923211234567"),
        ("+971501234567", "+971501234567"),
    ],
)
def test_mobile_numbers_normalize_to_e164(raw, e164):
    assert validation.normalize_mobile(raw) == e164


@pytest.mark.parametrize("raw", ["0300123", "hello", "04235761234"])
def test_invalid_or_landline_mobile_is_rejected(raw):
    with pytest.raises(InvalidValue):
        validation.normalize_mobile(raw)


def test_mobile_is_normalized_in_the_clean_profile():
    clean = validation.clean_individual(individual_data(mobile="03001234567"), today=TODAY)
    assert clean["mobile"] == "+923001234567"


def test_pakistani_passport_is_two_letters_and_seven_digits():
    assert validation.normalize_passport("ab 1234567", "PK") == "AB1234567"
    with pytest.raises(InvalidValue, match="two letters and seven digits"):
        validation.normalize_passport("A12345678", "PK")


def test_foreign_passport_follows_icao_length():
    assert validation.normalize_passport("X1234567", "GB") == "X1234567"
    with pytest.raises(InvalidValue, match="6 to 9"):
        validation.normalize_passport("X12", "GB")


def test_passport_holder_needs_a_nationality():
    data = individual_data(id_type="PASSPORT", id_number="AB1234567", nationality="")
    assert "nationality" in errors_of(data)


def test_address_district_must_belong_to_the_province():
    address = {"line1": "1 Mall Road", "city": "Lahore", "district": "Lahore", "province": "Sindh"}
    errors = errors_of(individual_data(permanent_address=address))
    assert errors["permanent_address.district"] == ["Lahore is in Punjab, not in Sindh."]


def test_address_accepts_province_abbreviations_and_district_aliases():
    address = {
        "line1": "Main Bazar",
        "city": "Dera Ghazi Khan",
        "district": "D.G. Khan",
        "province": "pb",
    }
    clean = validation.clean_individual(individual_data(permanent_address=address), today=TODAY)
    assert clean["permanent_address"]["province"] == "Punjab"
    assert clean["permanent_address"]["district"] == "Dera Ghazi Khan"


def test_karachi_alone_asks_which_karachi_district():
    address = {"line1": "Block 2", "city": "Karachi", "district": "Karachi", "province": "Sindh"}
    errors = errors_of(individual_data(permanent_address=address))
    assert "Karachi Central" in errors["permanent_address.district"][0]


def test_unknown_district_is_rejected():
    address = {"line1": "x", "city": "y", "district": "Atlantis", "province": "Punjab"}
    assert "permanent_address.district" in errors_of(individual_data(permanent_address=address))


def test_foreign_address_needs_no_pakistani_district():
    address = {"line1": "12 Baker Street", "city": "London", "country": "GB"}
    clean = validation.clean_individual(individual_data(present_address=address), today=TODAY)
    assert clean["present_address"]["country"] == "GB"


@pytest.mark.parametrize(("raw", "clean"), [("12345678", "1234567-8"), ("1234567-8", "1234567-8")])
def test_ntn_normalizes_to_seven_digits_dash_check_digit(raw, clean):
    assert validation.normalize_ntn(raw) == clean


def test_ntn_of_wrong_shape_is_rejected():
    with pytest.raises(InvalidValue, match="NTN"):
        validation.normalize_ntn("12-34")


def test_pep_declaration_needs_details():
    errors = errors_of(individual_data(is_pep_declared=True, pep_details=""))
    assert "pep_details" in errors


def test_every_problem_is_reported_at_once():
    errors = errors_of(
        individual_data(full_name="", id_number="9520212345671", mobile="123", date_of_birth=None)
    )
    assert {"full_name", "id_number", "mobile", "date_of_birth"} <= set(errors)


# ---- beneficial owners


def owners(*pcts: str) -> list[dict]:
    base = entity_data()["beneficial_owners"][0]
    return [
        {**base, "id_number": f"3520{i}-1234567-2", "ownership_pct": Decimal(p)}
        for i, p in enumerate(pcts, start=1)
    ]


def test_owners_summing_to_100_are_accepted():
    assert len(validation.clean_beneficial_owners(owners("60", "40"), today=TODAY)) == 2


def test_ownership_over_100_percent_is_rejected():
    with pytest.raises(ValidationFailed) as caught:
        validation.clean_beneficial_owners(owners("60", "50"), today=TODAY)
    assert "more than 100%" in caught.value.errors["beneficial_owners"][0]


def test_undeclared_25_percent_means_an_owner_is_missing():
    with pytest.raises(ValidationFailed) as caught:
        validation.clean_beneficial_owners(owners("75"), today=TODAY)
    assert "every owner of 25% or more" in caught.value.errors["beneficial_owners"][0]


def test_undeclared_remainder_under_25_percent_is_accepted():
    assert validation.clean_beneficial_owners(owners("50", "25.01"), today=TODAY)


def test_entity_without_owners_is_rejected_unless_listed():
    with pytest.raises(ValidationFailed):
        validation.clean_beneficial_owners([], today=TODAY, entity_type="private_limited")
    assert validation.clean_beneficial_owners([], today=TODAY, entity_type="public_limited") == []


def test_each_owner_is_validated_with_its_position():
    bad = owners("60", "40")
    bad[1]["id_number"] = "95202-1234567-1"
    with pytest.raises(ValidationFailed) as caught:
        validation.clean_beneficial_owners(bad, today=TODAY)
    assert "beneficial_owners[1].id_number" in caught.value.errors


def test_the_same_owner_twice_is_rejected():
    dup = owners("50", "50")
    dup[1]["id_number"] = dup[0]["id_number"]
    with pytest.raises(ValidationFailed) as caught:
        validation.clean_beneficial_owners(dup, today=TODAY)
    assert caught.value.errors["beneficial_owners[1].id_number"] == ["Same ID as owner 0."]


def test_entity_profile_validates_owners_and_ntn():
    clean = validation.clean_entity(entity_data(ntn="12345678"), today=TODAY)
    assert clean["ntn"] == "1234567-8"
    assert clean["registered_address"]["district"] == "Karachi South"


# ---- wallets


@pytest.mark.parametrize(
    ("chain", "address"),
    [
        ("bitcoin", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"),
        ("bitcoin", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"),
        ("ethereum", "0x52908400098527886E0F7030069857D2E4169EE7"),
        ("tron", "TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW"),
    ],
)
def test_wallet_addresses_of_each_chain_are_accepted(chain, address):
    assert validation.normalize_wallet_address(chain, address)


def test_evm_addresses_are_stored_in_lower_case():
    address = validation.normalize_wallet_address(
        "ethereum", "0x52908400098527886E0F7030069857D2E4169EE7"
    )
    assert address == "0x52908400098527886e0f7030069857d2e4169ee7"


def test_an_ethereum_address_is_not_a_tron_address():
    with pytest.raises(InvalidValue, match="tron"):
        validation.normalize_wallet_address("tron", "0x52908400098527886E0F7030069857D2E4169EE7")
