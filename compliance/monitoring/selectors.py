"""Reads for monitoring: what the rules see (engine views built from rows) and what the API lists.

Everything that feeds the engine is loaded in bulk: one query for a batch's customers, one for
all their histories, one for the country lists. Loops never query.
"""

from __future__ import annotations

import contextlib
import json
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType

from django.db import connection
from django.db.models import OuterRef, Q, QuerySet, Subquery

from compliance.monitoring.models import Alert, Transaction
from compliance.monitoring.typologies import registry
from compliance.monitoring.typologies.base import (
    EXTERNAL_CHANNELS,
    INCOMING_KINDS,
    OUTGOING_KINDS,
    TRADE_INFLOW_KIND,
    TRADE_OUTFLOW_KIND,
    CustomerView,
    TierLimits,
    TxView,
)
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
    "created_at",
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
    query, grouped by customer in event order (``occurred_at``, then ``external_id``; never arrival
    order), pending ones included: they happened."""
    rows = Transaction.objects.filter(customer_id__any=list(customer_ids), occurred_at__gte=start)
    if end is not None:
        rows = rows.filter(occurred_at__lte=end)
    grouped: dict[str, list[TxView]] = defaultdict(list)
    for row in rows.order_by("customer_id", "occurred_at", "external_id").values_list(*TX_COLUMNS):
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


@dataclass(frozen=True)
class LimitUsage:
    """What counts against a customer's limits in one direction: posted transactions and live
    holds, for the Asia/Karachi day and month of the checked transaction."""

    posted_today: Decimal
    posted_month: Decimal
    held_today: Decimal
    held_month: Decimal
    replay_of: uuid.UUID | None  # a decided earlier check with the same external_id
    already_posted: bool = False  # a transaction with this external_id is already stored

    @property
    def today(self) -> Decimal:
        return self.posted_today + self.held_today

    @property
    def month(self) -> Decimal:
        return self.posted_month + self.held_month

    def as_dict(self) -> dict[str, str]:
        return {
            "posted_today_pkr": str(self.posted_today),
            "posted_month_pkr": str(self.posted_month),
            "held_today_pkr": str(self.held_today),
            "held_month_pkr": str(self.held_month),
        }


LIMIT_USAGE_SQL = """
    SELECT t.today, t.month, h.today, h.month,
      (SELECT a.id FROM monitoring_checkattempt a
        WHERE a.customer_id = %(customer)s AND a.external_id = %(external_id)s
          AND NOT a.timed_out ORDER BY a.created_at LIMIT 1),
      EXISTS (SELECT 1 FROM monitoring_transaction p WHERE p.external_id = %(external_id)s)
    FROM (SELECT COALESCE(SUM(amount_pkr) FILTER (WHERE occurred_at >= %(day)s), 0) AS today,
                 COALESCE(SUM(amount_pkr), 0) AS month
            FROM monitoring_transaction
           WHERE customer_id = %(customer)s
             AND (kind = ANY(%(kinds)s) OR (kind = %(trade)s AND channel = ANY(%(external)s)))
             AND occurred_at >= %(month)s AND occurred_at < %(end)s) t,
         (SELECT COALESCE(SUM(amount_pkr) FILTER (WHERE occurred_at >= %(day)s), 0) AS today,
                 COALESCE(SUM(amount_pkr), 0) AS month
            FROM monitoring_hold
           WHERE %(holds)s AND customer_id = %(customer)s AND status = 'held'
             AND expires_at > %(now)s
             AND occurred_at >= %(month)s AND occurred_at < %(end)s) h
