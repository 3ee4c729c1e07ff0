"""Customer profiles: validated creation (idempotent by external id), versioned changes.

A profile change never overwrites history: each one is a ``CustomerVersion`` with who, when and
what changed (ID numbers masked), plus an audit event and ``customer_profile_changed`` after
commit so compliance can rescreen.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import audit, pii
from core.actors import Actor
from core.errors import Conflict, InvalidTransition, ValidationFailed
from kyc import validation
from kyc.models import BeneficialOwner, Customer, CustomerVersion
from kyc.services.decisions import IDENTITY_FIELDS, reverify_identity
from kyc.services.locks import copy_state, lock_customer
from kyc.signals import customer_created, customer_profile_changed
from kyc.vocabularies import NADRA_ID_TYPES, CustomerType

Status = Customer.Status

INDIVIDUAL_FIELDS = (
    "full_name", "father_or_spouse_name", "mother_maiden_name", "date_of_birth",
    "place_of_birth", "gender", "nationality", "country_of_residence", "id_type", "id_number",
    "id_issue_date", "id_expiry_date", "mobile", "email", "permanent_address",
    "present_address", "occupation", "source_of_funds", "purpose_of_account",
    "expected_monthly_turnover_pkr", "is_pep_declared", "pep_details", "is_us_person",
    "tax_residencies",
)  # fmt: skip
ENTITY_FIELDS = (
    "legal_name", "entity_type", "registration_number", "ntn", "incorporation_date",
    "country_of_incorporation", "registered_address", "business_activity", "mobile", "email",
    "source_of_funds", "purpose_of_account", "expected_monthly_turnover_pkr",
    "is_us_person", "tax_residencies", "beneficial_owners",
)  # fmt: skip
IMMUTABLE_FIELDS = ("external_id", "customer_type")
# Given once with the creation request; not profile data (not versioned, not fingerprinted).
SESSION_FIELDS = ("device_id", "ip_address")
OWNER_FIELDS = (
    "full_name", "id_type", "date_of_birth", "nationality", "ownership_pct", "is_pep_declared",
)  # fmt: skip
NO_PROFILE_CHANGES = (Status.REJECTED, Status.CLOSED)


def _profile_fields(customer_type: str) -> tuple[str, ...]:
    return ENTITY_FIELDS if customer_type == CustomerType.ENTITY else INDIVIDUAL_FIELDS


def _clean(customer_type: str, data: Mapping[str, Any]) -> dict[str, Any]:
    today = timezone.localdate()
    if customer_type == CustomerType.ENTITY:
        cleaned = validation.clean_entity(data, today=today)
        # Risk factors read nationality/residence for every customer: for an entity these are
        # its country of incorporation and where it is registered.
        cleaned["nationality"] = cleaned.get("country_of_incorporation") or ""
        cleaned["country_of_residence"] = (cleaned.get("registered_address") or {}).get(
            "country"
        ) or cleaned["nationality"]
        return cleaned
    if customer_type != CustomerType.INDIVIDUAL:
        raise ValidationFailed({"customer_type": [f"Unknown customer type {customer_type!r}."]})
    return validation.clean_individual(data, today=today)


def _foreign_fields(customer_type: str, data: Mapping[str, Any]) -> dict[str, list[str]]:
    """Fields of the other customer type, given a value: refused rather than dropped."""
    if customer_type not in CustomerType.values:
        return {}
    allowed = {*_profile_fields(customer_type), *IMMUTABLE_FIELDS}
    kind = "entity" if customer_type == CustomerType.ENTITY else "individual"
    return {
        name: [f"Not a field of {kind} customers."]
        for name, value in data.items()
        if name not in allowed and value not in (None, "", [], {}, False)
    }


def _fingerprint(customer_type: str, external_id: str, cleaned: Mapping[str, Any]) -> str:
    """Keyed hash of the normalized request, for idempotent retries (keyed: it covers PII)."""
    body = {
        "customer_type": customer_type,
        **{k: v for k, v in cleaned.items() if v not in (None, "", [], {})},
        "external_id": external_id,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)
    key = getattr(settings, "PII_HASH_KEY", "").encode()
    return hmac.new(key, canonical.encode(), hashlib.sha256).hexdigest()


def _owner_snapshot(owner: BeneficialOwner | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(owner, BeneficialOwner):
        number, values = owner.id_number, {f: getattr(owner, f) for f in OWNER_FIELDS}
    else:
        number, values = owner.get("id_number", ""), {f: owner.get(f) for f in OWNER_FIELDS}
    values["ownership_pct"] = Decimal(values["ownership_pct"]).quantize(Decimal("0.01"))
    values["is_pep_declared"] = bool(values["is_pep_declared"])
    return {**values, "id_number": pii.mask(number)}


def profile_snapshot(customer: Customer) -> dict[str, Any]:
    """The profile as JSON-safe data, ID numbers masked: what a version records."""
    snapshot: dict[str, Any] = {}
    for name in _profile_fields(customer.customer_type):
        if name == "id_number":
            snapshot[name] = customer.id_number_masked
        elif name == "beneficial_owners":
            owners = customer.current_beneficial_owners.order_by("created_at", "full_name")
            snapshot[name] = [_owner_snapshot(o) for o in owners]
        else:
            snapshot[name] = getattr(customer, name)
    return audit.to_json_safe(snapshot)


def _current_profile(customer: Customer) -> dict[str, Any]:
    """The stored profile in the shape the validators take (ID numbers in clear)."""
    profile: dict[str, Any] = {}
    for name in _profile_fields(customer.customer_type):
        if name == "beneficial_owners":
            profile[name] = [
                {**{f: getattr(o, f) for f in OWNER_FIELDS}, "id_number": o.id_number}
                for o in customer.current_beneficial_owners
            ]
        else:
            profile[name] = getattr(customer, name)
    return profile


def _find_duplicate_id(id_type: str, id_number: str, exclude_pk: Any = None) -> Customer | None:
    """A live customer holding the same ID; NADRA cards share one number space."""
    if not id_number:
        return None
    types = list(NADRA_ID_TYPES) if id_type in NADRA_ID_TYPES else [id_type]
    found = (
        Customer.objects.filter(id_type__in=types, id_number_hash=pii.keyed_hash(id_number))
        .exclude(status=Status.CLOSED)
        .exclude(pk=exclude_pk)
        .only("pk", "external_id")
        .first()
    )
    return found


def _duplicate_conflict(existing: Customer) -> Conflict:
    return Conflict(
        f"A customer with this ID number already exists ({existing.external_id}).",
        existing_external_id=existing.external_id,
    )


def _apply(customer: Customer, cleaned: Mapping[str, Any]) -> None:
    for name in _profile_fields(customer.customer_type):
        if name == "beneficial_owners" or name not in cleaned:
            continue
        value = cleaned[name]
        if name == "id_number":
            customer.id_number = value or ""
            continue
        if value is None and name not in (
            "date_of_birth",
            "id_issue_date",
            "id_expiry_date",
            "incorporation_date",
            "expected_monthly_turnover_pkr",
        ):
            value = Customer._meta.get_field(name).get_default()
        setattr(customer, name, value)
    if customer.is_entity:
        customer.nationality = cleaned.get("nationality", customer.nationality)
        customer.country_of_residence = cleaned.get(
            "country_of_residence", customer.country_of_residence
        )


def _sync_owners(customer: Customer, owners: Iterable[Mapping[str, Any]]) -> None:
    """Make the current owners equal ``owners``: unchanged rows stay, others are stamped removed
    (never deleted), new ones are added."""
    wanted = [dict(o) for o in owners]
    current = list(customer.current_beneficial_owners)
    now = timezone.now()

    def key(snapshot: Mapping[str, Any], number_hash: str) -> tuple:
        return (
            number_hash,
            snapshot["full_name"],
            snapshot["id_type"],
            str(snapshot["date_of_birth"]),
            snapshot["nationality"],
            str(Decimal(snapshot["ownership_pct"]).quantize(Decimal("0.01"))),
            bool(snapshot.get("is_pep_declared")),
        )

    remaining = {key(_owner_fields(o), o.id_number_hash): o for o in current}
    for owner in wanted:
        k = key(owner, pii.keyed_hash(owner["id_number"]))
        if k in remaining:
            remaining.pop(k)
            continue
        row = BeneficialOwner(
            customer=customer,
            full_name=owner["full_name"],
            id_type=owner["id_type"],
            date_of_birth=owner["date_of_birth"],
            nationality=owner["nationality"],
            ownership_pct=Decimal(owner["ownership_pct"]),
            is_pep_declared=bool(owner.get("is_pep_declared", False)),
        )
        row.id_number = owner["id_number"]
        row.save()
    for stale in remaining.values():
        stale.removed_at = now
        stale.save(update_fields=["removed_at", "updated_at"])


def _owner_fields(owner: BeneficialOwner) -> dict[str, Any]:
    return {f: getattr(owner, f) for f in OWNER_FIELDS}


def _write_version(
    customer: Customer,
    *,
    actor: Actor,
    changes: dict[str, list[Any]],
    snapshot: dict[str, Any],
    reason: str = "",
) -> CustomerVersion:
    return CustomerVersion.objects.create(
        customer=customer,
        version=customer.version,
        actor_label=actor.label[:200],
        actor_user=actor.user,
        changes=changes,
        snapshot=snapshot,
        reason=reason,
    )


def create_customer(*, actor: Actor, data: Mapping[str, Any]) -> Customer:
    """Validate and store a new customer as ``draft`` (version 1).

    Raises ``ValidationFailed`` (400) with every field's problems, ``Conflict`` (409) when the
    external id exists or a live customer holds the same ID number.
    """
    customer, created = get_or_create_customer(actor=actor, data=data)
    if not created:
        raise Conflict(
            f"external_id {customer.external_id} already exists.",
            existing_id=str(customer.pk),
        )
    return customer


def get_or_create_customer(*, actor: Actor, data: Mapping[str, Any]) -> tuple[Customer, bool]:
    """Idempotent create: the same ``external_id`` with the same (normalized) body returns the
    existing customer and ``False``; with a different body it is a ``Conflict``."""
    session = {name: data.get(name) or "" for name in SESSION_FIELDS}
    data = {k: v for k, v in data.items() if k not in SESSION_FIELDS}
    external_id = str(data.get("external_id") or "").strip()
    customer_type = data.get("customer_type") or CustomerType.INDIVIDUAL
    problems: dict[str, list[str]] = {}
    if not external_id:
        problems["external_id"] = ["This field is required."]
    problems |= _foreign_fields(customer_type, data)
    for name, clean in (
        ("device_id", validation.clean_device_id),
        ("ip_address", validation.clean_ip_address),
    ):
        try:
            session[name] = clean(session[name]) or ""
        except validation.InvalidValue as exc:
            problems[name] = [str(exc)]
    try:
        cleaned = _clean(customer_type, data)
    except ValidationFailed as exc:
        problems = {**problems, **exc.errors}
    if problems:
        raise ValidationFailed(problems)
    fingerprint = _fingerprint(customer_type, external_id, cleaned)
    replay = _replay(external_id, fingerprint)
    if replay is not None:
        return replay, False
    duplicate = _find_duplicate_id(cleaned.get("id_type", ""), cleaned.get("id_number", ""))
    if duplicate is not None:
        raise _duplicate_conflict(duplicate)
    try:
        with transaction.atomic():
            customer = _insert(actor, external_id, customer_type, cleaned, fingerprint, session)
    except IntegrityError:
        # A concurrent request won the race on external_id or the ID number: answer as if
        # it had committed first.
        replay = _replay(external_id, fingerprint)
        if replay is not None:
            return replay, False
        duplicate = _find_duplicate_id(cleaned.get("id_type", ""), cleaned.get("id_number", ""))
        if duplicate is not None:
            raise _duplicate_conflict(duplicate) from None
        raise
    return customer, True


def _replay(external_id: str, fingerprint: str) -> Customer | None:
    existing = Customer.objects.filter(external_id=external_id).first()
    if existing is None:
        return None
    if hmac.compare_digest(existing.request_hash, fingerprint):
        return existing
    raise Conflict(
        f"external_id {external_id} was already used with a different body.",
        existing_id=str(existing.pk),
    )


def _insert(
    actor: Actor,
    external_id: str,
    customer_type: str,
    cleaned: dict[str, Any],
    fingerprint: str,
    session: Mapping[str, str],
) -> Customer:
    customer = Customer(
        external_id=external_id,
        customer_type=customer_type,
        request_hash=fingerprint,
        status=Status.DRAFT,
        status_changed_at=timezone.now(),
        version=1,
        onboarding_device_id=session.get("device_id", ""),
        onboarding_ip_address=session.get("ip_address") or None,
    )
    _apply(customer, cleaned)
    customer.save()
    if customer.is_entity:
        _sync_owners(customer, cleaned.get("beneficial_owners") or [])
    snapshot = profile_snapshot(customer)
    changes = {k: [None, v] for k, v in snapshot.items() if v not in (None, "", [], {}, False)}
    _write_version(customer, actor=actor, changes=changes, snapshot=snapshot)
    audit.record(actor=actor, action="customer.created", obj=customer, after=snapshot)
    customer_id = customer.pk
    transaction.on_commit(lambda: customer_created.send(Customer, customer_id=customer_id))
    return customer


@transaction.atomic
def update_customer(
    *, customer: Customer, actor: Actor, changes: Mapping[str, Any], reason: str = ""
) -> Customer:
    """Apply a partial profile change as a new version; history is never overwritten.

    The whole resulting profile is validated (a new CNIC must still agree with the gender).
    Sends ``customer_profile_changed`` after commit when anything changed.
    """
    locked = lock_customer(customer)
    if locked.status in NO_PROFILE_CHANGES:
        raise InvalidTransition(f"cannot change the profile of a {locked.status} customer")
    fields = _profile_fields(locked.customer_type)
    problems = {
        name: ["This field cannot be changed."]
        for name in changes
        if name in IMMUTABLE_FIELDS and changes[name] != getattr(locked, name)
    }
    problems |= {
        name: ["Unknown field."]
        for name in changes
        if name not in fields and name not in IMMUTABLE_FIELDS
    }
    if problems:
        raise ValidationFailed(problems)
    merged = _current_profile(locked)
    merged.update({k: v for k, v in changes.items() if k in fields})
    cleaned = _clean(locked.customer_type, merged)
    if "id_number" in changes or "id_type" in changes:
        duplicate = _find_duplicate_id(
            cleaned.get("id_type", ""), cleaned.get("id_number", ""), exclude_pk=locked.pk
        )
        if duplicate is not None:
            raise _duplicate_conflict(duplicate)
    before = profile_snapshot(locked)
    id_before = locked.id_number_encrypted
    _apply(locked, cleaned)
    if locked.is_entity and "beneficial_owners" in changes:
        _sync_owners(locked, cleaned.get("beneficial_owners") or [])
    after = profile_snapshot(locked)
    diff = {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}
    if "id_number" in changes and not diff.get("id_number"):
        old_hash = Customer.objects.filter(pk=locked.pk).values_list("id_number_hash", flat=True)
        if old_hash.first() != locked.id_number_hash:  # same mask, different number
            diff["id_number"] = [before["id_number"], after["id_number"]]
    if not diff:
        copy_state(locked, customer)
        return customer
    locked.version += 1
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError:
        duplicate = _find_duplicate_id(locked.id_type, cleaned.get("id_number", ""), locked.pk)
        if duplicate is not None:
            raise _duplicate_conflict(duplicate) from None
        raise
    _write_version(locked, actor=actor, changes=diff, snapshot=after, reason=reason)
    audit.record(
        actor=actor,
        action="customer.profile_changed",
        obj=locked,
        before={k: v[0] for k, v in diff.items()},
        after={k: v[1] for k, v in diff.items()},
        reason=reason,
    )
    changed = sorted(diff)
    if locked.status == Status.APPROVED and IDENTITY_FIELDS.intersection(changed):
        reverify_identity(
            customer=locked,
            actor=actor,
            changed_fields=changed,
            id_numbers=(id_before, locked.id_number_encrypted) if "id_number" in diff else None,
        )
    customer_id = locked.pk
    transaction.on_commit(
        lambda: customer_profile_changed.send(
            Customer, customer_id=customer_id, changed_fields=changed
        )
    )
    copy_state(locked, customer)
    return customer
