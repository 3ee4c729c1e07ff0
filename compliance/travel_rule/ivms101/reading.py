"""IVMS101 JSON to ``model`` structures, every problem reported with the path of its field.

Reading checks shape: JSON types, required elements, code lists and text lengths. The
standard's constraints (C1-C12: countries, legal names, addresses, LEIs...) are ``rules``.
Paths look like ``originator.originatorPersons[0].naturalPerson.name.nameIdentifier[0]
.primaryIdentifier``. Pure Python, no Django.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .codes import (
    ADDRESS_FIELDS,
    ADDRESS_TYPES,
    LEGAL_NAME_TYPES,
    MAX_ACCOUNT,
    MAX_ADDRESS_LINE,
    MAX_ADDRESS_LINES,
    MAX_CUSTOMER_ID,
    MAX_LIST_ITEMS,
    MAX_NAME,
    MAX_NATIONAL_ID,
    MAX_PLACE_OF_BIRTH,
    NATIONAL_ID_TYPES,
    NATURAL_NAME_TYPES,
)
from .model import (
    Address,
    DateAndPlaceOfBirth,
    IdentityPayload,
    LegalNameId,
    LegalPerson,
    LegalPersonName,
    NationalIdentification,
    NaturalNameId,
    NaturalPerson,
    NaturalPersonName,
    Party,
    Person,
)

_ADDRESS_ATTRS = {
    "streetName": "street_name",
    "buildingNumber": "building_number",
    "buildingName": "building_name",
    "postCode": "post_code",
    "townName": "town_name",
    "districtName": "district_name",
    "countrySubDivision": "country_sub_division",
}


class Ivms101Error(ValueError):
    """The payload is not valid IVMS101; ``errors`` maps a field path to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in sorted(errors.items())))


class _Reader:
    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def fail(self, path: str, message: str) -> None:
        self.errors.setdefault(path, []).append(message)

    def obj(self, value: Any, path: str, required: bool = True) -> dict[str, Any] | None:
        if value is None:
            if required:
                self.fail(path, "This element is required.")
            return None
        if not isinstance(value, dict):
            self.fail(path, f"Expected an object, got {_kind(value)}.")
            return None
        return value

    def items(self, value: Any, path: str, required: bool = False, limit: int = 0) -> list:
        limit = limit or MAX_LIST_ITEMS
        if value is None or value == []:
            if required:
                self.fail(path, "At least one item is required.")
            return []
        if isinstance(value, dict) and not required:
            value = [value]  # some senders write a single element without its list
        if not isinstance(value, list):
            self.fail(path, f"Expected a list, got {_kind(value)}.")
            return []
        if len(value) > limit:
            self.fail(path, f"At most {limit} items.")
            return []
        return value

    def text(
        self, parent: dict, key: str, path: str, max_length: int, required: bool = False
    ) -> str:
        value = parent.get(key)
        where = f"{path}.{key}"
        if value is None or value == "":
            if required:
                self.fail(where, "This element is required.")
            return ""
        if not isinstance(value, str):
            self.fail(where, f"Expected a string, got {_kind(value)}.")
            return ""
        value = value.strip()
        if not value and required:
            self.fail(where, "This element is required.")
        if len(value) > max_length:
            self.fail(where, f"At most {max_length} characters (got {len(value)}).")
            return ""
        return value

    def code(self, parent: dict, key: str, path: str, allowed, required: bool = True) -> str:
        value = self.text(parent, key, path, 4, required=required)
        if value and value not in allowed:
            self.fail(f"{path}.{key}", f"Must be one of {', '.join(sorted(allowed))}.")
            return ""
        return value

    def country(self, parent: dict, key: str, path: str, required: bool = False) -> str:
        # Validity against ISO 3166 is rule C3 (rules.py); here only the shape.
        return self.text(parent, key, path, 2, required=required).upper()


def _kind(value: Any) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)


