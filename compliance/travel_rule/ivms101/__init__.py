"""IVMS101, the interVASP Messaging Standard (2020): structures, JSON, validation.

``parse(json_data)`` reads and validates (shape, then constraints C1-C12) and raises
``Ivms101Error`` with ``errors = {field path: [messages]}``; ``model`` has the structures and
their ``to_json``. Pure Python: unit-testable without a database.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from . import codes
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
from .reading import Ivms101Error, read_identity_payload
from .rules import problems

__all__ = [
    "Address",
    "DateAndPlaceOfBirth",
    "IdentityPayload",
    "Ivms101Error",
    "LegalNameId",
    "LegalPerson",
    "LegalPersonName",
    "NationalIdentification",
    "NaturalNameId",
    "NaturalPerson",
    "NaturalPersonName",
    "Party",
    "Person",
    "codes",
    "parse",
    "problems",
    "validate",
]


def validate(
    payload: IdentityPayload, *, countries: Iterable[str], today: date, for_transfer: bool = True
) -> IdentityPayload:
    """``payload`` if it meets the constraints, else ``Ivms101Error``."""
    found = problems(payload, countries=countries, today=today, for_transfer=for_transfer)
    if found:
        raise Ivms101Error(found)
    return payload


def parse(
    data: Any, *, countries: Iterable[str], today: date, for_transfer: bool = True
) -> IdentityPayload:
    """Read IVMS101 JSON and check it; ``Ivms101Error`` lists every problem by path."""
    payload = read_identity_payload(data)
    return validate(payload, countries=countries, today=today, for_transfer=for_transfer)
