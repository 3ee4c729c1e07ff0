"""IVMS101 structures as plain frozen dataclasses, with their IVMS101 JSON form.

``to_json`` gives the camelCase JSON of the standard (empty elements left out); reading JSON
is ``reading.read_identity_payload``. Pure Python, no Django.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


def _compact(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v not in (None, "", [], {})}


@dataclass(frozen=True)
class NaturalNameId:
    primary_identifier: str
    name_identifier_type: str = "LEGL"
    secondary_identifier: str = ""

    def to_json(self) -> dict[str, Any]:
        return _compact(
            {
                "primaryIdentifier": self.primary_identifier,
                "secondaryIdentifier": self.secondary_identifier,
                "nameIdentifierType": self.name_identifier_type,
            }
        )

    @property
    def full_name(self) -> str:
        """Given names then family name, as people write them."""
        return " ".join(p for p in (self.secondary_identifier, self.primary_identifier) if p)


@dataclass(frozen=True)
class NaturalPersonName:
    name_identifiers: tuple[NaturalNameId, ...]
    local_name_identifiers: tuple[NaturalNameId, ...] = ()
    phonetic_name_identifiers: tuple[NaturalNameId, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return _compact(
            {
                "nameIdentifier": [n.to_json() for n in self.name_identifiers],
                "localNameIdentifier": [n.to_json() for n in self.local_name_identifiers],
                "phoneticNameIdentifier": [n.to_json() for n in self.phonetic_name_identifiers],
            }
        )


@dataclass(frozen=True)
class LegalNameId:
    legal_person_name: str
    legal_person_name_identifier_type: str = "LEGL"

    def to_json(self) -> dict[str, Any]:
        return {
            "legalPersonName": self.legal_person_name,
            "legalPersonNameIdentifierType": self.legal_person_name_identifier_type,
        }


@dataclass(frozen=True)
class LegalPersonName:
    name_identifiers: tuple[LegalNameId, ...]
    local_name_identifiers: tuple[LegalNameId, ...] = ()
    phonetic_name_identifiers: tuple[LegalNameId, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return _compact(
            {
                "nameIdentifier": [n.to_json() for n in self.name_identifiers],
                "localNameIdentifier": [n.to_json() for n in self.local_name_identifiers],
                "phoneticNameIdentifier": [n.to_json() for n in self.phonetic_name_identifiers],
            }
        )


@dataclass(frozen=True)
class Address:
    address_type: str
    country: str
    town_name: str = ""
    street_name: str = ""
    building_number: str = ""
    building_name: str = ""
    post_code: str = ""
    country_sub_division: str = ""
    district_name: str = ""
    address_lines: tuple[str, ...] = ()
    # The standard's other elements (department, floor, room, postBox...), camelCase keys.
    other: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return _compact(
            {
                "addressType": self.address_type,
                "streetName": self.street_name,
                "buildingNumber": self.building_number,
                "buildingName": self.building_name,
                "postCode": self.post_code,
                "townName": self.town_name,
                "districtName": self.district_name,
                "countrySubDivision": self.country_sub_division,
                **dict(self.other),
                "addressLine": list(self.address_lines),
                "country": self.country,
            }
        )


@dataclass(frozen=True)
class NationalIdentification:
    national_identifier: str
    national_identifier_type: str
    country_of_issue: str = ""
    registration_authority: str = ""

    def to_json(self) -> dict[str, Any]:
        return _compact(
            {
                "nationalIdentifier": self.national_identifier,
                "nationalIdentifierType": self.national_identifier_type,
                "countryOfIssue": self.country_of_issue,
                "registrationAuthority": self.registration_authority,
            }
        )


@dataclass(frozen=True)
class DateAndPlaceOfBirth:
    date_of_birth: date
    place_of_birth: str

    def to_json(self) -> dict[str, Any]:
        return {"dateOfBirth": self.date_of_birth.isoformat(), "placeOfBirth": self.place_of_birth}


@dataclass(frozen=True)
class NaturalPerson:
    name: NaturalPersonName
    geographic_address: tuple[Address, ...] = ()
    national_identification: NationalIdentification | None = None
    customer_identification: str = ""
    date_and_place_of_birth: DateAndPlaceOfBirth | None = None
    country_of_residence: str = ""

    kind = "naturalPerson"

    def to_json(self) -> dict[str, Any]:
        return {
            "naturalPerson": _compact(
                {
                    "name": self.name.to_json(),
                    "geographicAddress": [a.to_json() for a in self.geographic_address],
                    "nationalIdentification": self.national_identification.to_json()
                    if self.national_identification
                    else None,
                    "customerIdentification": self.customer_identification,
                    "dateAndPlaceOfBirth": self.date_and_place_of_birth.to_json()
                    if self.date_and_place_of_birth
                    else None,
                    "countryOfResidence": self.country_of_residence,
                }
            )
        }

    @property
    def legal_names(self) -> list[str]:
        return [n.full_name for n in self.name.name_identifiers if n.name_identifier_type == "LEGL"]

    @property
    def all_names(self) -> list[str]:
        name = self.name
        ids = name.name_identifiers + name.local_name_identifiers + name.phonetic_name_identifiers
        return [n.full_name for n in ids]


@dataclass(frozen=True)
class LegalPerson:
    name: LegalPersonName
    geographic_address: tuple[Address, ...] = ()
    customer_number: str = ""
    national_identification: NationalIdentification | None = None
    country_of_registration: str = ""

    kind = "legalPerson"

    def to_json(self) -> dict[str, Any]:
        return {
            "legalPerson": _compact(
                {
                    "name": self.name.to_json(),
                    "geographicAddress": [a.to_json() for a in self.geographic_address],
                    "customerNumber": self.customer_number,
                    "nationalIdentification": self.national_identification.to_json()
                    if self.national_identification
                    else None,
                    "countryOfRegistration": self.country_of_registration,
                }
            )
        }

    @property
    def legal_names(self) -> list[str]:
        return [
            n.legal_person_name
            for n in self.name.name_identifiers
            if n.legal_person_name_identifier_type == "LEGL"
        ]

    @property
    def all_names(self) -> list[str]:
        name = self.name
        ids = name.name_identifiers + name.local_name_identifiers + name.phonetic_name_identifiers
        return [n.legal_person_name for n in ids]


Person = NaturalPerson | LegalPerson


@dataclass(frozen=True)
class Party:
    """The originator or the beneficiary: one or more persons and their accounts (wallets)."""

    persons: tuple[Person, ...]
    account_numbers: tuple[str, ...] = ()


@dataclass(frozen=True)
class IdentityPayload:
    """IVMS101 ``IdentityPayload``: who sends, who receives, and the two VASPs."""

    originator: Party | None = None
    beneficiary: Party | None = None
    originating_vasp: Person | None = None
    beneficiary_vasp: Person | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)  # transferPath, metadata

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.originator is not None:
            out["originator"] = _compact(
                {
                    "originatorPersons": [p.to_json() for p in self.originator.persons],
                    "accountNumber": list(self.originator.account_numbers),
                }
            )
        if self.beneficiary is not None:
            out["beneficiary"] = _compact(
                {
                    "beneficiaryPersons": [p.to_json() for p in self.beneficiary.persons],
                    "accountNumber": list(self.beneficiary.account_numbers),
                }
            )
        if self.originating_vasp is not None:
            out["originatingVASP"] = {"originatingVASP": self.originating_vasp.to_json()}
        if self.beneficiary_vasp is not None:
            out["beneficiaryVASP"] = {"beneficiaryVASP": self.beneficiary_vasp.to_json()}
        out.update(self.extra)
        return out
