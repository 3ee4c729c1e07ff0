"""Transaction-monitoring rules as plain Python over plain data.

The engine never touches the database. The caller (a Celery task, the ``/transactions/check/``
view, a test) loads what a rule needs, wraps it in the views below and asks each rule for a
``Finding``. Rules are stored records; this package only knows how to run them.

Views (frozen, built by the caller from its models):

- ``TxView``: one transaction. ``amount_pkr`` is the PKR value at ``occurred_at`` (aware).
  ``kind`` is one of deposit, withdrawal, trade_buy, trade_sell, transfer_in, transfer_out, p2p;
  ``channel`` one of bank, cash, card, crypto, internal. ``direction`` (inflow/outflow) follows
  ``flow_of``, the one rule every typology counts by (README "Monitoring": how kinds count).
  ``counterparty_account``
  is the stable key of the other side (IBAN, account number or wallet address) used for
  fan-in/fan-out. ``has_originator``/``has_beneficiary`` say whether the travel-rule block was
  sent with at least a name and an account or wallet; ``travel_rule_complete`` derives from them.
- ``CustomerView``: the customer's profile: status, risk level, countries, declared
  ``expected_monthly_turnover_pkr``, tier ``limits`` and ``last_activity_before`` (the latest
  transaction before the loaded history, so dormancy is visible without loading years).
- ``EvaluationContext(customer, history, now, high_risk_countries, sanctions)``: ``history`` is
  the customer's transactions over ``required_lookback(rules)`` up to and including the one
  being evaluated, sorted by ``occurred_at``. Later transactions in it are ignored, and the
  current one is added if missing, so the same context serves a pre-trade check.
  ``high_risk_countries`` maps ISO alpha-2 to a list name (``"FATF black list"``); ``sanctions``
  answers ``wallet_hit(chain, address)`` and ``name_hit(name)`` with a description of the listed
  entry or ``None``. ``now`` is when the evaluation runs, for the record: windows are measured
  from the transaction's own ``occurred_at``, so a replay finds what a live run found. One
  context serves every rule for one transaction: derived series (movements, window aggregates)
  are computed once and memoised on it.

Rules:

- ``Typology``: a frozen dataclass whose fields are its typed parameters (``Decimal`` for PKR
  amounts and ratios, ``timedelta`` windows, ``int`` counts, ``bool`` switches, ``tuple[str,
  ...]`` lists). In stored params a ``timedelta`` field ``window`` is the number
  ``window_hours``; PKR amounts are decimal strings. ``from_params(dict)`` validates and raises
  ``ParameterError(errors={param: [messages]})``, ``to_params()`` gives the stored form back,
  ``param_schema()`` a JSON-schema-like description for the admin and the API docs.
  ``evaluate(tx, ctx)`` returns a ``Finding`` or ``None``; it only fires when ``tx`` itself is
  part of the pattern, so unrelated later activity does not re-raise an episode.
- ``compliance.monitoring.expressions.ExpressionRule``: a CEL expression with the same
  ``evaluate`` signature.

``Finding(typology_code, score 0..1, explanation, transaction_ids, dedupe_key, facts)``:
``explanation`` says why in words and numbers; ``transaction_ids`` are every transaction of the
episode (earlier ones included); ``dedupe_key`` is the same for every transaction of one episode
("one pattern in one window"), so the caller attaches a finding to the open alert of the same
rule and key, or opens one. Keys do not name the rule: scope them by rule when storing.
``facts`` holds the numbers as strings and ints, JSON-ready.

Running them: ``evaluation.evaluate_all``, ``evaluation.check_blocking`` and
``evaluation.required_lookback``; the default Pakistan pack is ``registry.DEFAULT_RULE_PACK``.
"""

from __future__ import annotations

import dataclasses
import typing
from abc import ABC, abstractmethod
from bisect import bisect_left
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import cached_property
from types import MappingProxyType
from typing import Any, ClassVar, Protocol
from zoneinfo import ZoneInfo

KARACHI = ZoneInfo("Asia/Karachi")

INCOMING_KINDS = frozenset({"deposit", "transfer_in"})
OUTGOING_KINDS = frozenset({"withdrawal", "transfer_out"})
# A trade settled from outside the exchange (paid in by bank, cash, card or a wallet; paid out
# to one) brings money in or takes it out; settled from the account's balance (``internal``) it
# only changes the form of money already there.
EXTERNAL_CHANNELS = frozenset({"bank", "cash", "card", "crypto"})
TRADE_INFLOW_KIND = "trade_buy"
TRADE_OUTFLOW_KIND = "trade_sell"
P2P_KIND = "p2p"


