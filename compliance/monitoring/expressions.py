"""Expression rules: a compliance analyst's condition in CEL, run safely.

CEL (Common Expression Language) is evaluated by the ``common-expression-language`` package
(``import cel``): no Python ``eval``, no attribute access into Python objects, no loops beyond
CEL's bounded macros, so a stored expression can only read the context below and answer.
``validate_expression`` is called when a rule is saved: the expression must parse, name only
the documented variables and fields, call only standard CEL functions and return a bool.

The context (amounts are doubles for CEL comparisons; ``1000000`` and ``1000000.0`` both
compare with them; everything outside CEL stays ``Decimal``):

``tx``: ``id``, ``external_id``, ``kind`` (deposit, withdrawal, trade_buy, trade_sell,
transfer_in, transfer_out, p2p), ``channel`` (bank, cash, card, crypto, internal), ``asset``,
``amount`` (in the asset), ``amount_pkr``, ``occurred_at`` (timestamp), ``local_hour`` (0-23)
and ``local_weekday`` (1 = Monday .. 7 = Sunday) in Asia/Karachi, ``direction`` ("in", "out",
"" for trades and p2p), ``is_incoming``, ``is_outgoing``, ``is_cash``, ``is_crypto_transfer``,
``counterparty_name``, ``counterparty_account``, ``counterparty_wallet``, ``counterparty_chain``,
``counterparty_country``, ``counterparty_vasp`` ("" when absent), ``counterparty_risk_list``
(the high-risk list the counterparty's country is on, or ""), ``has_originator``,
``has_beneficiary``, ``travel_rule_complete``, ``status``.

``customer``: ``id``, ``external_id``, ``status``, ``risk_level`` (low, medium, high,
prohibited), ``country_of_residence``, ``nationality``, ``expected_monthly_turnover_pkr``
(0.0 when not declared; ``has_declared_turnover`` tells), ``per_transaction_limit_pkr``,
``daily_limit_pkr``, ``monthly_limit_pkr`` (0.0 when there is no limit), ``account_age_days``
(-1 when unknown).

``window``: aggregates over the customer's history up to and including ``tx``, for the last
24 h, 7 d and 30 d (suffixes ``_24h``, ``_7d``, ``_30d``). In, out and movement follow the
typologies' one rule (``typologies.base.flow_of``): deposits, transfers and trades settled on an
external channel are in or out, p2p is a movement without a side, trades settled inside the
account are counted as trades only.
``count_*``/``sum_pkr_*`` (all movements), ``in_count_*``/``in_sum_pkr_*``,
``out_count_*``/``out_sum_pkr_*``, ``cash_count_*``/``cash_sum_pkr_*``, ``trade_count_*``,
``distinct_counterparties_*``, ``distinct_counterparties_in_*``,
``distinct_counterparties_out_*``, and ``hours_since_previous`` (hours since the customer's
previous transaction, -1.0 if none).

Example: ``tx.is_cash && tx.amount_pkr >= 500000 && customer.risk_level == "high"``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import cel

from compliance.monitoring.typologies import explain
from compliance.monitoring.typologies.base import (
    KARACHI,
    CustomerView,
    EvaluationContext,
    Finding,
    TxView,
    local_date,
)

MAX_EXPRESSION_LENGTH = 2000

WINDOWS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}

# Standard CEL functions the engine supports; anything else is refused at save time.
ALLOWED_FUNCTIONS = frozenset(
    {
        "size",
        "contains",
        "startsWith",
        "endsWith",
        "matches",
        "int",
        "uint",
        "double",
        "string",
        "bytes",
        "timestamp",
        "duration",
        "type",
        "dyn",
        "getFullYear",
        "getMonth",
        "getDate",
        "getDayOfMonth",
        "getDayOfYear",
        "getDayOfWeek",
        "getHours",
        "getMinutes",
        "getSeconds",
        "getMilliseconds",
    }
)


class ExpressionError(ValueError):
    """The expression cannot be saved or run; the message says why, for the analyst."""


@dataclass(frozen=True)
class WindowAggregates:
    """Movement aggregates ending at a transaction, by window name (``24h``, ``7d``, ``30d``)."""

    counts: dict[str, int]
    sums_pkr: dict[str, Decimal]
    hours_since_previous: float

    def as_cel(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(self.counts)
        out.update({k: float(v) for k, v in self.sums_pkr.items()})
        out["hours_since_previous"] = self.hours_since_previous
        return out


def window_aggregates(tx: TxView, ctx: EvaluationContext) -> WindowAggregates:
    """Computed once per transaction and shared by every expression rule."""
    return ctx.memo(("window_aggregates", tx.id), lambda: _aggregate(tx, ctx))


class _Bucket:
    """Movements of one age band (newer than the shorter windows, within this one)."""

    def __init__(self) -> None:
        self.counts = dict.fromkeys(("", "in_", "out_", "cash_", "trade_"), 0)
        self.sums = dict.fromkeys(("", "in_", "out_", "cash_"), Decimal(0))
        self.parties: dict[str, set[str]] = {"": set(), "_in": set(), "_out": set()}

    def add(self, t: TxView) -> None:
        if not t.is_movement:
            self.counts["trade_"] += 1
            return
        side = {"in": "in_", "out": "out_"}.get(t.direction or "")  # p2p: a movement, no side
        prefixes = ("", side, "cash_" if t.is_cash else None)
        for prefix in [p for p in prefixes if p is not None]:
            self.counts[prefix] += 1
            self.sums[prefix] += t.amount_pkr
        key = t.counterparty_key
        if key:
            self.parties[""].add(key)
            if side:
                self.parties[f"_{side[:-1]}"].add(key)


def _aggregate(tx: TxView, ctx: EvaluationContext) -> WindowAggregates:
    timeline = ctx.timeline(tx)
    names = sorted(WINDOWS, key=WINDOWS.__getitem__)
    buckets = [_Bucket() for _ in names]
    spans = [WINDOWS[name] for name in names]
    # One pass, newest first: each transaction lands in the band of the shortest window
    # holding it; a window's figures are then its band plus every shorter one.
    band = 0
    for t in reversed(timeline):
        age = tx.occurred_at - t.occurred_at
        while band < len(spans) and age > spans[band]:
            band += 1
        if band == len(spans):
            break
        buckets[band].add(t)
    counts: dict[str, int] = {}
    sums: dict[str, Decimal] = {}
    running = _Bucket()
    for name, bucket in zip(names, buckets):
        for prefix, n in bucket.counts.items():
            running.counts[prefix] += n
            counts[f"{prefix}count_{name}"] = running.counts[prefix]
        for prefix, amount in bucket.sums.items():
            running.sums[prefix] += amount
            sums[f"{prefix}sum_pkr_{name}"] = running.sums[prefix]
        for side, keys in bucket.parties.items():
            running.parties[side] |= keys
            counts[f"distinct_counterparties{side}_{name}"] = len(running.parties[side])
    previous = timeline[-2].occurred_at if len(timeline) > 1 else ctx.customer.last_activity_before
    since = (tx.occurred_at - previous).total_seconds() / 3600 if previous else -1.0
    return WindowAggregates(counts=counts, sums_pkr=sums, hours_since_previous=since)


def _tx_context(tx: TxView, ctx: EvaluationContext) -> dict[str, Any]:
    local = tx.occurred_at.astimezone(KARACHI)
    country = tx.counterparty_country.upper()
    return {
        "id": str(tx.id),
        "external_id": tx.external_id,
        "kind": tx.kind,
        "channel": tx.channel,
        "asset": tx.asset,
        "amount": float(tx.amount),
        "amount_pkr": float(tx.amount_pkr),
        # The CEL binding converts fixed-offset datetimes only, not zoneinfo ones.
        "occurred_at": tx.occurred_at.astimezone(UTC),
        "local_hour": local.hour,
        "local_weekday": local.isoweekday(),
        "direction": tx.direction or "",
        "is_incoming": tx.is_incoming,
        "is_outgoing": tx.is_outgoing,
        "is_cash": tx.is_cash,
        "is_crypto_transfer": tx.is_crypto_transfer,
        "counterparty_name": tx.counterparty_name,
        "counterparty_account": tx.counterparty_account,
        "counterparty_wallet": tx.counterparty_wallet,
        "counterparty_chain": tx.counterparty_chain,
        "counterparty_country": country,
        "counterparty_vasp": tx.counterparty_vasp,
        "counterparty_risk_list": ctx.high_risk_countries.get(country, "") if country else "",
        "has_originator": tx.has_originator,
        "has_beneficiary": tx.has_beneficiary,
        "travel_rule_complete": tx.travel_rule_complete,
        "status": tx.status,
    }


def _customer_context(customer: CustomerView, at: datetime) -> dict[str, Any]:
    def money(value: Decimal | None) -> float:
        return float(value) if value is not None else 0.0

    limits = customer.limits
    onboarded = customer.onboarded_at
    return {
        "id": str(customer.id),
        "external_id": customer.external_id,
        "status": customer.status,
        "risk_level": customer.risk_level,
        "country_of_residence": customer.country_of_residence,
        "nationality": customer.nationality,
        "expected_monthly_turnover_pkr": money(customer.expected_monthly_turnover_pkr),
        "has_declared_turnover": customer.expected_monthly_turnover_pkr is not None,
        "per_transaction_limit_pkr": money(limits.per_transaction_pkr),
        "daily_limit_pkr": money(limits.daily_pkr),
        "monthly_limit_pkr": money(limits.monthly_pkr),
        "account_age_days": (at - onboarded).days if onboarded else -1,
    }


def expression_context(tx: TxView, ctx: EvaluationContext) -> dict[str, Any]:
    """The variables an expression sees for ``tx`` (``tx``, ``customer``, ``window``)."""

    def build() -> dict[str, Any]:
        return {
            "tx": _tx_context(tx, ctx),
            "customer": _customer_context(ctx.customer, tx.occurred_at),
            "window": window_aggregates(tx, ctx).as_cel(),
        }

    return ctx.memo(("expression_context", tx.id), build)


def _cel_context(tx: TxView, ctx: EvaluationContext) -> cel.Context:
    # A cel.Context converts the variables once; every expression rule then reuses it.
    return ctx.memo(
        ("cel_context", tx.id), lambda: cel.Context(variables=expression_context(tx, ctx))
    )


# -- validation -----------------------------------------------------------------------------

_STRING = re.compile(
    r"""[rRbB]{0,2}(?:\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')"""
)
_MACRO_VARIABLE = re.compile(r"\.\s*(?:all|exists|exists_one|map|filter)\s*\(\s*([A-Za-z_]\w*)\s*,")
_FIELD = re.compile(r"(?<![\w.])(tx|customer|window)\s*\.\s*([A-Za-z_]\w*)")
_INDEXED = re.compile(r"(?<![\w.])(tx|customer|window)\s*\[")


