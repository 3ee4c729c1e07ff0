"""The Pakistani KYC data set's rules, as plain Python over plain values (no database).

Each ``normalize_*`` / ``check_*`` function returns the normalized value or raises
``InvalidValue`` with the message the API shows for that field. ``clean_individual``,
``clean_entity`` and ``clean_beneficial_owners`` run every rule over a whole profile and raise
``core.errors.ValidationFailed`` with every field's messages at once.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import phonenumbers
from stdnum.exceptions import InvalidComponent, InvalidFormat, InvalidLength
from stdnum.pk import cnic as stdnum_cnic

from core.errors import ValidationFailed
from kyc import geography
from kyc.vocabularies import NADRA_ID_TYPES, EntityType, IdType

MINIMUM_AGE = 18  # SBP AML/CFT regulations: accounts for adults; minors need a guardian
MAXIMUM_AGE = 120
UBO_THRESHOLD = Decimal("25")  # FATF R.24 / SECP beneficial ownership: 25 % or more
# Entities whose owners are public by other means and need no UBO declaration (listed
# companies disclose to the PSX and SECP; the state is the owner of government entities).
UBO_EXEMPT_ENTITY_TYPES = frozenset({EntityType.PUBLIC_LIMITED, EntityType.GOVERNMENT})
GENDER_WORDS = {"M": "male", "F": "female"}

# ISO 3166-1 alpha-2: phonenumbers' regions minus its two non-ISO ones (AC, TA), plus the
# uninhabited territories it has no numbering plan for. XK (Kosovo) is kept: lists use it.
COUNTRY_CODES = frozenset(
    (set(phonenumbers.SUPPORTED_REGIONS) - {"AC", "TA"})
    | {"AQ", "BV", "GS", "HM", "PN", "TF", "UM"}
)

_CNIC_SHAPE = re.compile(r"^(\d{13}|\d{5}-\d{7}-\d)$")
_PK_PASSPORT = re.compile(r"^[A-Z]{2}\d{7}$")
_ICAO_DOCUMENT = re.compile(r"^[A-Z0-9]{6,9}$")
_FOREIGN_ID = re.compile(r"^[A-Z0-9][A-Z0-9/-]{3,29}$")
_NTN = re.compile(r"^(\d{7})-?(\d)$")
_REGISTRATION_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/\-. ]{2,49}$")
_PERSON_NAME = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ .'\-])*$")
_PK_POSTAL_CODE = re.compile(r"^\d{5}$")


class InvalidValue(ValueError):
    """A value broke a rule; ``str(exc)`` is the message for the field."""


# ---------------------------------------------------------------- single values


def normalize_cnic(value: str) -> str:
    """``"3520212345671"`` or ``"35202-1234567-1"`` -> ``"35202-1234567-1"``.

    NADRA numbers: 5-digit locality (first digit the region, 1-7), 7-digit serial, and a last
    digit that is odd for men and even for women (python-stdnum checks all three).
    """
    text = (value or "").strip()
    digits = text.replace("-", "")
    if not digits.isdigit():
        raise InvalidValue("CNIC must be 13 digits, with or without dashes (12345-1234567-1).")
    if len(digits) != 13:
        raise InvalidValue(f"CNIC must have 13 digits; got {len(digits)}.")
    if not _CNIC_SHAPE.match(text):
        raise InvalidValue("CNIC dashes go after the 5th and 12th digits (12345-1234567-1).")
    try:
        stdnum_cnic.validate(digits)
    except InvalidLength as exc:  # pragma: no cover - checked above
        raise InvalidValue(f"CNIC must have 13 digits; got {len(digits)}.") from exc
    except (InvalidComponent, InvalidFormat) as exc:
        if stdnum_cnic.get_province(digits) is None:
            raise InvalidValue(
                f"CNIC first digit {digits[0]} is not a NADRA region code (1-7)."
            ) from exc
        raise InvalidValue(
            f"CNIC last digit {digits[-1]} is not a gender digit (odd male, even female, not 0)."
        ) from exc
    return stdnum_cnic.format(digits)


def cnic_gender(cnic: str) -> str | None:
    """``"M"`` or ``"F"`` from the last digit of a valid CNIC."""
    return stdnum_cnic.get_gender(cnic)


def check_cnic_gender(cnic: str, gender: str) -> None:
    """The card's gender digit must agree with the declared gender (``X`` is not checked)."""
    on_card = cnic_gender(cnic)
    if gender in GENDER_WORDS and on_card and on_card != gender:
        raise InvalidValue(f"CNIC gender digit says {GENDER_WORDS[on_card]}, gender is {gender}.")