def flow_of(kind: str, channel: str) -> str | None:
    """How a transaction counts in every typology: ``"in"`` (inflow), ``"out"`` (outflow) or
    ``None`` (no money enters or leaves the account).

    - deposits and transfers in are inflows, withdrawals and transfers out outflows, whatever
      the channel (an ``internal`` transfer comes from or goes to another account);
    - a buy settled on an external channel is an inflow, a sell settled on one an outflow;
      trades settled ``internal`` are neither;
    - p2p is neither: the body does not say which side the customer was on. It still counts as
      a movement (activity, cash and amount patterns, counterparties), never as in or out.
    """
    if kind in INCOMING_KINDS:
        return "in"
    if kind in OUTGOING_KINDS:
        return "out"
    if channel in EXTERNAL_CHANNELS:
        if kind == TRADE_INFLOW_KIND:
            return "in"
        if kind == TRADE_OUTFLOW_KIND:
            return "out"
    return None


def order_key(t: TxView) -> tuple[datetime, str]:
    """Event order: ``occurred_at``, ties broken by the exchange's ``external_id``. Arrival
    order never enters it, so every replay sees the same history before a transaction."""
    return (t.occurred_at, t.external_id)


TRANSACTION_KINDS = (
    "deposit",
    "withdrawal",
    "trade_buy",
    "trade_sell",
    "transfer_in",
    "transfer_out",
    "p2p",
)
CHANNELS = ("bank", "cash", "card", "crypto", "internal")


@dataclass(frozen=True)
class TxView:
    id: str
    external_id: str
    customer_id: str
    kind: str
    channel: str
    asset: str
    amount: Decimal
    amount_pkr: Decimal
    occurred_at: datetime
    counterparty_name: str = ""
    counterparty_account: str = ""
    counterparty_wallet: str = ""
    counterparty_chain: str = ""
    counterparty_country: str = ""
    counterparty_vasp: str = ""
    has_originator: bool = False
    has_beneficiary: bool = False
    status: str = "pending"
    received_at: datetime | None = None  # when the row was stored (lateness, never windows)

    @cached_property
    def direction(self) -> str | None:
        return flow_of(self.kind, self.channel)

    @property
    def is_incoming(self) -> bool:
        return self.direction == "in"

    @property
    def is_outgoing(self) -> bool:
        return self.direction == "out"

    @property
    def is_movement(self) -> bool:
        """Money entering or leaving the account, or changing hands with another person (p2p);
        trades settled inside the account only change its form."""
        return self.direction is not None or self.kind == P2P_KIND

    @property
    def is_cash(self) -> bool:
        return self.channel == "cash"

    @property
    def is_crypto_transfer(self) -> bool:
        return self.channel == "crypto" and self.direction is not None

    @property
    def travel_rule_complete(self) -> bool:
        """FATF R.16: the ordering side sends originator and beneficiary data with a transfer.

        Outgoing, we are the ordering VASP and hold the originator (our customer), so the
        beneficiary block is what must be present; incoming, the originator block must arrive.
        """
        if not self.is_crypto_transfer:
            return True
        return self.has_beneficiary if self.is_outgoing else self.has_originator

    @cached_property
    def counterparty_key(self) -> str:
        """A stable identity for the other side: account or wallet, else the name."""
        key = self.counterparty_account or self.counterparty_wallet
        if key:
            return key.strip()
        return " ".join(self.counterparty_name.lower().split())


@dataclass(frozen=True)
class TierLimits:
    per_transaction_pkr: Decimal | None = None
    daily_pkr: Decimal | None = None
    monthly_pkr: Decimal | None = None


@dataclass(frozen=True)
class CustomerView:
    id: str
    external_id: str
    status: str = "approved"
    risk_level: str = "low"
    country_of_residence: str = ""
    nationality: str = ""
    expected_monthly_turnover_pkr: Decimal | None = None
    limits: TierLimits = field(default_factory=TierLimits)
    last_activity_before: datetime | None = None
    onboarded_at: datetime | None = None


class SanctionsIndex(Protocol):
    def wallet_hit(self, chain: str, address: str) -> str | None: ...

    def name_hit(self, name: str) -> str | None: ...


class NoSanctions:
    """The empty index: nothing is listed."""

    def wallet_hit(self, chain: str, address: str) -> str | None:
        return None

    def name_hit(self, name: str) -> str | None:
        return None


