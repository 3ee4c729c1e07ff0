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

Holds: an ``allow`` for an outgoing movement places a hold (``services.holds``) on the day's and
month's limits; the totals count posted transactions plus live holds. Checks of one customer
are serialized by a transaction-scoped advisory lock taken before the totals are read, so no
interleaving of concurrent checks lets the allowed amounts pass a limit.

Budget: the whole check runs in one database transaction whose statements carry the remaining
budget as ``statement_timeout`` and ``lock_timeout``; when the database cannot answer in time
the decision is the fail mode (``MONITORING_CHECK_FAIL_MODE``) with reason ``timeout``.

Every attempt is stored with its answer, its budget use and what it saw (rule versions, limits,
totals); a replay with the same external_id and body gets the stored answer (one hold).
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import Error as DatabaseFailure
from django.db import connection, transaction
from django.utils import timezone

from compliance.monitoring import conf, rulebook, screening_verdict, selectors
from compliance.monitoring.intake import TransactionInput, parse_transaction
from compliance.monitoring.models import CheckAttempt, Hold, Transaction
from compliance.monitoring.sanctions import ScreeningSanctions
from compliance.monitoring.services.check_records import insert_attempt
from compliance.monitoring.services.holds import hold_body
from compliance.monitoring.services.ingest import UNKNOWN_CUSTOMER
from compliance.monitoring.typologies.base import (
    KARACHI,
    EvaluationContext,
    TierLimits,
    TxView,
)
from compliance.monitoring.typologies.evaluation import check_transaction as engine_check
from compliance.monitoring.typologies.evaluation import required_lookback
from core.actors import Actor
from core.errors import Conflict, ValidationFailed
from kyc.models import Customer

logger = logging.getLogger(__name__)

NOTHING_ALLOWED = TierLimits(Decimal(0), Decimal(0), Decimal(0))
# Typologies that judge the transaction alone (history only groups their alerts), so the check
# can run them without loading history.
TRANSACTION_ONLY = frozenset({"LARGE_CASH", "HIGH_RISK_JURISDICTION", "TRAVEL_RULE_MISSING"})
# Blocking typologies satisfied by the day/month totals (tier limits) or by nothing at all.
TOTALS_ENOUGH = TRANSACTION_ONLY | {"TIER_LIMIT", "SANCTIONED_COUNTERPARTY"}


TIMEOUT = "TIMEOUT"
# Advisory-lock class (two-key form) of the per-customer check lock; the key is the customer.
CHECK_LOCK_CLASS = 17_001
# The fail-mode attempt is stored with this statement timeout (ms): a stalled database must not
# turn the timeout answer itself into a hang.
RECORD_GRACE_MS = 15
# Kept back from the budget so that a timeout's answer, stored, still leaves within the budget.
FAIL_RESERVE_MS = 10
REPLAY_CONFLICT = "This external_id was already checked with a different body."
# occurred_at stands for "now" in a replay's hash when the body left it out.
NO_TIME = datetime(1970, 1, 1, tzinfo=UTC)


class BudgetExhausted(Exception):
    """The check's time budget ran out before the database answered."""


@dataclass(frozen=True)
class CheckOutcome:
    id: str
    decision: str
    reasons: list[dict[str, str]]
    hold: dict[str, str] | None = None
    replayed: bool = False


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


@dataclass(frozen=True)
class RulePlan:
    """What the check runs, derived once per set of live rules (not per request)."""

    blocking: list
    review: list
    needs_history: list
    versions: list[dict[str, Any]]


_plan: tuple[int, list, RulePlan] | None = None


def _rule_plan() -> RulePlan:
    global _plan
    live = rulebook.live_rules(max_age=conf.check_rules_max_age())
    if _plan is not None and _plan[1] is live:
        return _plan[2]
    running = [r for r in live if not r.is_shadow]
    blocking = [(r, r.runnable) for r in running if r.blocking]
    review = [
        (r, r.runnable) for r in running if not r.blocking and _template(r) in TRANSACTION_ONLY
    ]
    plan = RulePlan(
        blocking=blocking,
        review=review,
        needs_history=[pair for pair in blocking if _template(pair[0]) not in TOTALS_ENOUGH],
        versions=[
            {"rule": r.code, "version": r.version_number, "version_id": r.version_id}
            for r, _ in (*blocking, *review)
        ],
    )
    _plan = (id(live), live, plan)
    return plan


@dataclass(frozen=True)
class Calendar:
    """The Asia/Karachi day and month a transaction's limits run over."""

    month_start: datetime
    day_start: datetime
    day_end: datetime

    @classmethod
    def of(cls, moment: datetime) -> Calendar:
        local = moment.astimezone(KARACHI)
        day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        # The next local midnight (Pakistan keeps no daylight saving: a day is 24 hours).
        return cls(day_start.replace(day=1), day_start, day_start + timedelta(days=1))


