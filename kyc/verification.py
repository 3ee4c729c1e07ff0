"""Identity verification: the adapter interface, the sandbox, and the service that stores results.

A provider answers NADRA Verisys-style questions about an ID number: is there a record, and do
the name, father's name, date of birth, address and photo on it match what the customer gave?
The provider in use is ``settings.IDENTITY_PROVIDER`` (a dotted path to a class with a
``verify(query) -> IdentityResult`` method); the default is the deterministic sandbox below.
A production adapter wraps NADRA's Verisys (or a licensed aggregator) behind the same interface.

Sandbox rules (``SandboxVerisys``), decided by the last four digits of the CNIC's 7-digit middle
block (``35202-123XXXX-1``), so demo data and tests can ask for any outcome:

    ====  ===============  =====================================================
    0000  no_record        NADRA has no citizen with this number
    9999  name_mismatch    the name on record differs from ``full_name``
    8888  partial_match    father's / spouse's name differs
    7777  partial_match    date of birth differs
    6666  partial_match    photo does not match the selfie
    2222  partial_match    address differs
    5555  id_expired       card cancelled or expired at NADRA
    4444  deceased         record marked deceased
    3333  blocked          card blocked by NADRA
    1111  error            provider unreachable (a retryable failure)
    else  match            every field matches
    ====  ===============  =====================================================

Passports and foreign IDs are not NADRA documents: the sandbox (like Verisys) answers
``no_record`` for them, which sends the customer to an officer for a manual document check.
An entity is verified through its beneficial owners: one stored result whose code is the worst
of its owners' and whose raw response lists each owner's answer.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from core import audit
from core.actors import Actor
from kyc.models import Customer, CustomerDocument, IdentityVerification
from kyc.vocabularies import NADRA_ID_TYPES

Result = IdentityVerification.Result
MATCH_FIELDS = ("name", "father_name", "date_of_birth", "address", "photo")
# Worst first: an entity's result is the worst of its owners'.
SEVERITY = (
    Result.ERROR,
    Result.BLOCKED,
    Result.DECEASED,
    Result.NO_RECORD,
    Result.ID_EXPIRED,
    Result.NAME_MISMATCH,
    Result.PARTIAL_MATCH,
    Result.MATCH,
)


@dataclass(frozen=True)
class IdentityQuery:
    id_type: str
    id_number: str
    full_name: str
    father_name: str = ""
    date_of_birth: date | None = None
    address: str = ""
    photo_sha256: str = ""  # the selfie's hash; a real adapter sends the image itself


@dataclass(frozen=True)
class IdentityResult:
    result_code: str
    matched: dict[str, bool | None]
    reference: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


class IdentityProvider(Protocol):
    name: str

    def verify(self, query: IdentityQuery) -> IdentityResult: ...


class SandboxVerisys:
    """Deterministic stand-in for NADRA Verisys (rules in the module docstring)."""

    name = "sandbox-verisys"
    RULES: dict[str, tuple[str, str | None]] = {
        "0000": (Result.NO_RECORD, None),
        "9999": (Result.NAME_MISMATCH, "name"),
        "8888": (Result.PARTIAL_MATCH, "father_name"),
        "7777": (Result.PARTIAL_MATCH, "date_of_birth"),
        "6666": (Result.PARTIAL_MATCH, "photo"),
        "2222": (Result.PARTIAL_MATCH, "address"),
        "5555": (Result.ID_EXPIRED, None),
        "4444": (Result.DECEASED, None),
        "3333": (Result.BLOCKED, None),
        "1111": (Result.ERROR, None),
    }

    def verify(self, query: IdentityQuery) -> IdentityResult:
        digits = query.id_number.replace("-", "")
        reference = "SBX-" + hashlib.sha256(digits.encode()).hexdigest()[:12].upper()
        if query.id_type not in NADRA_ID_TYPES or len(digits) != 13:
            return IdentityResult(
                Result.NO_RECORD,
                dict.fromkeys(MATCH_FIELDS),
                reference,
                {"response_code": "104", "message": "Not a NADRA document; verify manually."},
            )
        code, mismatched = self.RULES.get(digits[8:12], (Result.MATCH, None))
        if code in (Result.NO_RECORD, Result.ERROR, Result.BLOCKED, Result.DECEASED):
            matched: dict[str, bool | None] = dict.fromkeys(MATCH_FIELDS)
        else:
            matched = dict.fromkeys(MATCH_FIELDS, True)
            if not query.photo_sha256:
                matched["photo"] = None  # no selfie uploaded: photo not compared
            if mismatched:
                matched[mismatched] = False
        raw = {
            "response_code": {Result.MATCH: "100", Result.NO_RECORD: "104"}.get(code, "101"),
            "message": Result(code).label,
            "citizen_number": digits[:5] + "*******" + digits[-1],
            "matched": matched,
            "session_id": reference,
        }
        return IdentityResult(code, matched, reference, raw)


@lru_cache(maxsize=4)
def _load(path: str) -> IdentityProvider:
    return import_string(path)()


def get_provider() -> IdentityProvider:
    """The configured provider (``settings.IDENTITY_PROVIDER``)."""
    return _load(getattr(settings, "IDENTITY_PROVIDER", "kyc.verification.SandboxVerisys"))


def _address_line(address: dict) -> str:
    parts = (address or {}).get
    return ", ".join(
        p for p in (parts("line1"), parts("city"), parts("district"), parts("province")) if p
    )


def query_for_customer(customer: Customer) -> IdentityQuery:
    selfie = (
        customer.documents.filter(kind=CustomerDocument.Kind.SELFIE)
        .order_by("-created_at")
        .values_list("sha256", flat=True)
        .first()
    )
    return IdentityQuery(
        id_type=customer.id_type,
        id_number=customer.id_number,
        full_name=customer.full_name,
        father_name=customer.father_or_spouse_name,
        date_of_birth=customer.date_of_birth,
        address=_address_line(customer.permanent_address or customer.present_address),
        photo_sha256=selfie or "",
    )


def _worst(codes: list[str]) -> str:
    return min(codes, key=SEVERITY.index) if codes else Result.NO_RECORD


def _verify_entity(provider: IdentityProvider, customer: Customer) -> IdentityResult:
    owners = list(customer.current_beneficial_owners)
    answers = []
    for owner in owners:
        answer = provider.verify(
            IdentityQuery(
                id_type=owner.id_type,
                id_number=owner.id_number,
                full_name=owner.full_name,
                date_of_birth=owner.date_of_birth,
            )
        )
        answers.append((owner, answer))
    matched: dict[str, bool | None] = {}
    for name in MATCH_FIELDS:
        values = [a.matched.get(name) for _, a in answers]
        known = [v for v in values if v is not None]
        matched[name] = all(known) if known else None
    raw = {
        "owners": [
            {"beneficial_owner": str(o.pk), "result_code": a.result_code, "raw": a.raw}
            for o, a in answers
        ]
    }
    return IdentityResult(_worst([a.result_code for _, a in answers]), matched, "", raw)


def verify_identity(*, customer: Customer, actor: Actor) -> IdentityVerification:
    """Ask the configured provider about the customer (or each beneficial owner); store it."""
    provider = get_provider()
    if customer.is_entity:
        result = _verify_entity(provider, customer)
    else:
        result = provider.verify(query_for_customer(customer))
    with transaction.atomic():
        verification = IdentityVerification.objects.create(
            customer=customer,
            provider=getattr(provider, "name", provider.__class__.__name__),
            result_code=result.result_code,
            matched_fields=result.matched,
            reference=result.reference,
            raw_response=result.raw,
        )
        audit.record(
            actor=actor,
            action="customer.identity_verified",
            obj=customer,
            after={
                "verification": str(verification.pk),
                "provider": verification.provider,
                "result_code": verification.result_code,
                "matched_fields": result.matched,
            },
        )
    return verification
