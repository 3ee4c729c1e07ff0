"""IVMS101 code lists and text limits (interVASP Messaging Standard, IVMS 101, 2020 edition).

Element names, code lists and lengths follow the published standard (section 6 data types,
section 7 code lists, section 8 constraints C1-C12). Pure Python, no Django.
"""

from __future__ import annotations

import re

# Section 7.1 NaturalPersonNameTypeCode
NATURAL_NAME_TYPES = {
    "ALIA": "Alias name",
    "BIRT": "Name at birth",
    "MAID": "Maiden name",
    "LEGL": "Legal name",
    "MISC": "Unspecified",
}
# Section 7.2 LegalPersonNameTypeCode
LEGAL_NAME_TYPES = {"LEGL": "Legal name", "SHRT": "Short name", "TRAD": "Trading name"}
# Section 7.3 AddressTypeCode
ADDRESS_TYPES = {"HOME": "Residential", "BIZZ": "Business", "GEOG": "Geographic"}
# Section 7.4 NationalIdentifierTypeCode
NATIONAL_ID_TYPES = {
    "ARNU": "Alien registration number",
    "CCPT": "Passport number",
    "RAID": "Registration authority identifier",
    "DRLC": "Driver's licence number",
    "FIIN": "Foreign investment identity number",
    "TXID": "Tax identification number",
    "SOCS": "Social security number",
    "IDCD": "Identity card number",
    "LEIX": "Legal Entity Identifier",
    "MISC": "Unspecified",
}
# C7: a legal person's national identification is one of these.
LEGAL_PERSON_ID_TYPES = frozenset({"RAID", "MISC", "LEIX", "TXID"})
# Section 7.5 TransliterationMethodCode (ISO 15924 based)
TRANSLITERATION_METHODS = frozenset(
    {
        "arab",
        "aran",
        "armn",
        "cyrl",
        "deva",
        "geor",
        "grek",
        "hani",
        "hebr",
        "kana",
        "kore",
        "thai",
        "othr",
    }
)

# Section 6: MaxNText lengths per element.
MAX_NAME = 100  # primaryIdentifier, secondaryIdentifier, legalPersonName
MAX_ACCOUNT = 100  # accountNumber
MAX_NATIONAL_ID = 35  # nationalIdentifier
MAX_CUSTOMER_ID = 50  # customerIdentification, customerNumber
MAX_PLACE_OF_BIRTH = 70
MAX_ADDRESS_LINES = 7  # addressLine 0..7
ADDRESS_FIELDS = {  # element: max length
    "department": 50,
    "subDepartment": 70,
    "streetName": 70,
    "buildingNumber": 16,
    "buildingName": 35,
    "floor": 70,
    "postBox": 16,
    "room": 70,
    "postCode": 16,
    "townName": 35,
    "townLocationName": 35,
    "districtName": 35,
    "countrySubDivision": 35,
}
MAX_ADDRESS_LINE = 70

# Not in the standard: a guard against oversized payloads (a message carries a handful of
# persons; thousands of list items are an attack, not a transfer).
MAX_LIST_ITEMS = 20

REGISTRATION_AUTHORITY = re.compile(r"^RA\d{6}$")  # C10: GLEIF Registration Authorities list
LEI_SHAPE = re.compile(r"^[A-Z0-9]{18}\d{2}$")  # C11: ISO 17442


def lei_is_valid(lei: str) -> bool:
    """ISO 17442 (C11): 18 alphanumerics then two check digits, ISO 7064 MOD 97-10."""
    if not LEI_SHAPE.match(lei):
        return False
    digits = "".join(str(int(ch, 36)) for ch in lei)
    return int(digits) % 97 == 1