def _totals_history(
    tx: TxView, usage: selectors.LimitUsage, calendar: Calendar
) -> tuple[TxView, ...]:
    """The month's and the day's usage (posted plus held) as two stand-in movements: the
    tier-limit rule sums what it is given."""
    stand_in_kind = "deposit" if tx.direction == "in" else "withdrawal"
    history = []
    for label, amount, at in (
        ("month-to-date", usage.month - usage.today, calendar.month_start),
        ("today", usage.today, calendar.day_start),
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
                    occurred_at=min(at, tx.occurred_at),
                    status="screened",
                )
            )
    return (*history, tx)


def _full_history(customer_id: str, occurred_at: datetime, plan: RulePlan) -> tuple[TxView, ...]:
    lookback = required_lookback(plan.needs_history)
    return tuple(
        selectors.tx_views(
            Transaction.objects.filter(
                customer_id=customer_id,
                occurred_at__gte=occurred_at - max(lookback, timedelta(days=31)),
                occurred_at__lte=occurred_at,
            ).order_by("occurred_at")
        )
    )


# -- the database under a budget -------------------------------------------------------------


def _remaining_ms(deadline: float) -> int:
    remaining = int((deadline - time.perf_counter()) * 1000)
    if remaining <= 0:
        raise BudgetExhausted
    return remaining


def _bound_statements(deadline: float) -> None:
    """Every statement of this transaction gives up when the budget is spent."""
    ms = str(_remaining_ms(deadline))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('statement_timeout', %s, true), "
            "set_config('lock_timeout', %s, true)",
            [ms, ms],
        )


# -- the check ------------------------------------------------------------------------------


def check_transaction(*, body: Any, actor: Actor, started: float | None = None) -> CheckOutcome:
    """Decide one ``POST /transactions/check/``. ``started`` (``time.perf_counter()``) is when
    the request arrived: the budget runs from there."""
    started = started if started is not None else time.perf_counter()
    budget_ms = conf.check_budget_ms()
    # The database gets the budget less what answering and storing a timeout takes.
    deadline = started + (budget_ms - min(FAIL_RESERVE_MS, budget_ms / 5)) / 1000
    data = parse_transaction(body, require_occurred_at=False)
    now = timezone.now()
    occurred_at = data.occurred_at or now
    as_sent = replace(data, occurred_at=data.occurred_at or NO_TIME)
    found: dict[str, str] = {}
    try:
        with transaction.atomic():
            _bound_statements(deadline)
            customer, standing_hit = selectors.locked_check_customer(
                data.customer_ref,
                lock_class=CHECK_LOCK_CLASS,
                deadline_epoch=time.time() + (deadline - time.perf_counter()),
            )
            _remaining_ms(deadline)  # the wait for the lock may have used it all
            if customer is None:
                raise ValidationFailed({"customer": [UNKNOWN_CUSTOMER]})
            found["customer"] = customer.id
            digest = as_sent.request_hash(customer.id)
            return _decide(
                data, customer, standing_hit, occurred_at, now, digest, actor, started, budget_ms
            )
    except (BudgetExhausted, DatabaseFailure) as exc:  # a timeout, a lost connection
        if not isinstance(exc, BudgetExhausted):
            logger.warning("check of %s: database gave up (%s)", data.external_id, exc)
        return _fail_mode(data, found.get("customer"), occurred_at, actor, started, budget_ms)