def _probe_contexts() -> list[dict[str, Any]]:
    """Two sample contexts, a busy and a quiet one, built exactly like the real one."""
    at = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
    busy_tx = TxView(
        id="probe",
        external_id="probe",
        customer_id="probe",
        kind="transfer_out",
        channel="crypto",
        asset="USDT",
        amount=Decimal("5000"),
        amount_pkr=Decimal("1400000"),
        occurred_at=at,
        counterparty_name="Probe",
        counterparty_account="T-probe",
        counterparty_wallet="T-probe",
        counterparty_chain="TRON",
        counterparty_country="AE",
        counterparty_vasp="Probe VASP",
        has_beneficiary=True,
    )
    earlier = TxView(
        id="probe-0",
        external_id="probe-0",
        customer_id="probe",
        kind="deposit",
        channel="cash",
        asset="PKR",
        amount=Decimal("1500000"),
        amount_pkr=Decimal("1500000"),
        occurred_at=at - timedelta(hours=3),
    )
    quiet_tx = TxView(
        id="probe",
        external_id="probe",
        customer_id="probe",
        kind="trade_buy",
        channel="internal",
        asset="BTC",
        amount=Decimal(0),
        amount_pkr=Decimal(0),
        occurred_at=at,
    )
    busy = CustomerView(
        id="probe",
        external_id="probe",
        expected_monthly_turnover_pkr=Decimal("1000000"),
        onboarded_at=at - timedelta(days=400),
    )
    quiet = CustomerView(id="probe", external_id="probe", status="draft")
    return [
        expression_context(
            busy_tx, EvaluationContext(customer=busy, history=[earlier, busy_tx], now=at)
        ),
        expression_context(quiet_tx, EvaluationContext(customer=quiet, history=[], now=at)),
    ]