def normalize_passport(value: str, nationality: str = "") -> str:
    """Upper case without spaces; Pakistani passports are two letters and seven digits."""
    number = re.sub(r"[\s-]", "", (value or "").upper())
    if nationality == "PK":
        if not _PK_PASSPORT.match(number):
            raise InvalidValue(
                "Pakistani passport numbers are two letters and seven digits (AB1234567)."
            )
    elif not _ICAO_DOCUMENT.match(number):
        raise InvalidValue("Passport number must be 6 to 9 letters or digits (ICAO 9303).")
    return number


def normalize_foreign_id(value: str) -> str:
    number = re.sub(r"\s", "", (value or "").upper())
    if not _FOREIGN_ID.match(number):
        raise InvalidValue("Foreign ID number must be 4 to 30 letters, digits, '-' or '/'.")
    return number


def normalize_id_number(id_type: str, value: str, nationality: str = "") -> str:
    """The ID number in its canonical form for ``id_type``."""
    if id_type in NADRA_ID_TYPES:
        return normalize_cnic(value)
    if id_type == IdType.PASSPORT:
        return normalize_passport(value, nationality)
    if id_type == IdType.FOREIGN_ID:
        return normalize_foreign_id(value)
    raise InvalidValue(f"Unknown ID type {id_type!r}.")


# The longest device id accepted (onboarding and transactions); longer is refused, not cut.
DEVICE_ID_MAX_LENGTH = 200


def clean_ip_address(value: Any) -> str | None:
    """The canonical text of an IPv4 or IPv6 address; ``None`` when blank."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise InvalidValue("Not a valid IPv4 or IPv6 address.")
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        raise InvalidValue("Not a valid IPv4 or IPv6 address.") from None


def clean_device_id(value: Any) -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, str):
        raise InvalidValue("Must be a string.")
    value = value.strip()
    if len(value) > DEVICE_ID_MAX_LENGTH:
        raise InvalidValue(f"At most {DEVICE_ID_MAX_LENGTH} characters.")
    return value


def normalize_mobile(value: str, region: str = "PK") -> str:
    """E.164: ``"03001234567"`` -> ``"+923001234567"``; foreign numbers need their ``+`` code."""
    try:
        number = phonenumbers.parse((value or "").strip(), region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidValue(f"Not a phone number: {value!r}.") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidValue(f"{value!r} is not a valid mobile number.")
    kind = phonenumbers.number_type(number)
    if kind not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise InvalidValue(f"{value!r} is not a mobile number.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def age_on(dob: date, today: date) -> int:
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


def check_date_of_birth(dob: date, today: date, minimum_age: int = MINIMUM_AGE) -> date:
    if dob > today:
        raise InvalidValue("Date of birth is in the future.")
    age = age_on(dob, today)
    if age < minimum_age:
        raise InvalidValue(f"Customer must be {minimum_age} or older; is {age}.")
    if age > MAXIMUM_AGE:
        raise InvalidValue(f"Date of birth gives an age of {age}; check the year.")
    return dob


def id_date_errors(issue: date | None, expiry: date | None, today: date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if issue is not None and issue > today:
        errors.setdefault("id_issue_date", []).append("ID issue date is in the future.")
    if expiry is not None and expiry < today:
        errors.setdefault("id_expiry_date", []).append(
            f"ID expired on {expiry.isoformat()}; an expired ID cannot be accepted."
        )
    if issue is not None and expiry is not None and expiry <= issue:
        errors.setdefault("id_expiry_date", []).append(
            "ID expiry date is not after its issue date."
        )
    return errors


def normalize_country(value: str) -> str:
    code = (value or "").strip().upper()
    if code not in COUNTRY_CODES:
        raise InvalidValue(f"{value!r} is not an ISO 3166 alpha-2 country code.")
    return code


def normalize_person_name(value: str) -> str:
    name = " ".join((value or "").split())
    if len(name) < 2:
        raise InvalidValue("Name is too short.")
    if not _PERSON_NAME.match(name):
        raise InvalidValue("Name may hold letters, spaces, dots, hyphens and apostrophes only.")
    return name


def normalize_ntn(value: str) -> str:
    """FBR National Tax Number: ``1234567-8`` (businesses) or the holder's CNIC (individuals)."""
    text = (value or "").strip()
    match = _NTN.match(text)
    if match:
        return f"{match.group(1)}-{match.group(2)}"
    try:
        return normalize_cnic(text)
    except InvalidValue as exc:
        raise InvalidValue(
            "NTN is seven digits and a check digit (1234567-8), or a CNIC for individuals."
        ) from exc