def read_identity_payload(data: Any) -> IdentityPayload:
    """The payload for IVMS101 JSON, or ``Ivms101Error`` with every problem found."""
    r = _Reader()
    root = r.obj(data, "IVMS101")
    payload = IdentityPayload()
    if root is not None:
        payload = IdentityPayload(
            originator=_party(r, root, "originator", "originatorPersons"),
            beneficiary=_party(r, root, "beneficiary", "beneficiaryPersons"),
            originating_vasp=_vasp(r, root, "originatingVASP"),
            beneficiary_vasp=_vasp(r, root, "beneficiaryVASP"),
            extra={k: root[k] for k in ("transferPath", "payloadMetadata") if k in root},
        )
    if r.errors:
        raise Ivms101Error(r.errors)
    return payload


def _party(r: _Reader, root: dict, key: str, persons_key: str) -> Party | None:
    block = r.obj(root.get(key), key, required=False)
    if block is None:
        return None
    path = f"{key}.{persons_key}"
    persons = [
        _person(r, item, f"{path}[{i}]")
        for i, item in enumerate(r.items(block.get(persons_key), path, required=True))
    ]
    accounts = []
    for i, account in enumerate(r.items(block.get("accountNumber"), f"{key}.accountNumber")):
        where = f"{key}.accountNumber[{i}]"
        if not isinstance(account, str) or not account.strip():
            r.fail(where, "Expected a non-empty string.")
        elif len(account) > MAX_ACCOUNT:
            r.fail(where, f"At most {MAX_ACCOUNT} characters.")
        else:
            accounts.append(account.strip())
    return Party(
        persons=tuple(p for p in persons if p is not None), account_numbers=tuple(accounts)
    )


def _vasp(r: _Reader, root: dict, key: str) -> Person | None:
    block = r.obj(root.get(key), key, required=False)
    if block is None:
        return None
    return _person(r, block.get(key), f"{key}.{key}")


def _person(r: _Reader, value: Any, path: str) -> Person | None:
    block = r.obj(value, path)
    if block is None:
        return None
    natural, legal = block.get("naturalPerson"), block.get("legalPerson")
    if (natural is None) == (legal is None):
        r.fail(path, "Exactly one of naturalPerson or legalPerson is required.")
        return None
    if natural is not None:
        return _natural(r, natural, f"{path}.naturalPerson")
    return _legal(r, legal, f"{path}.legalPerson")


def _natural(r: _Reader, value: Any, path: str) -> NaturalPerson | None:
    block = r.obj(value, path)
    if block is None:
        return None
    name_block = r.obj(block.get("name"), f"{path}.name")
    name = None
    if name_block is not None:
        name = NaturalPersonName(
            name_identifiers=_natural_names(r, name_block, f"{path}.name", "nameIdentifier", True),
            local_name_identifiers=_natural_names(
                r, name_block, f"{path}.name", "localNameIdentifier", False
            ),
            phonetic_name_identifiers=_natural_names(
                r, name_block, f"{path}.name", "phoneticNameIdentifier", False
            ),
        )
    birth = None
    birth_block = r.obj(block.get("dateAndPlaceOfBirth"), f"{path}.dateAndPlaceOfBirth", False)
    if birth_block is not None:
        where = f"{path}.dateAndPlaceOfBirth"
        raw = r.text(birth_block, "dateOfBirth", where, 10, required=True)
        place = r.text(birth_block, "placeOfBirth", where, MAX_PLACE_OF_BIRTH, True)
        born = None
        if raw:
            try:
                born = date.fromisoformat(raw)
            except ValueError:
                r.fail(f"{where}.dateOfBirth", "A date as YYYY-MM-DD.")
        if born and place:
            birth = DateAndPlaceOfBirth(date_of_birth=born, place_of_birth=place)
    person = NaturalPerson(
        name=name or NaturalPersonName(()),
        geographic_address=_addresses(r, block, path),
        national_identification=_national_id(r, block, path),
        customer_identification=r.text(block, "customerIdentification", path, MAX_CUSTOMER_ID),
        date_and_place_of_birth=birth,
        country_of_residence=r.country(block, "countryOfResidence", path),
    )
    return person if name is not None else None