"""


def limit_usage(
    *,
    customer_id: str,
    direction: str,
    month_start: datetime,
    day_start: datetime,
    day_end: datetime,
    now: datetime,
    external_id: str,
    count_holds: bool,
) -> LimitUsage:
    """ONE statement (one snapshot, so a hold and the transaction that posts it are never both
    or neither counted): the day's and month's posted totals over the (customer, occurred_at)
    index, the live holds over their partial index, and an earlier decided check with the same
    external_id. The whole day counts, not only what precedes the transaction: a limit is
    about the day, and a later-dated hold must not let an earlier-dated check through.
    Posted movements count by the typologies' flow rule (``typologies.base.flow_of``): the
    kinds of ``direction``, and trades settled on an external channel."""
    inflow = direction == "in"
    with connection.cursor() as cursor:
        cursor.execute(LIMIT_USAGE_SQL, {
            "customer": uuid.UUID(str(customer_id)),
            "external_id": external_id,
            "kinds": list(INCOMING_KINDS if inflow else OUTGOING_KINDS),
            "trade": TRADE_INFLOW_KIND if inflow else TRADE_OUTFLOW_KIND,
            "external": list(EXTERNAL_CHANNELS),
            "day": day_start,
            "month": month_start,
            "end": day_end,
            "now": now,
            "holds": count_holds,
        })  # fmt: skip
        row = cursor.fetchone()
    return LimitUsage(*(Decimal(v) for v in row[:4]), replay_of=row[4], already_posted=row[5])


# The check's customer, read and locked in one round trip (PostgreSQL). The advisory lock is
# taken as the row is read; the limits' totals are read by the NEXT statement, whose snapshot
# is taken after the lock is held. The same statement cuts the statement timeout to what is
# left of the budget, computed by the server once the lock is held.
CHECK_CUSTOMER_SQL = """
    SELECT c.id, c.external_id, c.status, c.risk_level, c.country_of_residence,
           c.country_of_incorporation, c.nationality, c.expected_monthly_turnover_pkr,
           c.approved_at, c.created_at, c.tier_id, t.per_transaction_limit_pkr,
           t.daily_limit_pkr, t.monthly_limit_pkr,
           (SELECT json_build_object('status', h.status, 'name', h.matched_name,
                                     'score', h.score::text)::text
              FROM screening_screeninghit h
             WHERE h.customer_id = c.id AND h.status = ANY(%(standing)s)
             ORDER BY (h.status = %(confirmed)s) DESC, h.score DESC
             LIMIT 1),
           pg_advisory_xact_lock(%(lock_class)s, hashtext(c.id::text)),
           set_config('statement_timeout', GREATEST(1, (EXTRACT(EPOCH FROM
               (to_timestamp(%(deadline)s) - clock_timestamp())) * 1000)::int)::text, true)
      FROM kyc_customer c LEFT JOIN kyc_tier t ON t.id = c.tier_id
     WHERE c.external_id = %(ref)s OR c.id = %(id)s
     LIMIT 1
"""


def locked_check_customer(
    ref: str, *, lock_class: int, deadline_epoch: float
) -> tuple[CustomerView | None, dict | None]:
    """The customer named by ``ref`` (id or external_id), with its check lock held until the
    end of the transaction, and its most serious standing screening hit (``{status, name,
    score}``: a confirmed match first, then the highest score), or ``(None, None)``."""
    from compliance.screening.models import ScreeningHit

    customer_id = None
    with contextlib.suppress(ValueError):
        customer_id = uuid.UUID(ref)
    with connection.cursor() as cursor:
        cursor.execute(
            CHECK_CUSTOMER_SQL,
            {
                "ref": ref,
                "id": customer_id,
                "lock_class": lock_class,
                "deadline": deadline_epoch,
                "standing": [*ScreeningHit.UNDECIDED, ScreeningHit.Status.TRUE_MATCH],
                "confirmed": ScreeningHit.Status.TRUE_MATCH,
            },
        )
        row = cursor.fetchone()
    if row is None:
        return None, None
    width = len(PROFILE_COLUMNS)
    hit = json.loads(row[width]) if row[width] else None
    return _profile(dict(zip(PROFILE_COLUMNS, row[:width], strict=True)), None), hit