_PROBES = _probe_contexts()
DOCUMENTED_FIELDS: dict[str, frozenset[str]] = {
    root: frozenset(_PROBES[0][root]) for root in ("tx", "customer", "window")
}


def _compile(expression: str) -> cel.Program:
    if not isinstance(expression, str) or not expression.strip():
        raise ExpressionError("the expression is empty")
    if len(expression) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError(f"the expression is longer than {MAX_EXPRESSION_LENGTH} characters")
    try:
        program = cel.compile(expression)
    except ValueError as exc:
        raise ExpressionError(f"syntax error: {exc}") from None
    code = _STRING.sub('""', expression)
    bound = set(_MACRO_VARIABLE.findall(code))
    rebound = bound & DOCUMENTED_FIELDS.keys()
    if rebound:
        raise ExpressionError(f"{', '.join(sorted(rebound))} cannot be used as a macro variable")
    unknown = sorted(set(program.variables()) - DOCUMENTED_FIELDS.keys() - bound)
    if unknown:
        raise ExpressionError(f"unknown variable {', '.join(unknown)}; use tx, customer and window")
    if _INDEXED.search(code):
        raise ExpressionError("use tx.field, customer.field and window.field, not [...]")
    for root, name in _FIELD.findall(code):
        if name not in DOCUMENTED_FIELDS[root]:
            raise ExpressionError(f"unknown field {root}.{name}")
    calls = {f for f in program.functions() if f[0] not in "_@!-"}
    refused = sorted(calls - ALLOWED_FUNCTIONS)
    if refused:
        raise ExpressionError(f"unknown function {', '.join(refused)}")
    for name, probe in zip(("a busy", "a quiet"), _PROBES):
        try:
            result = program.execute(probe)
        except Exception as exc:  # noqa: BLE001 - cel raises several types; all mean "refuse"
            raise ExpressionError(f"fails on {name} sample transaction: {exc}") from None
        if not isinstance(result, bool):
            raise ExpressionError(f"must be true or false, not a {type(result).__name__}")
    return program


