"""KYC business actions: create and change profiles (versioned), submit, status decisions.

Every function takes keyword arguments and an ``actor``, runs in one transaction, writes the
audit trail, and (for status changes) queues the ``customer.status_changed`` webhook. Compliance
drives the onboarding decision through these functions; it never writes kyc models directly.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core import audit, pii, webhooks
from core.actors import Actor
from core.errors import (
    Conflict,
    FourEyesViolation,
    InvalidTransition,
    NotPermitted,
    ValidationFailed,
)
from kyc import validation
from kyc.documents import add_document, upload_document
from kyc.models import (
    BeneficialOwner,
    Customer,
    CustomerVersion,
    CustomerWallet,
    PeriodicReview,
    RiskLevel,
    Tier,
)
from kyc.reviews import (
    REVIEWABLE_STATUSES,
    next_review_date,
    open_review,
    schedule_next_review,
)
from kyc.signals import customer_profile_changed, customer_submitted, wallet_registered
from kyc.verification import verify_identity
from kyc.vocabularies import NADRA_ID_TYPES, CustomerType

__all__ = [
    "add_document",
    "approve_customer",
    "begin_verification",
    "close_customer",
    "create_customer",
    "freeze_customer",
    "get_or_create_customer",
    "register_wallet",
    "reject_customer",
    "request_information",
    "schedule_next_review",
    "send_to_review",
    "set_risk",
    "submit_customer",
    "suspend_customer",
    "unfreeze_customer",
    "update_customer",
    "upload_document",
    "verify_identity",
]

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
OWNER_FIELDS = ("full_name", "id_type", "date_of_birth", "nationality", "ownership_pct")
DEFAULT_TIER = "standard"
RISK_CHANGE_REVIEW_DAYS = 30  # an officer looks at a changed risk level within a month
NO_PROFILE_CHANGES = (Status.REJECTED, Status.CLOSED)


# ---------------------------------------------------------------- profile


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
    external_id = str(data.get("external_id") or "").strip()
    customer_type = data.get("customer_type") or CustomerType.INDIVIDUAL
    problems: dict[str, list[str]] = {}
    if not external_id:
        problems["external_id"] = ["This field is required."]
    problems |= _foreign_fields(customer_type, data)
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
            customer = _insert(actor, external_id, customer_type, cleaned, fingerprint)
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
    actor: Actor, external_id: str, customer_type: str, cleaned: dict[str, Any], fingerprint: str
) -> Customer:
    customer = Customer(
        external_id=external_id,
        customer_type=customer_type,
        request_hash=fingerprint,
        status=Status.DRAFT,
        status_changed_at=timezone.now(),
        version=1,
    )
    _apply(customer, cleaned)
    customer.save()
    if customer.is_entity:
        _sync_owners(customer, cleaned.get("beneficial_owners") or [])
    snapshot = profile_snapshot(customer)
    changes = {k: [None, v] for k, v in snapshot.items() if v not in (None, "", [], {}, False)}
    _write_version(customer, actor=actor, changes=changes, snapshot=snapshot)
    audit.record(actor=actor, action="customer.created", obj=customer, after=snapshot)
    return customer


@transaction.atomic
def update_customer(
    *, customer: Customer, actor: Actor, changes: Mapping[str, Any], reason: str = ""
) -> Customer:
    """Apply a partial profile change as a new version; history is never overwritten.

    The whole resulting profile is validated (a new CNIC must still agree with the gender).
    Sends ``customer_profile_changed`` after commit when anything changed.
    """
    locked = _lock(customer)
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
        _copy_state(locked, customer)
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
    customer_id = locked.pk
    transaction.on_commit(
        lambda: customer_profile_changed.send(
            Customer, customer_id=customer_id, changed_fields=changed
        )
    )
    _copy_state(locked, customer)
    return customer


# ---------------------------------------------------------------- status


def _lock(customer: Customer) -> Customer:
    return (
        Customer.objects.select_for_update(of=("self",)).select_related("tier").get(pk=customer.pk)
    )


def _copy_state(source: Customer, target: Customer) -> None:
    if source is target:
        return
    for f in Customer._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))
    if "tier" in source._state.fields_cache:
        target.tier = source.tier
    elif "tier" in target._state.fields_cache:
        del target._state.fields_cache["tier"]


def _webhook_payload(customer: Customer, previous: str, **extra: Any) -> dict[str, Any]:
    # No reasons or risk here: the exchange must not learn why (AMLA 2010 s.34, tipping off).
    return {
        "id": str(customer.pk),
        "external_id": customer.external_id,
        "status": customer.status,
        "previous_status": previous,
        "tier": customer.tier.code if customer.tier_id else None,
        "limits": {k: v for k, v in customer.limits.items() if k != "tier"},
        "changed_at": customer.status_changed_at,
        **extra,
    }


def _require_reason(reason: str) -> None:
    if not (reason or "").strip():
        raise ValidationFailed({"reason": ["A reason is required for this decision."]})


def _transition(
    customer: Customer,
    *,
    actor: Actor,
    to: str,
    allowed_from: Iterable[str],
    action: str,
    reason: str = "",
    updates: Mapping[str, Any] | None = None,
    audit_after: Mapping[str, Any] | None = None,
    webhook_extra: Mapping[str, Any] | None = None,
    check=None,
) -> Customer:
    locked = _lock(customer)
    allowed = tuple(allowed_from)
    if locked.status not in allowed:
        raise InvalidTransition(
            f"cannot move a {locked.status} customer to {to} (allowed from: {', '.join(allowed)})"
        )
    if check is not None:
        check(locked)
    previous = locked.status
    locked.status = to
    locked.status_changed_at = timezone.now()
    if reason:
        locked.status_reason = reason
    for name, value in (updates or {}).items():
        setattr(locked, name, value)
    locked.save()
    audit.record(
        actor=actor,
        action=action,
        obj=locked,
        before={"status": previous},
        after={"status": to, **(audit_after or {})},
        reason=reason,
    )
    webhooks.emit(
        "customer.status_changed", _webhook_payload(locked, previous, **(webhook_extra or {}))
    )
    _copy_state(locked, customer)
    return customer


@transaction.atomic
def submit_customer(*, customer: Customer, actor: Actor) -> Customer:
    """``draft`` -> ``submitted`` (or a resubmission after an information request); compliance
    starts the assessment when ``customer_submitted`` arrives after commit."""

    def outstanding_request(locked: Customer) -> None:
        if locked.status == Status.IN_REVIEW and locked.information_requested_at is None:
            raise InvalidTransition("an in-review customer is resubmitted only after a request")

    _transition(
        customer,
        actor=actor,
        to=Status.SUBMITTED,
        allowed_from=(Status.DRAFT, Status.IN_REVIEW),
        action="customer.submitted",
        check=outstanding_request,
        updates={"submitted_at": timezone.now(), "information_requested_at": None},
    )
    customer_id = customer.pk
    transaction.on_commit(lambda: customer_submitted.send(Customer, customer_id=customer_id))
    return customer


@transaction.atomic
def begin_verification(*, customer: Customer, actor: Actor) -> Customer:
    """``submitted`` -> ``verifying``: the assessment has started."""
    return _transition(
        customer,
        actor=actor,
        to=Status.VERIFYING,
        allowed_from=(Status.SUBMITTED,),
        action="customer.verification_started",
    )


def _resolve_tier(tier: Tier | str | None) -> Tier:
    if isinstance(tier, Tier):
        return tier
    code = tier or DEFAULT_TIER
    found = Tier.objects.filter(code=code).first()
    if found is None:
        raise ValidationFailed({"tier": [f"Unknown tier {code!r}."]})
    return found


@transaction.atomic
def approve_customer(
    *,
    customer: Customer,
    actor: Actor,
    tier: Tier | str | None = None,
    reason: str = "",
    next_review_due: date | None = None,
) -> Customer:
    """Approve with a tier (default ``standard``); schedules the next review by risk level.

    Refuses a prohibited-risk customer or an expired ID. An officer (user actor) must give a
    reason. Four-eyes approval of high risk and PEPs is compliance's rule, enforced before this.
    """
    if actor.user is not None:
        _require_reason(reason)
    chosen = _resolve_tier(tier)
    today = timezone.localdate()

    def approvable(locked: Customer) -> None:
        if locked.risk_level == RiskLevel.PROHIBITED:
            raise InvalidTransition("a prohibited-risk customer cannot be approved")
        if locked.id_expiry_date is not None and locked.id_expiry_date < today:
            raise InvalidTransition("the customer's ID has expired")

    locked_level = Customer.objects.values_list("risk_level", flat=True).get(pk=customer.pk)
    due = next_review_due or next_review_date(locked_level, today)
    return _transition(
        customer,
        actor=actor,
        to=Status.APPROVED,
        allowed_from=(Status.SUBMITTED, Status.VERIFYING, Status.IN_REVIEW, Status.SUSPENDED),
        action="customer.approved",
        reason=reason,
        check=approvable,
        updates={
            "tier": chosen,
            "approved_at": timezone.now(),
            "information_requested_at": None,
            "information_request": "",
            "next_review_due": due,
        },
        audit_after={"tier": chosen.code, "next_review_due": due},
    )


@transaction.atomic
def send_to_review(*, customer: Customer, actor: Actor, reason: str) -> Customer:
    """Put the customer in front of an officer (high risk, PEP, screening hit, mismatch)."""
    _require_reason(reason)
    return _transition(
        customer,
        actor=actor,
        to=Status.IN_REVIEW,
        allowed_from=(Status.SUBMITTED, Status.VERIFYING, Status.APPROVED, Status.SUSPENDED),
        action="customer.sent_to_review",
        reason=reason,
    )


@transaction.atomic
def reject_customer(*, customer: Customer, actor: Actor, reason: str) -> Customer:
    _require_reason(reason)
    return _transition(
        customer,
        actor=actor,
        to=Status.REJECTED,
        allowed_from=(Status.SUBMITTED, Status.VERIFYING, Status.IN_REVIEW),
        action="customer.rejected",
        reason=reason,
        updates={"tier": None, "next_review_due": None},
    )


@transaction.atomic
def request_information(*, customer: Customer, actor: Actor, reason: str) -> Customer:
    """Ask the customer (through the exchange) for more; ``reason`` is what is needed and is
    sent to the exchange in the webhook, so it must not reveal suspicion."""
    _require_reason(reason)
    now = timezone.now()
    return _transition(
        customer,
        actor=actor,
        to=Status.IN_REVIEW,
        allowed_from=(Status.SUBMITTED, Status.VERIFYING, Status.IN_REVIEW),
        action="customer.information_requested",
        reason=reason,
        updates={"information_requested_at": now, "information_request": reason},
        audit_after={"information_request": reason},
        webhook_extra={"information_request": reason},
    )


@transaction.atomic
def suspend_customer(*, customer: Customer, actor: Actor, reason: str) -> Customer:
    _require_reason(reason)
    return _transition(
        customer,
        actor=actor,
        to=Status.SUSPENDED,
        allowed_from=(Status.APPROVED, Status.IN_REVIEW),
        action="customer.suspended",
        reason=reason,
    )


@transaction.atomic
def close_customer(*, customer: Customer, actor: Actor, reason: str) -> Customer:
    """End the relationship. A frozen customer stays frozen until the freeze is decided."""
    _require_reason(reason)
    return _transition(
        customer,
        actor=actor,
        to=Status.CLOSED,
        allowed_from=tuple(s for s in Status.values if s not in (Status.CLOSED, Status.FROZEN)),
        action="customer.closed",
        reason=reason,
        updates={"tier": None, "next_review_due": None},
    )


@transaction.atomic
def freeze_customer(*, customer: Customer, actor: Actor, reason: str) -> Customer:
    """Freeze (e.g. a confirmed sanctions match: UNSC resolutions, AMLA s.7 / SRO freezing
    obligations). Emits ``customer.frozen`` as well as ``customer.status_changed``."""
    _require_reason(reason)
    previous = Customer.objects.values_list("status", flat=True).get(pk=customer.pk)
    _transition(
        customer,
        actor=actor,
        to=Status.FROZEN,
        allowed_from=tuple(s for s in Status.values if s not in (Status.CLOSED, Status.FROZEN)),
        action="customer.frozen",
        reason=reason,
        updates={"status_before_freeze": previous},
    )
    webhooks.emit(
        "customer.frozen",
        {
            "id": str(customer.pk),
            "external_id": customer.external_id,
            "status": customer.status,
            "frozen_at": customer.status_changed_at,
        },
    )
    return customer


def _last_freezer_id(customer: Customer) -> int | None:
    event = audit.events_for(customer).filter(action="customer.frozen").order_by("-id").first()
    return event.actor_user_id if event else None


@transaction.atomic
def unfreeze_customer(*, customer: Customer, actor: Actor, reason: str) -> Customer:
    """Lift a freeze, back to the status before it. Four eyes: a staff user holding
    ``kyc.decide_freeze`` who is not the one who froze; API keys may not unfreeze."""
    _require_reason(reason)
    if actor.api_key is not None:
        raise NotPermitted("an API key cannot lift a freeze")
    if actor.user is not None:
        if not actor.user.has_perm("kyc.decide_freeze"):
            raise NotPermitted("lifting a freeze needs the decide_freeze permission")
        if _last_freezer_id(customer) == actor.user_id:
            raise FourEyesViolation("the officer who froze a customer cannot lift the freeze")
    before = Customer.objects.values_list("status_before_freeze", flat=True).get(pk=customer.pk)
    return _transition(
        customer,
        actor=actor,
        to=before or Status.IN_REVIEW,
        allowed_from=(Status.FROZEN,),
        action="customer.unfrozen",
        reason=reason,
        updates={"status_before_freeze": ""},
    )


# ---------------------------------------------------------------- risk and wallets


@transaction.atomic
def set_risk(
    *,
    customer: Customer,
    actor: Actor,
    level: str,
    score: Decimal | int | str,
    reason: str = "",
    details: Mapping[str, Any] | None = None,
) -> Customer:
    """Record the risk level and score compliance computed. A changed level of a customer
    under review cycle reschedules the next review and opens a risk-change review."""
    if level not in RiskLevel.values:
        raise ValidationFailed({"risk_level": [f"Unknown risk level {level!r}."]})
    locked = _lock(customer)
    previous_level, previous_score = locked.risk_level, locked.risk_score
    locked.risk_level = level
    locked.risk_score = Decimal(str(score)).quantize(Decimal("0.01"))
    locked.risk_scored_at = timezone.now()
    locked.save(update_fields=["risk_level", "risk_score", "risk_scored_at", "updated_at"])
    audit.record(
        actor=actor,
        action="customer.risk_set",
        obj=locked,
        before={"risk_level": previous_level, "risk_score": previous_score},
        after={"risk_level": level, "risk_score": locked.risk_score, **(details or {})},
        reason=reason,
    )
    in_cycle = locked.status in REVIEWABLE_STATUSES
    if in_cycle and previous_level is not None and previous_level != level:
        schedule_next_review(customer=locked, actor=actor)
        open_review(
            customer=locked,
            trigger=PeriodicReview.Trigger.RISK_CHANGE,
            due_date=timezone.localdate() + timedelta(days=RISK_CHANGE_REVIEW_DAYS),
            actor=actor,
            detail=f"Risk level changed from {previous_level} to {level}. {reason}".strip(),
        )
    elif in_cycle and locked.next_review_due is None:
        schedule_next_review(customer=locked, actor=actor)
    _copy_state(locked, customer)
    return customer


def register_wallet(
    *, customer: Customer, actor: Actor, chain: str, address: str, label: str = ""
) -> tuple[CustomerWallet, bool]:
    """Declare a self-hosted wallet; the same one again returns it (``False``). Compliance
    screens it on ``wallet_registered``."""
    if customer.status in NO_PROFILE_CHANGES:
        raise InvalidTransition(f"cannot register wallets for a {customer.status} customer")
    try:
        normalized = validation.normalize_wallet_address(chain, address)
    except validation.InvalidValue as exc:
        field = "chain" if chain not in CustomerWallet.Chain.values else "address"
        raise ValidationFailed({field: [str(exc)]}) from None
    lookup = Q(customer=customer, chain=chain, address=normalized)
    existing = CustomerWallet.objects.filter(lookup).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            wallet = CustomerWallet.objects.create(
                customer=customer, chain=chain, address=normalized, label=label[:100]
            )
            audit.record(
                actor=actor,
                action="customer.wallet_registered",
                obj=customer,
                after={"wallet": str(wallet.pk), "chain": chain, "address": normalized},
            )
            customer_id, wallet_id = customer.pk, wallet.pk
            transaction.on_commit(
                lambda: wallet_registered.send(
                    Customer, customer_id=customer_id, wallet_id=wallet_id
                )
            )
    except IntegrityError:
        return CustomerWallet.objects.get(lookup), False
    return wallet, True
