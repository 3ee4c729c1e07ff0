"""IVMS101 reading and constraints, without a database: each test names the rule it proves."""

from __future__ import annotations

import copy
import json
from datetime import date

import pytest
from ivms_samples import BENEFICIARY_PERSON, ORIGINATOR_PERSON, VASP, transfer_payload

from compliance.travel_rule import ivms101
from kyc.validation import COUNTRY_CODES

TODAY = date(2026, 12, 4)


def parse(data):
    return ivms101.parse(data, countries=COUNTRY_CODES, today=TODAY)


def errors_of(data) -> dict[str, list[str]]:
    with pytest.raises(ivms101.Ivms101Error) as caught:
        parse(data)
    return caught.value.errors


def originator_with(**fields):
    person = copy.deepcopy(ORIGINATOR_PERSON)
    person["naturalPerson"].update(fields)
    for key, value in fields.items():
        if value is None:
            person["naturalPerson"].pop(key)
    return {"originatorPersons": [person], "accountNumber": ["T-wallet"]}


def test_a_complete_natural_person_transfer_reads_and_exports_the_same_json():
    payload = parse(transfer_payload())
    person = payload.originator.persons[0]
    assert person.legal_names == ["Ayesha Khan"]
    assert person.date_and_place_of_birth.date_of_birth == date(1990, 4, 1)
    assert payload.originating_vasp.legal_names == ["Indus Digital Exchange"]
    again = parse(json.loads(json.dumps(payload.to_json())))
    assert again == payload
    assert payload.to_json() == transfer_payload()


def test_a_legal_person_originator_with_an_lei_is_valid():
    legal = copy.deepcopy(VASP)
    payload = parse(
        transfer_payload(originator={"originatorPersons": [legal], "accountNumber": ["x"]})
    )
    assert payload.originator.persons[0].kind == "legalPerson"


def test_a_legal_person_with_a_registration_number_needs_its_registration_authority():
    legal = copy.deepcopy(VASP)
    legal["legalPerson"]["nationalIdentification"] = {
        "nationalIdentifier": "0012345",
        "nationalIdentifierType": "RAID",
    }
    errors = errors_of(transfer_payload(originatingVASP={"originatingVASP": legal}))
    path = (
        "originatingVASP.originatingVASP.legalPerson.nationalIdentification.registrationAuthority"
    )
    assert "C9" in errors[path][0]
    legal["legalPerson"]["nationalIdentification"]["registrationAuthority"] = "RA000569"
    parse(transfer_payload(originatingVASP={"originatingVASP": legal}))


def test_c1_a_natural_originator_needs_an_address_an_id_a_customer_number_or_a_birth_date():
    bare = originator_with(
        geographicAddress=None, nationalIdentification=None, dateAndPlaceOfBirth=None
    )
    errors = errors_of(transfer_payload(originator=bare))
    assert "C1" in errors["originator.originatorPersons[0].naturalPerson"][0]
    bare["originatorPersons"][0]["naturalPerson"]["customerIdentification"] = "U-1001"
    parse(transfer_payload(originator=bare))


def test_c1_does_not_apply_to_the_beneficiary():
    payload = parse(transfer_payload())
    assert payload.beneficiary.persons[0].geographic_address == ()


def test_c2_a_date_of_birth_must_be_in_the_past():
    errors = errors_of(
        transfer_payload(
            originator=originator_with(
                dateAndPlaceOfBirth={"dateOfBirth": "2026-12-04", "placeOfBirth": "Lahore"}
            )
        )
    )
    path = "originator.originatorPersons[0].naturalPerson.dateAndPlaceOfBirth.dateOfBirth"
    assert errors[path] == ["C2: must be a date in the past."]


def test_c3_an_invalid_country_is_reported_at_its_path():
    errors = errors_of(transfer_payload(originator=originator_with(countryOfResidence="QQ")))
    assert "C3" in errors["originator.originatorPersons[0].naturalPerson.countryOfResidence"][0]


def test_c3_xx_stands_for_an_unknown_country():
    parse(transfer_payload(originator=originator_with(countryOfResidence="XX")))


def test_c4_a_legal_originator_needs_a_geographic_address_a_customer_number_or_an_id():
    legal = copy.deepcopy(VASP)
    del legal["legalPerson"]["nationalIdentification"]
    errors = errors_of(
        transfer_payload(originator={"originatorPersons": [legal], "accountNumber": ["x"]})
    )
    assert "C4" in errors["originator.originatorPersons[0].legalPerson"][0]


def test_c5_c6_a_legal_name_is_required_for_each_kind_of_person():
    alias_only = copy.deepcopy(BENEFICIARY_PERSON)
    alias_only["naturalPerson"]["name"]["nameIdentifier"][0]["nameIdentifierType"] = "ALIA"
    trading = copy.deepcopy(VASP)
    trading["legalPerson"]["name"]["nameIdentifier"][0]["legalPersonNameIdentifierType"] = "TRAD"
    errors = errors_of(
        transfer_payload(
            beneficiary={"beneficiaryPersons": [alias_only], "accountNumber": ["x"]},
            originatingVASP={"originatingVASP": trading},
        )
    )
    assert "C6" in errors["beneficiary.beneficiaryPersons[0].naturalPerson.name.nameIdentifier"][0]
    assert "C5" in errors["originatingVASP.originatingVASP.legalPerson.name.nameIdentifier"][0]


