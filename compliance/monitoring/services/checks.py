"""``POST /transactions/check/``: may this transaction go ahead? Answered before money moves.

Runs the blocking subset only, on data in memory or one indexed query:
- the customer's status (frozen, rejected, closed: block), read with the customer; a customer
  not approved has no limits to move money within (kyc's ``Customer.limits``), so any deposit
  or withdrawal is over its tier limit;
- the rules marked blocking (by default: sanctioned counterparty, answered by the screening
  index in memory; tier limits, fed by ONE aggregate query of today's and this month's totals
  in the transaction's direction, Asia/Karachi calendar);
- a few rules that need nothing but the transaction itself (large cash, high-risk
  jurisdiction, travel rule) turn an "allow" into "review".
A configured blocking rule that needs real history (a velocity, an expression over windows)
gets it: the aggregate is then replaced by one indexed history query for its look-back.
Every attempt is stored with its answer.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone

from compliance.monitoring import conf, rulebook, screening_verdict, selectors
from compliance.monitoring.intake import TransactionInput, parse_transaction
from compliance.monitoring.models import CheckAttempt, Transaction
from compliance.monitoring.sanctions import ScreeningSanctions
from compliance.monitoring.services.ingest import UNKNOWN_CUSTOMER
from compliance.monitoring.typologies.base import (
    INCOMING_KINDS,
    KARACHI,
    OUTGOING_KINDS,
    EvaluationContext,
    TierLimits,
    TxView,
)
from compliance.monitoring.typologies.evaluation import check_transaction as engine_check
from compliance.monitoring.typologies.evaluation import required_lookback
from core.actors import Actor
from core.errors import ValidationFailed
from kyc.models import Customer

NOTHING_ALLOWED = TierLimits(Decimal(0), Decimal(0), Decimal(0))
# Typologies that judge the transaction alone (history only groups their alerts), so the check
# can run them without loading history.
TRANSACTION_ONLY = frozenset({"LARGE_CASH", "HIGH_RISK_JURISDICTION", "TRAVEL_RULE_MISSING"})
# Blocking typologies satisfied by the day/month totals (tier limits) or by nothing at all.
TOTALS_ENOUGH = TRANSACTION_ONLY | {"TIER_LIMIT", "SANCTIONED_COUNTERPARTY"}


@dataclass(frozen=True)
class CheckOutcome:
    id: str
    decision: str
    reasons: list[dict[str, str]]


def _template(rule: rulebook.LoadedRule) -> str:
    return getattr(rule.runnable, "code", "")


def _tx_view(pk: str, data: TransactionInput, customer_id: str, occurred_at: datetime) -> TxView:
    cp = data.counterparty
    return TxView(
        id=pk,
        external_id=data.external_id,
        customer_id=customer_id,
        kind=data.kind,
        channel=data.channel,
        asset=data.asset,
        amount=data.amount,
        amount_pkr=data.amount_pkr,
        occurred_at=occurred_at,
        counterparty_name=cp.get("name", ""),
        counterparty_account=data.counterparty_account,
        counterparty_wallet=cp.get("wallet_address", ""),
        counterparty_chain=cp.get("chain", ""),
        counterparty_country=cp.get("country", ""),
        counterparty_vasp=cp.get("vasp_name", ""),
        has_originator=data.has_originator,
        has_beneficiary=data.has_beneficiary,
        status="attempted",
    )


def _totals_history(tx: TxView) -> tuple[TxView, ...]:
    """This month's and today's totals in the transaction's direction, as two stand-in
    movements (the tier-limit rule sums what it is given): ONE aggregate query."""
    if tx.direction is None:
        return ()
    kinds = INCOMING_KINDS if tx.direction == "in" else OUTGOING_KINDS
    local = tx.occurred_at.astimezone(KARACHI)
    month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    totals = Transaction.objects.filter(
        customer_id=tx.customer_id,
        kind__in=kinds,
        occurred_at__gte=month_start,
        occurred_at__lte=tx.occurred_at,
    ).aggregate(
        month=Sum("amount_pkr"),
        today=Sum("amount_pkr", filter=Q(occurred_at__gte=day_start)),
    )
    month, today = totals["month"] or Decimal(0), totals["today"] or Decimal(0)
    stand_in_kind = "deposit" if tx.direction == "in" else "withdrawal"
    history = []
    for label, amount, at in (
        ("month-to-date", month - today, month_start),
        ("today", today, day_start),
    ):
        if amount > 0:
            history.append(
                TxView(
                    id=f"total:{label}",
                    external_id="",
                    customer_id=tx.customer_id,
                    kind=stand_in_kind,
                    channel="bank",
                    asset="PKR",
                    amount=amount,
                    amount_pkr=amount,
                    occurred_at=at,
                    status="screened",
                )
            )
    return (*history, tx)


def check_transaction(*, body: Any, actor: Actor) -> CheckOutcome:
    started = time.perf_counter()
    data = parse_transaction(body, require_occurred_at=False)
    occurred_at = data.occurred_at or timezone.now()
    customer, standing_hit = selectors.customer_profile_with_hit(data.customer_ref)
    if customer is None:
        raise ValidationFailed({"customer": [UNKNOWN_CUSTOMER]})
    if customer.status != Customer.Status.APPROVED:
        # kyc: a customer not (or no longer) approved may move nothing (Customer.limits).
        customer = replace(customer, limits=NOTHING_ALLOWED)
    attempt_id = uuid.uuid4()
    tx = _tx_view(str(attempt_id), data, customer.id, occurred_at)

    live = [r for r in rulebook.live_rules(max_age=conf.check_rules_max_age()) if not r.is_shadow]
    blocking = [(r, r.runnable) for r in live if r.blocking]
    review = [(r, r.runnable) for r in live if not r.blocking and _template(r) in TRANSACTION_ONLY]
    needs_history = [pair for pair in blocking if _template(pair[0]) not in TOTALS_ENOUGH]
    if needs_history:
        lookback = required_lookback(needs_history)
        history = tuple(
            selectors.tx_views(
                Transaction.objects.filter(
                    customer_id=customer.id,
                    occurred_at__gte=occurred_at - max(lookback, timedelta(days=31)),
                    occurred_at__lte=occurred_at,
                ).order_by("occurred_at")
            )
        )
    else:
        history = _totals_history(tx)
    ctx = EvaluationContext(
        customer=customer,
        history=history,
        now=timezone.now(),
        high_risk_countries=selectors.high_risk_countries(max_age=conf.check_rules_max_age()),
        sanctions=ScreeningSanctions(),
    )
    result = engine_check(tx, ctx, blocking_rules=blocking, review_rules=review)
    reasons = [{"typology": r.typology, "rule": r.rule, "detail": r.detail} for r in result.reasons]
    decision, reasons = screening_verdict.combine(result.decision, reasons, standing_hit)
    elapsed_ms = Decimal(str(round((time.perf_counter() - started) * 1000, 3)))
    CheckAttempt.objects.create(
        id=attempt_id,
        external_id=data.external_id,
        customer_id=customer.id,
        kind=data.kind,
        channel=data.channel,
        asset=data.asset,
        amount=data.amount,
        amount_pkr=data.amount_pkr,
        occurred_at=occurred_at,
        counterparty=data.counterparty,
        decision=decision,
        reasons=reasons,
        duration_ms=elapsed_ms,
        requested_by=actor.label[:200],
    )
    return CheckOutcome(id=str(attempt_id), decision=decision, reasons=reasons)
