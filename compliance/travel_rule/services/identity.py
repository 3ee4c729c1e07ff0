"""IVMS101 persons from what we hold: our customers (KYC) and VASPs (the directory).

The customer's ID number is decrypted here, when the message is prepared, and goes only into
the payload (stored encrypted); it is never logged. ``redact`` masks it for display.
"""

from __future__ import annotations

import copy
from typing import Any

from compliance.travel_rule import conf
from compliance.travel_rule import ivms101 as iv
from compliance.travel_rule.models import Vasp
from core import pii
from kyc.models import Customer
from kyc.vocabularies import IdType

# KYC ID types to IVMS101 national identifier types (section 7.4).
_ID_TYPES = {
    IdType.CNIC: "IDCD",
    IdType.SNIC: "IDCD",
    IdType.NICOP: "IDCD",
    IdType.POC: "IDCD",
    IdType.PASSPORT: "CCPT",
    IdType.FOREIGN_ID: "IDCD",
}
_NADRA = frozenset({IdType.CNIC, IdType.SNIC, IdType.NICOP, IdType.POC})


def _address(block: dict[str, Any], kind: str) -> tuple[iv.Address, ...]:
    if not block or not block.get("country"):
        return ()
    lines = tuple(x.strip()[:70] for x in (block.get("line1"), block.get("line2")) if x)
    return (
        iv.Address(
            address_type=kind,
            country=str(block["country"]).upper(),
            town_name=str(block.get("city") or "")[:35],
            district_name=str(block.get("district") or "")[:35],
            country_sub_division=str(block.get("province") or "")[:35],
            post_code=str(block.get("postal_code") or "")[:16],
            address_lines=lines,
        ),
    )


def customer_person(customer: Customer) -> iv.Person:
    """Our customer as an IVMS101 natural or legal person."""
    if customer.is_entity:
        return iv.LegalPerson(
            name=iv.LegalPersonName((iv.LegalNameId(customer.legal_name[:100], "LEGL"),)),
            geographic_address=_address(customer.registered_address, "GEOG"),
            customer_number=customer.external_id[:50],
            country_of_registration=customer.country_of_incorporation,
        )
    national_id = None
    number = customer.id_number  # decrypted now, for this payload only
    if number and customer.id_type in _ID_TYPES:
        issuer = "PK" if customer.id_type in _NADRA else customer.nationality
        national_id = iv.NationalIdentification(
            national_identifier=pii.normalize(number)[:35],
            national_identifier_type=_ID_TYPES[customer.id_type],
            country_of_issue=issuer,
        )
    birth = None
    if customer.date_of_birth and customer.place_of_birth:
        birth = iv.DateAndPlaceOfBirth(customer.date_of_birth, customer.place_of_birth[:70])
    return iv.NaturalPerson(
        # Pakistani names carry no reliable family-name part: the whole legal name is primary.
        name=iv.NaturalPersonName((iv.NaturalNameId(customer.full_name[:100], "LEGL"),)),
        geographic_address=_address(customer.permanent_address, "HOME"),
        national_identification=national_id,
        customer_identification=customer.external_id[:50],
        date_and_place_of_birth=birth,
        country_of_residence=customer.country_of_residence,
    )


def customer_names(customer: Customer) -> tuple[str, ...]:
    return tuple(
        n for n in (customer.legal_name if customer.is_entity else customer.full_name,) if n
    )


def vasp_person(vasp: Vasp | None) -> iv.LegalPerson:
    """A VASP as an IVMS101 legal person; ``None`` is us, from settings."""
    name = vasp.name if vasp else conf.self_name()
    country = vasp.jurisdiction if vasp else "PK"
    lei = vasp.lei if vasp else ""
    national_id = None
    if lei and iv.codes.lei_is_valid(lei):
        national_id = iv.NationalIdentification(lei, "LEIX")
    return iv.LegalPerson(
        name=iv.LegalPersonName((iv.LegalNameId(name[:100], "LEGL"),)),
        national_identification=national_id,
        country_of_registration=country,
        customer_number="" if national_id else (vasp.code if vasp else conf.self_code())[:50],
    )


def redact(ivms_json: dict[str, Any]) -> dict[str, Any]:
    """A copy with national identifiers masked, for screens and logs."""
    out = copy.deepcopy(ivms_json)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "nationalIdentifier" and isinstance(value, str):
                    node[key] = pii.mask(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(out)
    return out