@dataclass
class EvaluationContext:
    customer: CustomerView
    history: Sequence[TxView]
    now: datetime
    high_risk_countries: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    sanctions: SanctionsIndex = field(default_factory=NoSanctions)
    _memo: dict[Hashable, Any] = field(default_factory=dict, repr=False, compare=False)

    def memo(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """Compute a derived series once per context, whatever the number of rules."""
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = compute()
            return value

    def timeline(self, tx: TxView) -> tuple[TxView, ...]:
        """History up to ``tx`` (inclusive), ending with ``tx`` itself."""

        def build() -> tuple[TxView, ...]:
            at = order_key(tx)
            earlier = [h for h in self.history if order_key(h) < at and h.id != tx.id]
            return (*earlier, tx)

        return self.memo(("timeline", tx.id), build)

    def series(self, tx: TxView, name: str, keep: Callable[[TxView], bool]) -> tuple[TxView, ...]:
        """The timeline filtered by ``keep``; ``name`` identifies the filter for memoising."""
        return self.memo(
            ("series", tx.id, name), lambda: tuple(h for h in self.timeline(tx) if keep(h))
        )


@dataclass(frozen=True)
class Finding:
    typology_code: str
    score: float
    explanation: str
    transaction_ids: tuple[str, ...]
    dedupe_key: str
    facts: Mapping[str, Any] = field(default_factory=dict)


class ParameterError(ValueError):
    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items()))


def doc(
    description: str,
    *,
    unit: str = "",
    minimum: Decimal | int | None = None,
    maximum: Decimal | int | None = None,
    exclusive_minimum: bool = False,
    choices: Sequence[str] | None = None,
) -> dict[str, Any]:
    """What the admin and the API docs show about a typology parameter (its field metadata):
    ``threshold_pkr: Decimal = field(default=..., metadata=doc("...", unit="PKR"))``."""
    return {
        "description": description,
        "unit": unit,
        "minimum": minimum,
        "maximum": maximum,
        "exclusive_minimum": exclusive_minimum,
        "choices": tuple(choices) if choices else None,
    }


_HOURS = "_hours"


def _param_key(f: dataclasses.Field, kind: type) -> str:
    return f.name + _HOURS if kind is timedelta else f.name


