"""IVMS101 JSON samples for the travel-rule tests (a valid transfer and parts to break)."""

from __future__ import annotations

import copy
from typing import Any

ORIGINATOR_PERSON = {
    "naturalPerson": {
        "name": {
            "nameIdentifier": [
                {
                    "primaryIdentifier": "Khan",
                    "secondaryIdentifier": "Ayesha",
                    "nameIdentifierType": "LEGL",
                }
            ]
        },
        "geographicAddress": [
            {
                "addressType": "HOME",
                "streetName": "Shahrah-e-Faisal",
                "buildingNumber": "12",
                "townName": "Karachi",
                "country": "PK",
            }
        ],
        "nationalIdentification": {
            "nationalIdentifier": "4210112345671",
            "nationalIdentifierType": "IDCD",
            "countryOfIssue": "PK",
        },
        "dateAndPlaceOfBirth": {"dateOfBirth": "1990-04-01", "placeOfBirth": "Karachi"},
        "countryOfResidence": "PK",
    }
}

BENEFICIARY_PERSON = {
    "naturalPerson": {
        "name": {
            "nameIdentifier": [
                {
                    "primaryIdentifier": "Ahmed",
                    "secondaryIdentifier": "Bilal",
                    "nameIdentifierType": "LEGL",
                }
            ]
        }
    }
}

VASP = {
    "legalPerson": {
        "name": {
            "nameIdentifier": [
                {
                    "legalPersonName": "Indus Digital Exchange",
                    "legalPersonNameIdentifierType": "LEGL",
                }
            ]
        },
        "nationalIdentification": {
            "nationalIdentifier": "529900T8BM49AURSDO55",
            "nationalIdentifierType": "LEIX",
        },
        "countryOfRegistration": "PK",
    }
}


def transfer_payload(**changes: Any) -> dict[str, Any]:
    """A valid IVMS101 identity payload for a transfer; keyword arguments replace top-level
    blocks (``originator=None`` drops it)."""
    payload = {
        "originator": {
            "originatorPersons": [copy.deepcopy(ORIGINATOR_PERSON)],
            "accountNumber": ["TXaB1ZK7kH7sjDJyU5cZ9zKr5vQ6tNj7zS"],
        },
        "beneficiary": {
            "beneficiaryPersons": [copy.deepcopy(BENEFICIARY_PERSON)],
            "accountNumber": ["0x52908400098527886E0F7030069857D2E4169EE7"],
        },
        "originatingVASP": {"originatingVASP": copy.deepcopy(VASP)},
    }
    for key, value in changes.items():
        if value is None:
            payload.pop(key, None)
        else:
            payload[key] = value
    return payload
