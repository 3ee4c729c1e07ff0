"""From kyc's Customer to the ``RiskProfile`` scoring reads; one customer or a batch.

The batch form loads what scoring needs for many customers in a fixed number of queries
(owners, wallets, latest verification, PEP findings), whatever the batch size.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.db.models.expressions import RawSQL

from compliance.onboarding.models import OnboardingAssessment
from compliance.onboarding.risk import ENTITY, OwnerProfile, RiskProfile
from kyc.models import BeneficialOwner, Customer, CustomerWallet, IdentityVerification


def _address_country(address: dict | None) -> str:
    return ((address or {}).get("country") or "").upper()


def profile_for(
    customer: Customer | Any,
    *,
    verification_outcome: str,
    is_pep: bool,
    has_self_hosted_wallet: bool,
    owners: Sequence[BeneficialOwner] = (),
) -> RiskProfile:
    if customer.customer_type == ENTITY:
        nationality = customer.country_of_incorporation
        residence = _address_country(customer.registered_address) or nationality
        is_pep = is_pep or any(o.is_pep_declared for o in owners)
    else:
        nationality = customer.nationality
        residence = customer.country_of_residence
    return RiskProfile(
        customer_type=customer.customer_type,
        nationality=nationality,
        country_of_residence=residence,
        is_pep=is_pep or customer.is_pep_declared,
        occupation=customer.occupation,
        source_of_funds=customer.source_of_funds,
        expected_monthly_turnover_pkr=customer.expected_monthly_turnover_pkr or Decimal("0"),
        product=customer.purpose_of_account,
        has_self_hosted_wallet=has_self_hosted_wallet,
        entity_type=customer.entity_type,
        business_activity=customer.business_activity,
        owners=tuple(OwnerProfile(o.nationality or "", o.ownership_pct) for o in owners),
        verification_outcome=verification_outcome,
    )


def _any_of(ids: list) -> RawSQL | list:
    # PostgreSQL: one array parameter instead of one placeholder per id, so a 2,000-id batch
    # stays cheap to build, send and plan.
    return RawSQL("SELECT unnest(%s::uuid[])", (ids,))


def _latest_verifications(ids: list) -> dict[Any, str]:
    rows = IdentityVerification.objects.filter(customer_id__in=_any_of(ids))
    # DISTINCT ON: the latest row per customer.
    latest = rows.order_by("customer_id", "-created_at").distinct("customer_id")
    return dict(latest.values_list("customer_id", "result_code"))


def profiles_for_batch(customers: Sequence[Any]) -> dict[object, RiskProfile]:
    """Profiles for a batch of customers (Customer instances or rows with the same attributes)
    in four queries, whatever the batch size."""
    ids = [c.pk for c in customers]
    entity_ids = [c.pk for c in customers if c.customer_type == ENTITY]
    owners: dict[object, list[BeneficialOwner]] = {}
    if entity_ids:
        current = BeneficialOwner.objects.filter(
            customer_id__in=entity_ids, removed_at__isnull=True
        )
        for owner in current.only("customer_id", "nationality", "ownership_pct", "is_pep_declared"):
            owners.setdefault(owner.customer_id, []).append(owner)
    with_wallet = set(
        CustomerWallet.objects.filter(customer_id__in=_any_of(ids))
        .values_list("customer_id", flat=True)
        .distinct()
    )
    outcomes = _latest_verifications(ids)
    # Screening found a PEP in an earlier assessment: the customer stays a PEP for scoring.
    pep_found = set(
        OnboardingAssessment.objects.filter(customer_id__in=_any_of(ids), is_pep=True)
        .filter(~Q(status=OnboardingAssessment.Status.RUNNING))
        .values_list("customer_id", flat=True)
        .distinct()
    )
    return {
        c.pk: profile_for(
            c,
            verification_outcome=outcomes.get(c.pk, ""),
            is_pep=c.pk in pep_found,
            has_self_hosted_wallet=c.pk in with_wallet,
            owners=owners.get(c.pk, ()),
        )
        for c in customers
    }