def _natural_names(
    r: _Reader, block: dict, path: str, key: str, required: bool
) -> tuple[NaturalNameId, ...]:
    out = []
    for i, item in enumerate(r.items(block.get(key), f"{path}.{key}", required=required)):
        where = f"{path}.{key}[{i}]"
        entry = r.obj(item, where)
        if entry is None:
            continue
        primary = r.text(entry, "primaryIdentifier", where, MAX_NAME, required=True)
        secondary = r.text(entry, "secondaryIdentifier", where, MAX_NAME)
        kind = r.code(entry, "nameIdentifierType", where, NATURAL_NAME_TYPES)
        if primary and kind:
            out.append(NaturalNameId(primary, kind, secondary))
    return tuple(out)


def _legal(r: _Reader, value: Any, path: str) -> LegalPerson | None:
    block = r.obj(value, path)
    if block is None:
        return None
    name_block = r.obj(block.get("name"), f"{path}.name")
    name = None
    if name_block is not None:
        name = LegalPersonName(
            name_identifiers=_legal_names(r, name_block, f"{path}.name", "nameIdentifier", True),
            local_name_identifiers=_legal_names(
                r, name_block, f"{path}.name", "localNameIdentifier", False
            ),
            phonetic_name_identifiers=_legal_names(
                r, name_block, f"{path}.name", "phoneticNameIdentifier", False
            ),
        )
    person = LegalPerson(
        name=name or LegalPersonName(()),
        geographic_address=_addresses(r, block, path),
        customer_number=r.text(block, "customerNumber", path, MAX_CUSTOMER_ID),
        national_identification=_national_id(r, block, path),
        country_of_registration=r.country(block, "countryOfRegistration", path),
    )
    return person if name is not None else None


def _legal_names(
    r: _Reader, block: dict, path: str, key: str, required: bool
) -> tuple[LegalNameId, ...]:
    out = []
    for i, item in enumerate(r.items(block.get(key), f"{path}.{key}", required=required)):
        where = f"{path}.{key}[{i}]"
        entry = r.obj(item, where)
        if entry is None:
            continue
        name = r.text(entry, "legalPersonName", where, MAX_NAME, required=True)
        kind = r.code(entry, "legalPersonNameIdentifierType", where, LEGAL_NAME_TYPES)
        if name and kind:
            out.append(LegalNameId(name, kind))
    return tuple(out)


def _addresses(r: _Reader, block: dict, path: str) -> tuple[Address, ...]:
    out = []
    key = f"{path}.geographicAddress"
    for i, item in enumerate(r.items(block.get("geographicAddress"), key)):
        where = f"{key}[{i}]"
        entry = r.obj(item, where)
        if entry is None:
            continue
        kind = r.code(entry, "addressType", where, ADDRESS_TYPES)
        values = {name: r.text(entry, name, where, limit) for name, limit in ADDRESS_FIELDS.items()}
        lines = []
        line_path = f"{where}.addressLine"
        raw_lines = r.items(entry.get("addressLine"), line_path, limit=MAX_ADDRESS_LINES)
        for j, line in enumerate(raw_lines):
            if not isinstance(line, str):
                r.fail(f"{line_path}[{j}]", f"Expected a string, got {_kind(line)}.")
            elif len(line) > MAX_ADDRESS_LINE:
                r.fail(f"{line_path}[{j}]", f"At most {MAX_ADDRESS_LINE} characters.")
            elif line.strip():
                lines.append(line.strip())
        country = r.country(entry, "country", where, required=True)
        if kind and country:
            out.append(
                Address(
                    address_type=kind,
                    country=country,
                    address_lines=tuple(lines),
                    other=tuple((k, v) for k, v in values.items() if v and k not in _ADDRESS_ATTRS),
                    **{attr: values[k] for k, attr in _ADDRESS_ATTRS.items()},
                )
            )
    return tuple(out)


def _national_id(r: _Reader, block: dict, path: str) -> NationalIdentification | None:
    where = f"{path}.nationalIdentification"
    entry = r.obj(block.get("nationalIdentification"), where, required=False)
    if entry is None:
        return None
    number = r.text(entry, "nationalIdentifier", where, MAX_NATIONAL_ID, required=True)
    kind = r.code(entry, "nationalIdentifierType", where, NATIONAL_ID_TYPES)
    if not (number and kind):
        return None
    return NationalIdentification(
        national_identifier=number,
        national_identifier_type=kind,
        country_of_issue=r.country(entry, "countryOfIssue", where),
        registration_authority=r.text(entry, "registrationAuthority", where, 8),
    )
