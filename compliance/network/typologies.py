"""Network typologies: rule templates over an extracted piece of the customer graph. Plain Python.

They share monitoring's parameter machinery (``Typology``: typed, validated, versioned params
with a schema for the admin) but run over the graph, not per transaction, so ``evaluate`` never
fires; ``find`` does. The caller (``services.rules``) loads the piece of graph a rule needs and
stores what it finds.

Every ``find`` takes *all* the data around what changed and returns the union of what every
window shows, so that what is found depends on the stored graph alone, never on the order
events arrived in (see ``services.rules``).

- ``SHARED_IDENTIFIER``: ``min_customers`` or more customers took the same key (device, phone,
  bank account ...) within ``window``.
- ``COLLECTOR``: ``min_customers`` or more customers paid the same external wallet or account
  within ``window``, each payment at most ``max_payment_pkr`` (the smurf's "below every
  threshold"); with ``require_shared_identifier`` only payers tied to one another by a shared
  identifier count (a ring, not the clientele of a merchant).
- ``DISTRIBUTOR``: the same, for one external source paying many customers.
- ``CIRCULAR``: value leaving a customer comes back to it through other customers (and
  external wallets) within ``window``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar

import networkx as nx

from compliance.monitoring.typologies.base import Typology, doc
from compliance.network.identifiers import Kind

IDENTIFIER_KINDS = (
    Kind.DEVICE, Kind.IP, Kind.PHONE, Kind.EMAIL, Kind.ADDRESS, Kind.IBAN, Kind.ACCOUNT,
    Kind.WALLET, Kind.ID_NUMBER,
)  # fmt: skip
COUNTERPARTY_KINDS = (Kind.WALLET, Kind.IBAN, Kind.ACCOUNT)


@dataclass(frozen=True)
class Holder:
    customer_id: str
    since: datetime


@dataclass(frozen=True)
class KeyView:
    id: int
    kind: str
    label: str
    holders: tuple[Holder, ...] = ()


@dataclass(frozen=True)
class FlowView:
    transaction_id: str
    customer_id: str
    key_id: int
    direction: str  # "out": the customer paid the key; "in": the key paid the customer
    occurred_at: datetime
    amount_pkr: Decimal
    key_customer_id: str | None = None  # the key is another customer (internal transfer, p2p)


@dataclass(frozen=True)
class NetworkFinding:
    typology_code: str
    score: float
    explanation: str
    members: tuple[str, ...]  # customer ids, sorted
    dedupe_key: str
    transaction_ids: tuple[str, ...] = ()
    facts: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class NetworkTypology(Typology):
    """A template over the graph (``find``); never fires per transaction."""

    looks_at: ClassVar[str] = ""  # "keys", "flows" or "cycles": what the caller loads

    def evaluate(self, tx, ctx):  # per-transaction engine: network rules do not run there
        return None


def _windows(times: Sequence[tuple[datetime, Any]], span: timedelta, minimum: int):
    """Members of every window ``[t, t + span]`` holding ``minimum`` or more distinct members,
    merged: two-pointer sweep over time-sorted ``(time, member)`` pairs."""
    found: set = set()
    earliest = latest = None
    events = sorted(times, key=lambda p: (p[0], str(p[1])))
    counts: dict[Any, int] = defaultdict(int)
    lo = 0
    for at, member in events:
        counts[member] += 1
        while events[lo][0] < at - span:
            gone = events[lo][1]
            counts[gone] -= 1
            if not counts[gone]:
                del counts[gone]
            lo += 1
        if len(counts) >= minimum:
            found |= set(counts)
            earliest = events[lo][0] if earliest is None else min(earliest, events[lo][0])
            latest = at if latest is None else max(latest, at)
    return found, earliest, latest


def _score(members: int, minimum: int) -> float:
    return round(min(1.0, 0.5 + 0.5 * (members - minimum) / max(minimum, 1)), 3)


def _names(members: Iterable[str], names: Mapping[str, str]) -> str:
    shown = sorted(names.get(m, m) for m in members)
    return ", ".join(shown)


@dataclass(frozen=True)
class SharedIdentifier(NetworkTypology):
    """Several customers took the same device, phone, address or bank account within a period."""

    code: ClassVar[str] = "SHARED_IDENTIFIER"
    title: ClassVar[str] = "Customers sharing an identifier"
    looks_at: ClassVar[str] = "keys"

    kinds: tuple[str, ...] = field(
        default=(Kind.DEVICE, Kind.PHONE, Kind.IBAN, Kind.ACCOUNT, Kind.ID_NUMBER),
        metadata=doc("Kinds of identifier watched.", choices=IDENTIFIER_KINDS),
    )
    min_customers: int = field(
        default=3, metadata=doc("Customers sharing one identifier.", minimum=2, maximum=1000)
    )
    window: timedelta = field(
        default=timedelta(days=30), metadata=doc("Within this period (by when each linked).")
    )

    def find(self, key: KeyView, names: Mapping[str, str]) -> NetworkFinding | None:
        if key.kind not in self.kinds:
            return None
        members, first, last = _windows(
            [(h.since, h.customer_id) for h in key.holders], self.window, self.min_customers
        )
        if not members:
            return None
        ids = tuple(sorted(members))
        return NetworkFinding(
            typology_code=self.code,
            score=_score(len(ids), self.min_customers),
            explanation=(
                f"{len(ids)} customers share {key.kind} {key.label} "
                f"(linked between {first:%Y-%m-%d} and {last:%Y-%m-%d}): {_names(ids, names)}."
            ),
            members=ids,
            dedupe_key=f"{self.code}:{key.id}",
            facts={"key": key.label, "kind": key.kind, "members": len(ids)},
        )


@dataclass(frozen=True)
class _ManyToOne(NetworkTypology):
    looks_at: ClassVar[str] = "flows"
    direction: ClassVar[str] = "out"
    verb: ClassVar[str] = "paid"

    min_customers: int = field(
        default=5, metadata=doc("Distinct customers within the window.", minimum=2)
    )
    window: timedelta = field(default=timedelta(days=7), metadata=doc("Sliding window."))
    max_payment_pkr: Decimal = field(
        default=Decimal("0"),
        metadata=doc("Only payments up to this count (0: any amount).", unit="PKR", minimum=0),
    )
    require_shared_identifier: bool = field(
        default=True,
        metadata=doc("Only customers tied to another such customer by a shared identifier."),
    )
    link_kinds: tuple[str, ...] = field(
        default=(Kind.DEVICE, Kind.PHONE, Kind.EMAIL, Kind.ADDRESS, Kind.IBAN, Kind.ACCOUNT,
                 Kind.ID_NUMBER),
        metadata=doc("Identifiers that tie customers together.", choices=IDENTIFIER_KINDS),
    )  # fmt: skip

    def find(
        self,
        key: KeyView,
        flows: Sequence[FlowView],
        customer_keys: Mapping[str, set[int]],
        names: Mapping[str, str],
    ) -> NetworkFinding | None:
        """``customer_keys``: each customer's identifier keys (of ``link_kinds``, super-nodes
        left out), to tell a ring from strangers paying one merchant."""
        if key.kind not in COUNTERPARTY_KINDS:
            return None
        cap = self.max_payment_pkr
        wanted = [
            f for f in flows
            if f.key_id == key.id and f.direction == self.direction
            and (not cap or f.amount_pkr <= cap)
        ]  # fmt: skip
        if self.require_shared_identifier:
            tied = _tied({f.customer_id for f in wanted}, customer_keys, self.min_customers)
            wanted = [f for f in wanted if f.customer_id in tied]
        members, first, last = _windows(
            [(f.occurred_at, f.customer_id) for f in wanted], self.window, self.min_customers
        )
        if self.require_shared_identifier and members:
            members &= _tied(members, customer_keys, self.min_customers)
        if not members:
            return None
        ids = tuple(sorted(members))
        used = [f for f in wanted if f.customer_id in members and first <= f.occurred_at <= last]
        total = sum((f.amount_pkr for f in used), Decimal("0"))
        return NetworkFinding(
            typology_code=self.code,
            score=_score(len(ids), self.min_customers),
            explanation=(
                f"{len(ids)} customers {self.verb} {key.kind} {key.label} between "
                f"{first:%Y-%m-%d %H:%M} and {last:%Y-%m-%d %H:%M} UTC, {len(used)} payments, "
                f"PKR {total:,.2f} in all: {_names(ids, names)}."
            ),
            members=ids,
            dedupe_key=f"{self.code}:{key.id}",
            transaction_ids=tuple(sorted(f.transaction_id for f in used)),
            facts={
                "key": key.label, "kind": key.kind, "members": len(ids),
                "payments": len(used), "total_pkr": str(total),
            },
        )  # fmt: skip


def _tied(customers: set[str], customer_keys: Mapping[str, set[int]], minimum: int) -> set[str]:
    """Customers in a group of ``minimum`` or more tied together by shared identifiers."""
    graph = nx.Graph()
    graph.add_nodes_from(customers)
    by_key: dict[int, list[str]] = defaultdict(list)
    for c in sorted(customers):
        for k in customer_keys.get(c, ()):
            by_key[k].append(c)
    for holders in by_key.values():
        nx.add_path(graph, holders)
    return {c for part in nx.connected_components(graph) if len(part) >= minimum for c in part}


@dataclass(frozen=True)
class Collector(_ManyToOne):
    """Many customers paying the same external wallet or account within a window: the exit of
    a smurfing ring."""

    code: ClassVar[str] = "COLLECTOR"
    title: ClassVar[str] = "Many customers paying one counterparty"
    direction: ClassVar[str] = "out"
    verb: ClassVar[str] = "paid"


@dataclass(frozen=True)
class Distributor(_ManyToOne):
    """One external source paying many customers within a window."""

    code: ClassVar[str] = "DISTRIBUTOR"
    title: ClassVar[str] = "One counterparty paying many customers"
    direction: ClassVar[str] = "in"
    verb: ClassVar[str] = "were paid by"


@dataclass(frozen=True)
class Circular(NetworkTypology):
    """Value returning to where it started through other customers within a window."""

    code: ClassVar[str] = "CIRCULAR"
    title: ClassVar[str] = "Value going round in a circle"
    looks_at: ClassVar[str] = "cycles"

    window: timedelta = field(default=timedelta(days=3), metadata=doc("The whole circle within."))
    max_length: int = field(
        default=4, metadata=doc("Customers in the circle, at most.", minimum=2, maximum=8)
    )
    min_amount_pkr: Decimal = field(
        default=Decimal("0"),
        metadata=doc("Only payments of at least this much count.", unit="PKR", minimum=0),
    )

    def find_all(self, flows: Sequence[FlowView], names: Mapping[str, str]) -> list[NetworkFinding]:
        """Every circle among ``flows`` whose payments fit in one window."""
        edges: dict[tuple[str, str], list[FlowView]] = defaultdict(list)
        for f in flows:
            if f.amount_pkr < self.min_amount_pkr:
                continue
            customer = f"c:{f.customer_id}"
            other = f"c:{f.key_customer_id}" if f.key_customer_id else f"k:{f.key_id}"
            pair = (customer, other) if f.direction == "out" else (other, customer)
            edges[pair].append(f)
        graph = nx.DiGraph()
        graph.add_edges_from(sorted(edges))
        findings: dict[str, NetworkFinding] = {}
        for cycle in nx.simple_cycles(graph, length_bound=2 * self.max_length):
            customers = sorted(n[2:] for n in cycle if n.startswith("c:"))
            if len(customers) < 2 or len(customers) > self.max_length:
                continue
            hops = [edges[(cycle[i], cycle[(i + 1) % len(cycle)])] for i in range(len(cycle))]
            used = _fits_window(hops, self.window)
            if used is None:
                continue
            key = f"{self.code}:" + ",".join(customers)
            ids = tuple(customers)
            findings[key] = NetworkFinding(
                typology_code=self.code,
                score=_score(len(ids), 2),
                explanation=(
                    f"Value went round {len(ids)} customers and back within "
                    f"{self.window}: {_names(ids, names)}."
                ),
                members=ids,
                dedupe_key=key,
                transaction_ids=tuple(sorted(f.transaction_id for f in used)),
                facts={"members": len(ids), "hops": len(cycle)},
            )
        return [findings[k] for k in sorted(findings)]


def _fits_window(hops: list[list[FlowView]], window: timedelta) -> list[FlowView] | None:
    """Payments, one per hop, all within one window (the earliest such set), else None."""
    every = sorted((f.occurred_at, i, f) for i, hop in enumerate(hops) for f in hop)
    for start, _, _ in every:
        chosen: dict[int, FlowView] = {}
        for at, i, f in every:
            if start <= at <= start + window and i not in chosen:
                chosen[i] = f
        if len(chosen) == len(hops):
            return [chosen[i] for i in range(len(hops))]
    return None


NETWORK_TYPOLOGIES: dict[str, type[NetworkTypology]] = {
    cls.code: cls for cls in (SharedIdentifier, Collector, Distributor, Circular)
}


def _rule(code: str, name: str, cls: type[NetworkTypology], severity: str, **params) -> dict:
    return {
        "code": code,
        "name": name,
        "typology": cls.code,
        "severity": severity,
        "params": cls.from_params(params).to_params(),
    }


# Loaded by a data migration as active rules of kind "network"; compliance edits them in the
# admin afterwards (new versions, four-eyes activation), like the transaction rules.
NETWORK_RULE_PACK: list[dict[str, Any]] = [
    _rule(
        "PK-NET-SHARED-DEVICE",
        "4 or more customers on one device within 30 days",
        SharedIdentifier, "medium", kinds=[Kind.DEVICE], min_customers=4, window_hours=720,
    ),
    _rule(
        "PK-NET-SHARED-CONTACT",
        "3 or more customers with one mobile number, bank account or ID number within 30 days",
        SharedIdentifier, "medium",
        kinds=[Kind.PHONE, Kind.IBAN, Kind.ACCOUNT, Kind.ID_NUMBER], min_customers=3,
        window_hours=720,
    ),
    _rule(
        "PK-NET-SHARED-ADDRESS",
        "8 or more customers at one address within 30 days (more than a household)",
        SharedIdentifier, "low", kinds=[Kind.ADDRESS], min_customers=8, window_hours=720,
    ),
    _rule(
        "PK-NET-COLLECTOR",
        "5 or more linked customers paying one external wallet or account within 7 days",
        Collector, "high", min_customers=5, window_hours=168,
    ),
    _rule(
        "PK-NET-DISTRIBUTOR",
        "One external source paying 5 or more linked customers within 7 days",
        Distributor, "high", min_customers=5, window_hours=168,
    ),
    _rule(
        "PK-NET-CIRCULAR",
        "Value back to where it started through up to 4 customers within 72 hours",
        Circular, "high", window_hours=72, max_length=4,
    ),
]  # fmt: skip
