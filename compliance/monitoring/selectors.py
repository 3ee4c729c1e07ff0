"""Reads for monitoring: what the rules see (engine views built from rows) and what the API lists.

Everything that feeds the engine is loaded in bulk: one query for a batch's customers, one for
all their histories, one for the country lists. Loops never query.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from types import MappingProxyType

from django.db.models import OuterRef, Q, QuerySet, Subquery

from compliance.monitoring.models import Alert, Transaction
from compliance.monitoring.typologies import registry
from compliance.monitoring.typologies.base import CustomerView, TierLimits, TxView
from compliance.onboarding.models import CountryRisk
from kyc.models import Customer

# The columns a TxView needs, in TxView's order after ``id``.
TX_COLUMNS = (
    "id",
    "external_id",
    "customer_id",
    "kind",
    "channel",
    "asset",
    "amount",
    "amount_pkr",
    "occurred_at",
    "counterparty_name",
    "counterparty_account",
    "counterparty_wallet",
    "counterparty_chain",
    "counterparty_country",
    "counterparty_vasp",
    "has_originator",
    "has_beneficiary",
    "status",
)

# CountryRisk.list_name -> the list names the typologies' parameters speak of.
COUNTRY_LISTS = {
    CountryRisk.ListName.FATF_BLACK: registry.FATF_BLACK_LIST,
    CountryRisk.ListName.FATF_GREY: registry.FATF_GREY_LIST,
    CountryRisk.ListName.OTHER: "Firm's high-risk list",
}


def tx_view(row: Sequence) -> TxView:
    """A TxView from a ``values_list(*TX_COLUMNS)`` row."""
    return TxView(str(row[0]), row[1], str(row[2]), *row[3:])


def tx_views(queryset: QuerySet[Transaction]) -> list[TxView]:
    return [tx_view(row) for row in queryset.values_list(*TX_COLUMNS)]


def _profile(row: dict, last_activity_before: datetime | None) -> CustomerView:
    """The profile the rules read. Tier limits apply to an approved customer with a tier; other
    customers have no limits here (their status is what the check refuses)."""
    limits = TierLimits()
    if row["status"] == Customer.Status.APPROVED and row["tier_id"] is not None:
        limits = TierLimits(
            per_transaction_pkr=row["tier__per_transaction_limit_pkr"],
            daily_pkr=row["tier__daily_limit_pkr"],
            monthly_pkr=row["tier__monthly_limit_pkr"],
        )
    return CustomerView(
        id=str(row["id"]),
        external_id=row["external_id"],
        status=row["status"],
        risk_level=row["risk_level"] or "low",
        country_of_residence=row["country_of_residence"] or row["country_of_incorporation"],
        nationality=row["nationality"],
        expected_monthly_turnover_pkr=row["expected_monthly_turnover_pkr"],
        limits=limits,
        last_activity_before=last_activity_before,
        onboarded_at=row["approved_at"] or row["created_at"],
    )


PROFILE_COLUMNS = (
    "id",
    "external_id",
    "status",
    "risk_level",
    "country_of_residence",
    "country_of_incorporation",
    "nationality",
    "expected_monthly_turnover_pkr",
    "approved_at",
    "created_at",
    "tier_id",
    "tier__per_transaction_limit_pkr",
    "tier__daily_limit_pkr",
    "tier__monthly_limit_pkr",
)


def customer_view(customer: Customer, *, last_activity_before: datetime | None) -> CustomerView:
    """The profile of a customer already loaded (with its tier)."""
    tier = customer.tier
    row = {name: getattr(customer, name) for name in PROFILE_COLUMNS if "__" not in name}
    for name in ("per_transaction_limit_pkr", "daily_limit_pkr", "monthly_limit_pkr"):
        row[f"tier__{name}"] = getattr(tier, name) if tier is not None else None
    return _profile(row, last_activity_before)


def customer_views(customer_ids: Iterable, *, history_from: datetime) -> dict[str, CustomerView]:
    """The batch's customers in one query, each with its last transaction before the loaded
    history (dormancy needs it; the correlated subquery walks the (customer, occurred_at) index
    backwards, one step per customer)."""
    last_before = (
        Transaction.objects.filter(customer=OuterRef("pk"), occurred_at__lt=history_from)
        .order_by("-occurred_at")
        .values("occurred_at")[:1]
    )
    rows = (
        Customer.objects.filter(pk__in=list(customer_ids))
        .annotate(last_activity_before=Subquery(last_before))
        .values(*PROFILE_COLUMNS, "last_activity_before")
    )
    return {str(row["id"]): _profile(row, row["last_activity_before"]) for row in rows}


def histories(
    customer_ids: Iterable, *, start: datetime, end: datetime | None = None
) -> dict[str, tuple[TxView, ...]]:
    """Every stored transaction of these customers from ``start`` (to ``end`` if given), in one
    query, grouped by customer and sorted by time (pending ones included: they happened)."""
    rows = Transaction.objects.filter(customer_id__in=list(customer_ids), occurred_at__gte=start)
    if end is not None:
        rows = rows.filter(occurred_at__lte=end)
    grouped: dict[str, list[TxView]] = defaultdict(list)
    for row in rows.order_by("customer_id", "occurred_at", "created_at").values_list(*TX_COLUMNS):
        grouped[str(row[2])].append(tx_view(row))
    return {key: tuple(value) for key, value in grouped.items()}


_countries: tuple[float, MappingProxyType] | None = None


def high_risk_countries(*, max_age: float = 0.0) -> MappingProxyType:
    """ISO alpha-2 -> list name, from the risk model's country lists (data, edited in the admin).

    ``max_age`` (seconds) lets the synchronous check reuse the last read for that long.
    """
    global _countries
    if max_age and _countries is not None and time.monotonic() - _countries[0] < max_age:
        return _countries[1]
    rows = CountryRisk.objects.filter(is_active=True).values_list("code", "list_name")
    found = MappingProxyType({code.upper(): COUNTRY_LISTS.get(name, name) for code, name in rows})
    _countries = (time.monotonic(), found)
    return found


def _customer_lookup(refs: Iterable[str]) -> tuple[set[str], dict[uuid.UUID, list[str]], Q]:
    refs = {r for r in refs if r}
    by_id: dict[uuid.UUID, list[str]] = defaultdict(list)
    for ref in refs:
        with contextlib.suppress(ValueError):
            by_id[uuid.UUID(ref)].append(ref)
    condition = Q(external_id__in=refs)
    if by_id:
        condition |= Q(pk__in=list(by_id))
    return refs, by_id, condition


def resolve_customers(refs: Iterable[str]) -> dict[str, Customer]:
    """Customers named by id or external_id, in one query: ref -> customer (unknown refs absent)."""
    refs, by_id, condition = _customer_lookup(refs)
    found: dict[str, Customer] = {}
    for customer in Customer.objects.filter(condition).select_related("tier"):
        if customer.external_id in refs:
            found[customer.external_id] = customer
        for ref in by_id.get(customer.pk, ()):
            found[ref] = customer
    return found


def customer_profile(ref: str) -> CustomerView | None:
    """One customer's profile by id or external_id, read as values (the check's hot path)."""
    condition = _customer_lookup([ref])[2]
    row = Customer.objects.filter(condition).values(*PROFILE_COLUMNS).first()
    return _profile(row, None) if row is not None else None


def customer_profile_with_hit(ref: str) -> tuple[CustomerView | None, dict | None]:
    """``customer_profile`` and, in the same query, the customer's most serious standing
    screening hit (``screening_verdict.standing_hit``)."""
    from compliance.monitoring.screening_verdict import standing_hit

    condition = _customer_lookup([ref])[2]
    row = (
        Customer.objects.filter(condition)
        .annotate(standing_hit=standing_hit())
        .values(*PROFILE_COLUMNS, "standing_hit")
        .first()
    )
    if row is None:
        return None, None
    hit = row.pop("standing_hit")
    return _profile(row, None), hit


def resolve_customer_ids(refs: Iterable[str]) -> dict[str, uuid.UUID]:
    """Like ``resolve_customers`` but only the ids (the bulk path): ref -> customer id."""
    refs, by_id, condition = _customer_lookup(refs)
    found: dict[str, uuid.UUID] = {}
    for pk, external_id in Customer.objects.filter(condition).values_list("pk", "external_id"):
        if external_id in refs:
            found[external_id] = pk
        for ref in by_id.get(pk, ()):
            found[ref] = pk
    return found


def find_transaction(ref: str) -> Transaction | None:
    """A transaction by id or, failing that, external_id (which may itself look like a UUID)."""
    with contextlib.suppress(ValueError):
        found = Transaction.objects.filter(pk=uuid.UUID(str(ref))).first()
        if found is not None:
            return found
    return Transaction.objects.filter(external_id=ref).first()


def visible_alerts() -> QuerySet[Alert]:
    """Alerts the queue and the API show: shadow alerts are for comparison only."""
    return Alert.objects.filter(is_shadow=False)