def validate_expression(expression: str) -> None:
    """Refuse, with a message for the analyst, what could not run as a rule."""
    _compile(expression)


@dataclass(frozen=True)
class ExpressionRule:
    """A rule whose condition is a CEL expression; same ``evaluate`` as a ``Typology``.

    Matches on one Asia/Karachi day share one alert (``dedupe_key``).
    """

    expression: str
    typology_code: str = "CUSTOM"
    description: str = ""
    score: float = 0.5
    _program: cel.Program = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_program", _compile(self.expression))

    @property
    def lookback(self) -> timedelta:
        return max(WINDOWS.values())

    @property
    def reads_previous(self) -> bool:
        """``hours_since_previous`` reads the transaction before the windows."""
        return True

    def evaluate(self, tx: TxView, ctx: EvaluationContext) -> Finding | None:
        try:
            result = self._program.execute(_cel_context(tx, ctx))
        except Exception as exc:
            raise ExpressionError(f"{self.expression!r} failed: {exc}") from exc
        if not isinstance(result, bool):
            raise ExpressionError(f"{self.expression!r} returned {result!r}, not true or false")
        if not result:
            return None
        agg = window_aggregates(tx, ctx)
        c, s = agg.counts, agg.sums_pkr
        what = self.description or "Expression rule"
        text = (
            f"{what} matched ({self.expression}): {explain.noun(tx.kind)} of "
            f"{explain.pkr(tx.amount_pkr)}; last 24 h {c['count_24h']} movements, "
            f"{explain.pkr(s['sum_pkr_24h'])}; 7 days {c['count_7d']}, "
            f"{explain.pkr(s['sum_pkr_7d'])}; 30 days {c['count_30d']}, "
            f"{explain.pkr(s['sum_pkr_30d'])}"
        )
        digest = hashlib.sha256(self.expression.encode()).hexdigest()[:12]
        return Finding(
            typology_code=self.typology_code,
            score=self.score,
            explanation=text,
            transaction_ids=(tx.id,),
            dedupe_key=":".join(
                (self.typology_code, tx.customer_id, digest, local_date(tx.occurred_at))
            ),
            facts={
                "expression": self.expression,
                "amount_pkr": str(tx.amount_pkr),
                **{k: str(v) for k, v in s.items()},
                **c,
            },
        )