def _decide(
    data, customer, standing_hit, occurred_at, now, digest, actor, started, budget_ms
) -> CheckOutcome:
    if customer.status != Customer.Status.APPROVED:
        # kyc: a customer not (or no longer) approved may move nothing (Customer.limits).
        customer = replace(customer, limits=NOTHING_ALLOWED)
    attempt_id = uuid.uuid4()
    tx = _tx_view(str(attempt_id), data, customer.id, occurred_at)
    plan = _rule_plan()
    calendar = Calendar.of(occurred_at)
    outgoing = tx.direction == "out"
    usage = selectors.limit_usage(
        customer_id=customer.id,
        direction=tx.direction,
        month_start=calendar.month_start,
        day_start=calendar.day_start,
        day_end=calendar.day_end,
        now=now,
        external_id=data.external_id,
        count_holds=outgoing,
    )
    if usage.replay_of is not None:
        return _replay(usage.replay_of, digest, data.external_id)
    if plan.needs_history:
        history = _full_history(customer.id, occurred_at, plan)
    elif tx.direction is not None:
        history = _totals_history(tx, usage, calendar)
    else:
        history = ()
    ctx = EvaluationContext(
        customer=customer,
        history=history,
        now=now,
        high_risk_countries=selectors.high_risk_countries(max_age=conf.check_rules_max_age()),
        sanctions=ScreeningSanctions(),
    )
    result = engine_check(tx, ctx, blocking_rules=plan.blocking, review_rules=plan.review)
    reasons = [{"typology": r.typology, "rule": r.rule, "detail": r.detail} for r in result.reasons]
    # An undecided high screening hit holds the movement for review; a confirmed one blocks it.
    decision, reasons = screening_verdict.combine(result.decision, reasons, standing_hit)
    seen = {
        "rules": plan.versions,
        "customer_status": customer.status,
        "limits": {k: None if v is None else str(v) for k, v in vars(customer.limits).items()},
        "day_start": calendar.day_start.isoformat(),
        "month_start": calendar.month_start.isoformat(),
        **usage.as_dict(),
    }
    if plan.needs_history:
        seen["history_transactions"] = len(history)
    attempt = _attempt(data, customer.id, occurred_at, actor, started, budget_ms)
    attempt.id = attempt_id
    attempt.decision = decision
    attempt.reasons = reasons
    attempt.request_hash = digest
    attempt.seen = seen
    hold = None
    # Posted already (a check sent after the fact): the transaction counts, a hold never
    # would be consumed and would count it twice until it expired.
    if decision == CheckAttempt.Decision.ALLOW and outgoing and not usage.already_posted:
        hold = Hold(
            check_attempt=attempt,
            customer_id=customer.id,
            external_id=data.external_id,
            amount_pkr=data.amount_pkr,
            occurred_at=occurred_at,
            expires_at=now + conf.hold_ttl(),
        )
        seen["hold_ttl_seconds"] = conf.hold_ttl().total_seconds()
    attempt.duration_ms = _elapsed_ms(started)
    insert_attempt(attempt, hold)
    return CheckOutcome(
        id=str(attempt_id),
        decision=decision,
        reasons=reasons,
        hold=hold_body(hold) if hold is not None else None,
    )


def _replay(attempt_id, digest: str, external_id: str) -> CheckOutcome:
    """The same check again (a retry): the stored answer, and no second hold."""
    earlier = CheckAttempt.objects.select_related("hold").get(pk=attempt_id)
    if earlier.request_hash and earlier.request_hash != digest:
        raise Conflict(REPLAY_CONFLICT, external_id=external_id, id=str(earlier.pk))
    hold = getattr(earlier, "hold", None)
    return CheckOutcome(
        id=str(earlier.pk),
        decision=earlier.decision,
        reasons=earlier.reasons,
        hold=hold_body(hold) if hold is not None else None,
        replayed=True,
    )


def _elapsed_ms(started: float) -> Decimal:
    return Decimal(str(round((time.perf_counter() - started) * 1000, 3)))


def _attempt(data, customer_id, occurred_at, actor, started, budget_ms) -> CheckAttempt:
    return CheckAttempt(
        external_id=data.external_id,
        customer_id=customer_id,
        kind=data.kind,
        channel=data.channel,
        asset=data.asset,
        amount=data.amount,
        amount_pkr=data.amount_pkr,
        occurred_at=occurred_at,
        counterparty=data.counterparty,
        requested_by=actor.label[:200],
        budget_ms=Decimal(str(budget_ms)),
    )


def _fail_mode(data, customer_id, occurred_at, actor, started, budget_ms) -> CheckOutcome:
    """The budget ran out: the configured fail mode, with reason ``timeout``. The attempt is
    stored (marked ``timed_out``, so a retry is decided afresh) if the database lets us within
    a short grace; if not, the answer still goes out and the loss is logged."""
    decision = conf.check_fail_mode()
    attempt_id = uuid.uuid4()
    reasons = [
        {
            "typology": TIMEOUT,
            "rule": "timeout",
            "detail": f"The check could not be completed within its {budget_ms:g} ms budget.",
        }
    ]
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('statement_timeout', %s, true), "
                    "set_config('lock_timeout', %s, true)",
                    [str(RECORD_GRACE_MS)] * 2,
                )
            if customer_id is None:
                customer_id = selectors.resolve_customer_ids([data.customer_ref]).get(
                    data.customer_ref
                )
            if customer_id is not None:
                attempt = _attempt(data, customer_id, occurred_at, actor, started, budget_ms)
                attempt.id = attempt_id
                attempt.decision = decision
                attempt.reasons = reasons
                attempt.timed_out = True
                attempt.seen = {"timeout": True}
                attempt.duration_ms = _elapsed_ms(started)
                attempt.save(force_insert=True)
    except DatabaseFailure:
        logger.error(
            "check of %s answered %s on timeout but not stored", data.external_id, decision
        )
    return CheckOutcome(id=str(attempt_id), decision=decision, reasons=reasons)