def test_c7_a_legal_person_cannot_be_identified_by_a_passport():
    legal = copy.deepcopy(VASP)
    legal["legalPerson"]["nationalIdentification"] = {
        "nationalIdentifier": "AB1234567",
        "nationalIdentifierType": "CCPT",
        "registrationAuthority": "RA000569",
    }
    errors = errors_of(transfer_payload(originatingVASP={"originatingVASP": legal}))
    path = (
        "originatingVASP.originatingVASP.legalPerson.nationalIdentification.nationalIdentifierType"
    )
    assert "C7" in errors[path][0]


def test_c8_an_address_needs_lines_or_a_street_with_a_building():
    errors = errors_of(
        transfer_payload(
            originator=originator_with(
                geographicAddress=[{"addressType": "HOME", "townName": "Quetta", "country": "PK"}]
            )
        )
    )
    assert "C8" in errors["originator.originatorPersons[0].naturalPerson.geographicAddress[0]"][0]


def test_c10_c11_registration_authority_codes_and_lei_check_digits():
    legal = copy.deepcopy(VASP)
    legal["legalPerson"]["nationalIdentification"]["nationalIdentifier"] = "529900T8BM49AURSDO56"
    errors = errors_of(transfer_payload(originatingVASP={"originatingVASP": legal}))
    base = "originatingVASP.originatingVASP.legalPerson.nationalIdentification"
    assert "C11" in errors[f"{base}.nationalIdentifier"][0]
    legal["legalPerson"]["nationalIdentification"] = {
        "nationalIdentifier": "0012345",
        "nationalIdentifierType": "RAID",
        "registrationAuthority": "GLEIF",
    }
    errors = errors_of(transfer_payload(originatingVASP={"originatingVASP": legal}))
    assert "C10" in errors[f"{base}.registrationAuthority"][0]


def test_c12_transfer_path_sequences_run_from_zero():
    path = {"transferPath": [{"sequence": 1, "intermediaryVASP": {}}]}
    errors = errors_of(transfer_payload(transferPath=path))
    assert "C12" in errors["transferPath.transferPath"][0]


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (
            {"nameIdentifier": [{"primaryIdentifier": 42, "nameIdentifierType": "LEGL"}]},
            "beneficiary.beneficiaryPersons[0].naturalPerson.name.nameIdentifier[0].primaryIdentifier",
            "Expected a string, got a number.",
        ),
        (
            {"nameIdentifier": [{"primaryIdentifier": "Ahmed", "nameIdentifierType": "NICK"}]},
            "beneficiary.beneficiaryPersons[0].naturalPerson.name.nameIdentifier[0].nameIdentifierType",
            "Must be one of ALIA, BIRT, LEGL, MAID, MISC.",
        ),
        (
            {"nameIdentifier": []},
            "beneficiary.beneficiaryPersons[0].naturalPerson.name.nameIdentifier",
            "At least one item is required.",
        ),
        (
            {
                "nameIdentifier": [
                    {"primaryIdentifier": "x" * 1_000_000, "nameIdentifierType": "LEGL"}
                ]
            },
            "beneficiary.beneficiaryPersons[0].naturalPerson.name.nameIdentifier[0].primaryIdentifier",
            "At most 100 characters (got 1000000).",
        ),
    ],
)
def test_malformed_names_are_reported_at_their_path(change, path, message):
    person = {"naturalPerson": {"name": change}}
    errors = errors_of(
        transfer_payload(beneficiary={"beneficiaryPersons": [person], "accountNumber": ["x"]})
    )
    assert errors[path] == [message]


def test_a_person_is_natural_or_legal_never_both_nor_neither():
    both = {**ORIGINATOR_PERSON, **VASP}
    errors = errors_of(transfer_payload(originator={"originatorPersons": [both, {}]}))
    assert "Exactly one" in errors["originator.originatorPersons[0]"][0]
    assert "Exactly one" in errors["originator.originatorPersons[1]"][0]


def test_a_transfer_needs_both_parties_their_accounts_and_the_originating_vasp():
    errors = errors_of(
        transfer_payload(
            beneficiary=None,
            originatingVASP=None,
            originator={"originatorPersons": [ORIGINATOR_PERSON]},
        )
    )
    assert errors["beneficiary"] == ["This element is required."]
    assert errors["originatingVASP"] == ["This element is required."]
    assert errors["originator.accountNumber"] == ["The account (wallet address) is required."]


def test_the_payload_must_be_an_object_and_lists_are_bounded():
    assert errors_of(["not", "an", "object"]) == {"IVMS101": ["Expected an object, got a list."]}
    many = [copy.deepcopy(BENEFICIARY_PERSON)] * 5000
    errors = errors_of(transfer_payload(beneficiary={"beneficiaryPersons": many}))
    assert errors["beneficiary.beneficiaryPersons"] == ["At most 20 items."]
