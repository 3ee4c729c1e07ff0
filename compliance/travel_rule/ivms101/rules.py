"""The IVMS101 constraints (section 8, C1-C12) and what a transfer message must carry.

``problems(payload, today=...)`` returns ``{field path: [messages]}``, empty when valid.
Countries are ISO 3166-1 alpha-2 (C3, with ``XX`` for "not known" as the standard allows).
Pure Python, no Django.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from .codes import (
    LEGAL_PERSON_ID_TYPES,
    REGISTRATION_AUTHORITY,
    lei_is_valid,
)
from .model import Address, IdentityPayload, LegalPerson, NaturalPerson, Person


class _Problems(dict):
    def add(self, path: str, message: str) -> None:
        self.setdefault(path, []).append(message)


def problems(
    payload: IdentityPayload, *, countries: Iterable[str], today: date, for_transfer: bool = True
) -> dict[str, list[str]]:
    """Every broken constraint, by path. ``for_transfer`` adds FATF R.16's minimum: an
    originator and a beneficiary with their accounts, and the originating VASP."""
    known = frozenset(countries) | {"XX"}
    out = _Problems()
    parties = (
        ("originator", "originatorPersons", payload.originator),
        ("beneficiary", "beneficiaryPersons", payload.beneficiary),
    )
    for key, persons_key, party in parties:
        if party is None:
            if for_transfer:
                out.add(key, "This element is required.")
            continue
        if for_transfer and not party.account_numbers:
            out.add(f"{key}.accountNumber", "The account (wallet address) is required.")
        for i, person in enumerate(party.persons):
            path = f"{key}.{persons_key}[{i}]"
            _person(out, person, path, known, today, is_originator=key == "originator")
    for key, person in (
        ("originatingVASP", payload.originating_vasp),
        ("beneficiaryVASP", payload.beneficiary_vasp),
    ):
        if person is None:
            if for_transfer and key == "originatingVASP":
                out.add(key, "This element is required.")
            continue
        _person(out, person, f"{key}.{key}", known, today, is_originator=False)
    _transfer_path(out, payload)
    return dict(out)


def _person(
    out: _Problems, person: Person, path: str, known: frozenset, today: date, is_originator: bool
) -> None:
    if isinstance(person, NaturalPerson):
        _natural(out, person, f"{path}.naturalPerson", known, today, is_originator)
    else:
        _legal(out, person, f"{path}.legalPerson", known, is_originator)


def _natural(
    out: _Problems, p: NaturalPerson, path: str, known: frozenset, today: date, originator: bool
) -> None:
    if not any(n.name_identifier_type == "LEGL" for n in p.name.name_identifiers):
        out.add(f"{path}.name.nameIdentifier", "C6: one name must be of type LEGL (legal name).")
    if originator and not (
        p.geographic_address
        or p.customer_identification
        or p.national_identification
        or p.date_and_place_of_birth
    ):
        out.add(
            path,
            "C1: an originator who is a natural person needs a geographic address, a customer "
            "identification, a national identification or a date and place of birth.",
        )
    if p.date_and_place_of_birth and p.date_and_place_of_birth.date_of_birth >= today:
        out.add(f"{path}.dateAndPlaceOfBirth.dateOfBirth", "C2: must be a date in the past.")
    _country(out, p.country_of_residence, f"{path}.countryOfResidence", known)
    _addresses(out, p.geographic_address, path, known)
    if p.national_identification:
        nid = p.national_identification
        where = f"{path}.nationalIdentification"
        _country(out, nid.country_of_issue, f"{where}.countryOfIssue", known)
        if nid.national_identifier_type == "LEIX":
            out.add(f"{where}.nationalIdentifierType", "LEIX identifies legal persons only.")
        _registration_authority(out, nid.registration_authority, where)


def _legal(out: _Problems, p: LegalPerson, path: str, known: frozenset, originator: bool) -> None:
    if not any(n.legal_person_name_identifier_type == "LEGL" for n in p.name.name_identifiers):
        out.add(
            f"{path}.name.nameIdentifier",
            "C5: one name must be of type LEGL (legal name).",
        )
    if originator and not (
        any(a.address_type == "GEOG" for a in p.geographic_address)
        or p.customer_number
        or p.national_identification
    ):
        out.add(
            path,
            "C4: an originator that is a legal person needs a geographic address (GEOG), a "
            "customer number or a national identification.",
        )
    _country(out, p.country_of_registration, f"{path}.countryOfRegistration", known)
    _addresses(out, p.geographic_address, path, known)
    nid = p.national_identification
    if nid is None:
        return
    where = f"{path}.nationalIdentification"
    kind = nid.national_identifier_type
    if kind not in LEGAL_PERSON_ID_TYPES:
        out.add(
            f"{where}.nationalIdentifierType",
            "C7: a legal person's identifier is one of RAID, MISC, LEIX, TXID.",
        )
    if nid.country_of_issue:
        out.add(f"{where}.countryOfIssue", "C9: not given for a legal person.")
    if kind != "LEIX" and not nid.registration_authority:
        out.add(
            f"{where}.registrationAuthority",
            "C9: required unless the identifier is an LEI.",
        )
    _registration_authority(out, nid.registration_authority, where)
    if kind == "LEIX" and not lei_is_valid(nid.national_identifier):
        out.add(f"{where}.nationalIdentifier", "C11: not a valid LEI (ISO 17442).")


def _addresses(out: _Problems, addresses: tuple[Address, ...], path: str, known: frozenset):
    for i, a in enumerate(addresses):
        where = f"{path}.geographicAddress[{i}]"
        _country(out, a.country, f"{where}.country", known)
        if not a.address_lines and not (a.street_name and (a.building_name or a.building_number)):
            out.add(
                where,
                "C8: give addressLine, or streetName with buildingName or buildingNumber.",
            )
        if not a.address_lines and not a.town_name:
            out.add(f"{where}.townName", "This element is required.")


def _country(out: _Problems, code: str, path: str, known: frozenset) -> None:
    if code and code not in known:
        out.add(path, f"C3: {code!r} is not an ISO 3166-1 alpha-2 country code.")


def _registration_authority(out: _Problems, value: str, path: str) -> None:
    if value and not REGISTRATION_AUTHORITY.match(value):
        out.add(
            f"{path}.registrationAuthority",
            "C10: a GLEIF Registration Authorities code, RA followed by six digits.",
        )


def _transfer_path(out: _Problems, payload: IdentityPayload) -> None:
    """C12: the intermediary VASPs of ``transferPath`` are numbered 0, 1, 2... once each."""
    path = payload.extra.get("transferPath")
    if not path:
        return
    steps = path.get("transferPath") if isinstance(path, dict) else None
    if not isinstance(steps, list):
        out.add("transferPath.transferPath", "Expected a list.")
        return
    sequence = [s.get("sequence") for s in steps if isinstance(s, dict)]
    if sorted(x for x in sequence if isinstance(x, int)) != list(range(len(steps))):
        out.add("transferPath.transferPath", "C12: sequence numbers must run 0, 1, 2... once each.")