def normalize_registration_number(value: str) -> str:
    text = " ".join((value or "").split())
    if not _REGISTRATION_NUMBER.match(text):
        raise InvalidValue("Registration number must be 3 to 50 letters, digits, '/', '-' or '.'.")
    return text


ADDRESS_FIELDS = ("line1", "line2", "city", "district", "province", "postal_code", "country")


def address_errors(address: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Normalize an address; Pakistani ones need a listed province and a district within it."""
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(address) - set(ADDRESS_FIELDS))
    for name in unknown:
        errors[name] = ["Unknown field."]
    clean = {k: " ".join(str(address.get(k) or "").split()) for k in ADDRESS_FIELDS}
    for required in ("line1", "city"):
        if not clean[required]:
            errors.setdefault(required, []).append("This field is required.")
    try:
        clean["country"] = normalize_country(clean["country"] or "PK")
    except InvalidValue as exc:
        errors.setdefault("country", []).append(str(exc))
    if clean["country"] == "PK":
        province = None
        if not clean["province"]:
            errors.setdefault("province", []).append(
                "Province is required for a Pakistani address."
            )
        else:
            try:
                province = clean["province"] = geography.canonical_province(clean["province"])
            except geography.UnknownPlace as exc:
                errors.setdefault("province", []).append(str(exc))
        if not clean["district"]:
            errors.setdefault("district", []).append(
                "District is required for a Pakistani address."
            )
        else:
            try:
                clean["district"] = geography.canonical_district(clean["district"], province)
            except geography.UnknownPlace as exc:
                errors.setdefault("district", []).append(str(exc))
        if clean["postal_code"] and not _PK_POSTAL_CODE.match(clean["postal_code"]):
            errors.setdefault("postal_code", []).append("Pakistani postal codes have 5 digits.")
    return clean, errors


# ---------------------------------------------------------------- whole profiles


class _Errors:
    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.by_field.setdefault(field, []).append(message)

    def merge(self, prefix: str, errors: Mapping[str, list[str]]) -> None:
        for field, messages in errors.items():
            for message in messages:
                self.add(f"{prefix}{field}", message)

    def run(self, field: str, rule: Callable[..., Any], *args: Any) -> Any:
        try:
            return rule(*args)
        except InvalidValue as exc:
            self.add(field, str(exc))
            return None

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationFailed(self.by_field)


def _require(errors: _Errors, data: Mapping[str, Any], fields: tuple[str, ...], prefix="") -> None:
    for name in fields:
        value = data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            errors.add(f"{prefix}{name}", "This field is required.")


def _clean_identity(
    errors: _Errors, data: Mapping[str, Any], out: dict[str, Any], prefix: str = ""
) -> None:
    """id_type + id_number (+ nationality for passports) into ``out``."""
    id_type = data.get("id_type") or ""
    if not id_type or not data.get("id_number"):
        return
    if id_type not in IdType.values:
        errors.add(f"{prefix}id_type", f"Unknown ID type {id_type!r}.")
        return
    number = errors.run(
        f"{prefix}id_number",
        normalize_id_number,
        id_type,
        str(data["id_number"]),
        out.get("nationality", ""),
    )
    if number is not None:
        out["id_number"] = number


def clean_individual(data: Mapping[str, Any], *, today: date) -> dict[str, Any]:
    """Every rule for an individual's profile; returns the normalized profile."""
    errors = _Errors()
    out: dict[str, Any] = dict(data)
    _require(
        errors,
        data,
        ("full_name", "father_or_spouse_name", "date_of_birth", "id_type", "id_number"),
    )
    for name in ("full_name", "father_or_spouse_name", "mother_maiden_name"):
        if data.get(name):
            out[name] = errors.run(name, normalize_person_name, data[name])
    id_type = data.get("id_type") or ""
    # NADRA's CNIC and SNIC are only issued to Pakistani citizens resident or not.
    if not data.get("nationality") and id_type in (IdType.CNIC, IdType.SNIC, IdType.NICOP):
        out["nationality"] = "PK"
    if not data.get("country_of_residence") and id_type in (IdType.CNIC, IdType.SNIC):
        out["country_of_residence"] = "PK"
    for name in ("nationality", "country_of_residence"):
        if out.get(name):
            out[name] = errors.run(name, normalize_country, out[name])
        else:
            errors.add(name, "This field is required.")
    _clean_identity(errors, data, out)
    if out.get("id_number") and id_type in NADRA_ID_TYPES and data.get("gender"):
        errors.run("gender", check_cnic_gender, out["id_number"], data["gender"])
    if data.get("date_of_birth"):
        errors.run("date_of_birth", check_date_of_birth, data["date_of_birth"], today)
    errors.merge("", id_date_errors(data.get("id_issue_date"), data.get("id_expiry_date"), today))
    if data.get("mobile"):
        out["mobile"] = errors.run("mobile", normalize_mobile, data["mobile"])
    for name in ("permanent_address", "present_address"):
        if data.get(name):
            out[name], address_problems = address_errors(data[name])
            errors.merge(f"{name}.", address_problems)
    turnover = data.get("expected_monthly_turnover_pkr")
    if turnover is not None and Decimal(turnover) < 0:
        errors.add("expected_monthly_turnover_pkr", "Expected turnover cannot be negative.")
    if data.get("is_pep_declared") and not (data.get("pep_details") or "").strip():
        errors.add("pep_details", "Describe the public function held when is_pep_declared is true.")
    residencies = []
    for index, code in enumerate(data.get("tax_residencies") or []):
        residencies.append(errors.run(f"tax_residencies[{index}]", normalize_country, code))
    if residencies:
        out["tax_residencies"] = residencies
    errors.raise_if_any()
    return out


def clean_beneficial_owners(
    owners: list[Mapping[str, Any]], *, today: date, entity_type: str = ""
) -> list[dict[str, Any]]:
    """Each owner valid, ownership within 0-100 % and summing to at most 100 %, and no owner
    of 25 % or more left out: what is not declared must be under the threshold."""
    errors = _Errors()
    out: list[dict[str, Any]] = []
    seen_ids: dict[str, int] = {}
    total = Decimal("0")
    for index, owner in enumerate(owners):
        prefix = f"beneficial_owners[{index}]."
        clean: dict[str, Any] = dict(owner)
        _require(
            errors,
            owner,
            ("full_name", "id_type", "id_number", "date_of_birth", "nationality", "ownership_pct"),
            prefix,
        )
        if owner.get("full_name"):
            clean["full_name"] = errors.run(
                f"{prefix}full_name", normalize_person_name, owner["full_name"]
            )
        if owner.get("nationality"):
            clean["nationality"] = errors.run(
                f"{prefix}nationality", normalize_country, owner["nationality"]
            )
        _clean_identity(errors, owner, clean, prefix)
        if clean.get("id_number") and owner.get("id_number"):
            key = f"{owner.get('id_type')}:{clean['id_number']}"
            if key in seen_ids:
                errors.add(f"{prefix}id_number", f"Same ID as owner {seen_ids[key]}.")
            seen_ids.setdefault(key, index)
        if owner.get("date_of_birth"):
            errors.run(
                f"{prefix}date_of_birth", check_date_of_birth, owner["date_of_birth"], today, 0
            )
        pct = owner.get("ownership_pct")
        if pct is not None:
            pct = Decimal(pct)
            if not Decimal("0") < pct <= Decimal("100"):
                errors.add(f"{prefix}ownership_pct", "Ownership must be above 0 and at most 100.")
            else:
                total += pct
        out.append(clean)
    if total > Decimal("100"):
        errors.add("beneficial_owners", f"Ownership adds up to {total}%, more than 100%.")
    elif entity_type not in UBO_EXEMPT_ENTITY_TYPES and Decimal("100") - total >= UBO_THRESHOLD:
        undeclared = Decimal("100") - total
        errors.add(
            "beneficial_owners",
            f"{undeclared}% of ownership is undeclared: every owner of {UBO_THRESHOLD}% or more "
            "must be listed.",
        )
    errors.raise_if_any()
    return out


def clean_entity(data: Mapping[str, Any], *, today: date) -> dict[str, Any]:
    """Every rule for a legal entity's profile, its beneficial owners included."""
    errors = _Errors()
    out: dict[str, Any] = dict(data)
    _require(errors, data, ("legal_name", "registration_number"))
    if data.get("legal_name"):
        out["legal_name"] = " ".join(str(data["legal_name"]).split())
    if data.get("registration_number"):
        out["registration_number"] = errors.run(
            "registration_number", normalize_registration_number, data["registration_number"]
        )
    if data.get("ntn"):
        out["ntn"] = errors.run("ntn", normalize_ntn, data["ntn"])
    country = data.get("country_of_incorporation") or "PK"
    out["country_of_incorporation"] = errors.run(
        "country_of_incorporation", normalize_country, country
    )
    incorporated = data.get("incorporation_date")
    if incorporated is not None and incorporated > today:
        errors.add("incorporation_date", "Incorporation date is in the future.")
    if data.get("registered_address"):
        out["registered_address"], problems = address_errors(data["registered_address"])
        errors.merge("registered_address.", problems)
    if data.get("mobile"):
        out["mobile"] = errors.run("mobile", normalize_mobile, data["mobile"])
    try:
        out["beneficial_owners"] = clean_beneficial_owners(
            list(data.get("beneficial_owners") or []),
            today=today,
            entity_type=data.get("entity_type") or "",
        )
    except ValidationFailed as exc:
        errors.merge("", exc.errors)
    errors.raise_if_any()
    return out


# ---------------------------------------------------------------- wallets

_BASE58 = "[1-9A-HJ-NP-Za-km-z]"
_WALLET_FORMATS: dict[str, tuple[re.Pattern[str], bool]] = {
    # chain: (pattern, case-insensitive -> stored lower case)
    "bitcoin": (re.compile(rf"^(bc1[02-9ac-hj-np-z]{{11,87}}|[13]{_BASE58}{{25,34}})$"), False),
    "ethereum": (re.compile(r"^0x[0-9a-f]{40}$"), True),
    "bsc": (re.compile(r"^0x[0-9a-f]{40}$"), True),
    "polygon": (re.compile(r"^0x[0-9a-f]{40}$"), True),
    "tron": (re.compile(rf"^T{_BASE58}{{33}}$"), False),
    "solana": (re.compile(rf"^{_BASE58}{{32,44}}$"), False),
    "litecoin": (re.compile(rf"^(ltc1[02-9ac-hj-np-z]{{11,87}}|[LM3]{_BASE58}{{26,33}})$"), False),
    "xrp": (re.compile(rf"^r{_BASE58}{{24,34}}$"), False),
}


def normalize_wallet_address(chain: str, address: str) -> str:
    """The address in the form screening compares (EVM addresses and bech32 in lower case)."""
    if chain not in _WALLET_FORMATS:
        raise InvalidValue(f"Unknown chain {chain!r}; use one of: {', '.join(_WALLET_FORMATS)}.")
    pattern, case_insensitive = _WALLET_FORMATS[chain]
    text = (address or "").strip()
    if case_insensitive or text.lower().startswith(("bc1", "ltc1")):
        text = text.lower()
    if not pattern.match(text):
        raise InvalidValue(f"Not a valid {chain} address.")
    return text