@dataclass(frozen=True)
class Typology(ABC):
    code: ClassVar[str] = ""
    title: ClassVar[str] = ""

    # -- parameters ----------------------------------------------------------------------

    @classmethod
    def _param_fields(cls) -> list[tuple[dataclasses.Field, type]]:
        hints = typing.get_type_hints(cls)
        out = []
        for f in dataclasses.fields(cls):
            hint = hints[f.name]
            kind = tuple if typing.get_origin(hint) is tuple else hint
            out.append((f, kind))
        return out

    @classmethod
    def from_params(cls, params: Mapping[str, Any] | None) -> Typology:
        params = dict(params or {})
        errors: dict[str, list[str]] = {}
        values: dict[str, Any] = {}
        known = set()
        for f, kind in cls._param_fields():
            key = _param_key(f, kind)
            known.add(key)
            if key not in params:
                continue
            try:
                values[f.name] = _coerce(params[key], kind, f.metadata)
            except ValueError as exc:
                errors.setdefault(key, []).append(str(exc))
        for key in params:
            if key not in known:
                errors.setdefault(key, []).append("unknown parameter")
        if errors:
            raise ParameterError(errors)
        instance = cls(**values)
        errors = instance.check()
        if errors:
            raise ParameterError(errors)
        return instance

    def check(self) -> dict[str, list[str]]:
        """Cross-field rules; a subclass adds its own (``{param: [message]}``)."""
        return {}

    def to_params(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f, kind in self._param_fields():
            value = getattr(self, f.name)
            if kind is timedelta:
                hours = Decimal(value.total_seconds()) / 3600
                out[_param_key(f, kind)] = int(hours) if hours == int(hours) else float(hours)
            elif kind is Decimal:
                out[f.name] = str(value)
            elif kind is tuple:
                out[f.name] = list(value)
            else:
                out[f.name] = value
        return out

    @classmethod
    def param_schema(cls) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        for f, kind in cls._param_fields():
            meta = f.metadata
            prop: dict[str, Any] = {"description": meta.get("description", "")}
            if kind is Decimal:
                prop.update(type="string", format="decimal", default=str(f.default))
            elif kind is timedelta:
                hours = f.default.total_seconds() / 3600
                prop.update(type="number", default=int(hours) if hours.is_integer() else hours)
                prop["x-unit"] = "hours"
            elif kind is bool:
                prop.update(type="boolean", default=f.default)
            elif kind is int:
                prop.update(type="integer", default=f.default)
            elif kind is tuple:
                prop.update(type="array", items={"type": "string"}, default=list(f.default))
                if meta.get("choices"):
                    prop["items"]["enum"] = list(meta["choices"])
            if meta.get("unit"):
                prop["x-unit"] = meta["unit"]
            for bound in ("minimum", "maximum"):
                if meta.get(bound) is not None:
                    name = bound
                    if bound == "minimum" and meta.get("exclusive_minimum"):
                        name = "exclusiveMinimum"
                    limit = meta[bound]
                    prop[name] = str(limit) if kind is Decimal else limit
            properties[_param_key(f, kind)] = prop
        return {
            "title": cls.title,
            "description": " ".join((cls.__doc__ or "").split()),
            "x-typology": cls.code,
            "type": "object",
            "properties": properties,
            "additionalProperties": False,
        }

    # -- evaluation ----------------------------------------------------------------------

    @property
    def lookback(self) -> timedelta:
        """How much history this rule needs before the transaction it evaluates."""
        return timedelta(0)

    def may_affect(self, tx: TxView) -> bool:
        """Whether ``tx``, added to a history, can change what this rule finds at the other
        transactions: a late one re-evaluates them only then. Any transaction, unless a
        typology knows better (its members)."""
        return True

    @abstractmethod
    def evaluate(self, tx: TxView, ctx: EvaluationContext) -> Finding | None:
        """The finding for ``tx`` given the customer's history, or None when it is clean."""


def _coerce(raw: Any, kind: type, meta: Mapping[str, Any]) -> Any:
    if kind is bool:
        if not isinstance(raw, bool):
            raise ValueError("must be true or false")
        return raw
    if kind is int:
        if isinstance(raw, bool) or not isinstance(raw, int | str):
            raise ValueError("must be a whole number")
        try:
            value = int(raw)
        except ValueError:
            raise ValueError("must be a whole number") from None
        return _in_range(value, meta)
    if kind is Decimal:
        if isinstance(raw, bool) or not isinstance(raw, int | str | Decimal | float):
            raise ValueError("must be a decimal string")
        if isinstance(raw, float):
            if meta.get("unit") == "PKR":
                raise ValueError('PKR amounts are decimal strings, e.g. "2000000"')
            raw = repr(raw)
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise ValueError("must be a decimal string") from None
        if not value.is_finite():
            raise ValueError("must be a finite number")
        return _in_range(value, meta)
    if kind is timedelta:
        if isinstance(raw, bool) or not isinstance(raw, int | float | str | Decimal):
            raise ValueError("must be a number of hours")
        try:
            hours = Decimal(repr(raw) if isinstance(raw, float) else raw)
        except InvalidOperation:
            raise ValueError("must be a number of hours") from None
        if not hours.is_finite() or hours <= 0:
            raise ValueError("must be a positive number of hours")
        return timedelta(seconds=float(hours * 3600))
    if kind is tuple:
        if not isinstance(raw, list | tuple) or not all(isinstance(x, str) for x in raw):
            raise ValueError("must be a list of strings")
        choices = meta.get("choices")
        if choices:
            bad = [x for x in raw if x not in choices]
            if bad:
                raise ValueError(f"not allowed: {', '.join(bad)}; choose from {', '.join(choices)}")
        return tuple(raw)
    raise ValueError(f"unsupported parameter type {kind!r}")


def _in_range(value: Any, meta: Mapping[str, Any]) -> Any:
    low, high = meta.get("minimum"), meta.get("maximum")
    if low is not None:
        if meta.get("exclusive_minimum") and value <= low:
            raise ValueError(f"must be greater than {low}")
        if value < low:
            raise ValueError(f"must be at least {low}")
    if high is not None and value > high:
        raise ValueError(f"must be at most {high}")
    return value


# Series shared by several typologies, memoised on the context under these names.


def movements(tx: TxView, ctx: EvaluationContext) -> tuple[TxView, ...]:
    return ctx.series(tx, "movements", lambda h: h.is_movement)


def incoming(tx: TxView, ctx: EvaluationContext) -> tuple[TxView, ...]:
    return ctx.series(tx, "incoming", lambda h: h.is_incoming)


def outgoing(tx: TxView, ctx: EvaluationContext) -> tuple[TxView, ...]:
    return ctx.series(tx, "outgoing", lambda h: h.is_outgoing)


def recent(series: Sequence[TxView], tx: TxView, span: timedelta) -> Sequence[TxView]:
    """The tail of a time-sorted series from ``span`` before ``tx``: a rule reads only what its
    lookback covers, so its result does not depend on how much history the caller loaded."""
    return series[bisect_left(series, tx.occurred_at - span, key=_occurred_at) :]


def _occurred_at(t: TxView) -> datetime:
    return t.occurred_at


def local_date(moment: datetime) -> str:
    """The Asia/Karachi calendar date, used for day buckets (the customer's day)."""
    return moment.astimezone(KARACHI).date().isoformat()
