"""Reads of the customer network: neighbourhoods for people and the API, and the pieces of
graph the typologies need. Batched frontier expansion: two queries per hop whatever the size
of the frontier, super-nodes shown but never expanded, a node budget that truncates instead of
hanging on a giant component."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q

from compliance.network import conf
from compliance.network.identifiers import Kind
from compliance.network.models import Link, LinkKey, MoneyFlow, RingMember
from compliance.network.typologies import FlowView, Holder, KeyView
from kyc.models import Customer

REASON_LABELS = dict(Link.Reason.choices)
LINK_COLUMNS = (
    "customer_id", "key_id", "reason", "first_seen",
    "key__kind", "key__label", "key__holders", "key__customer_id",
)  # fmt: skip


@dataclass(frozen=True)
class Node:
    id: str  # a customer's UUID, or "<kind>:<key id>"
    kind: str
    label: str
    hop: int
    super_node: bool = False
    holders: int = 0
    customer_id: str | None = None


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    reason: str
    since: datetime
    code: str


@dataclass
class Neighbourhood:
    center: str
    hops: int
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    truncated: bool = False

    @property
    def customer_count(self) -> int:
        return sum(1 for n in self.nodes.values() if n.kind == Kind.CUSTOMER)


@dataclass
class Touched:
    """What an update changed: the typologies look again at these keys and customers."""

    key_ids: set[int] = field(default_factory=set)
    customer_ids: set[str] = field(default_factory=set)
    flow_key_ids: set[int] = field(default_factory=set)
    flow_times: list[datetime] = field(default_factory=list)
    # Customers whose identifier links changed: what ties them to other payers changed, so the
    # counterparties they paid are looked at again.
    tied_customer_ids: set[str] = field(default_factory=set)


def _key_node_id(kind: str, pk: int) -> str:
    return f"{kind}:{pk}"


def neighbourhood(
    customer_id: str, *, hops: int | None = None, max_nodes: int | None = None
) -> Neighbourhood:
    """The customers reachable from ``customer_id`` through up to ``hops`` shared keys (and
    money flows between customers), with the keys linking them."""
    hops = conf.default_hops() if hops is None else hops
    budget = max_nodes or conf.max_nodes()
    cap = conf.super_node_holders()
    center = str(customer_id)
    result = Neighbourhood(center=center, hops=hops)
    customers_hop: dict[str, int] = {center: 0}
    seen_keys: set[int] = set()
    seen_edges: set[tuple[str, str, str]] = set()
    frontier = {center}
    for hop in range(1, hops + 1):
        if not frontier:
            break
        links = list(
            Link.objects.filter(customer_id__any=frontier, ended_at__isnull=True)
            .exclude(key_id__any=seen_keys)
            .values_list(*LINK_COLUMNS)
            .order_by("key__holders", "key_id", "customer_id")[:budget]
        )  # fmt: skip
        all_links = list(links)
        seen_keys |= {row[1] for row in links}
        # Super-nodes are drawn, never expanded.
        expand = {row[1] for row in links if row[6] < cap}
        if expand:
            all_links += list(
                Link.objects.filter(key_id__any=expand, ended_at__isnull=True)
                .exclude(customer_id__any=frontier)
                .values_list(*LINK_COLUMNS)
                .order_by("key__holders", "key_id", "customer_id")[:budget]
            )  # fmt: skip
        # Payments other customers made to these ones (keys standing for a frontier customer).
        all_links += list(
            Link.objects.filter(key__customer_id__any=frontier, ended_at__isnull=True)
            .values_list(*LINK_COLUMNS)
            .order_by("key__holders", "key_id", "customer_id")[:budget]
        )
        next_frontier: set[str] = set()
        # Small (telling) keys first: a budget spent on a merchant's payers says little.
        all_links.sort(key=lambda row: (row[6], row[1], str(row[0])))
        for cid, kid, reason, since, kind, label, holders, key_customer in all_links:
            cid = str(cid)
            if _key_node_id(kind, kid) not in result.nodes:
                if len(result.nodes) + len(customers_hop) >= budget:
                    result.truncated = True
                    continue
                _add_key(result, kid, kind, label, holders, cap, key_customer, hop)
            if cid not in customers_hop:
                if len(result.nodes) + len(customers_hop) >= budget:
                    result.truncated = True
                    continue
                customers_hop[cid] = hop
                next_frontier.add(cid)
            if key_customer is not None:
                other = str(key_customer)
                if other not in customers_hop and len(result.nodes) + len(customers_hop) < budget:
                    customers_hop[other] = hop
                    next_frontier.add(other)
            node_id = _key_node_id(kind, kid)
            if (cid, node_id, reason) not in seen_edges:
                seen_edges.add((cid, node_id, reason))
                result.edges.append(
                    Edge(cid, node_id, REASON_LABELS.get(reason, reason), since, reason)
                )
        frontier = next_frontier
    _add_customers(result, customers_hop)
    result.edges = [e for e in result.edges if e.target in result.nodes]
    _fold_customer_keys(result)
    return result


def _add_key(result, kid, kind, label, holders, cap, key_customer, hop) -> None:
    node_id = _key_node_id(kind, kid)
    if node_id in result.nodes:
        return
    result.nodes[node_id] = Node(
        id=node_id,
        kind=kind,
        label=label if kind != Kind.CUSTOMER else "",
        hop=hop,
        super_node=holders >= cap,
        holders=holders,
        customer_id=str(key_customer) if key_customer else None,
    )


def _add_customers(result: Neighbourhood, hops: dict[str, int]) -> None:
    rows = Customer.objects.filter(pk__in=list(hops)).values_list(
        "id", "external_id", "full_name", "legal_name"
    )
    for pk, external_id, full_name, legal_name in rows:
        cid = str(pk)
        name = legal_name or full_name or external_id
        result.nodes[cid] = Node(
            id=cid, kind=Kind.CUSTOMER, label=f"{name} ({external_id})", hop=hops[cid],
            customer_id=cid,
        )  # fmt: skip


def _fold_customer_keys(result: Neighbourhood) -> None:
    """A payment to another customer is an edge to that customer, not to a key node."""
    folded = {
        node_id: node.customer_id
        for node_id, node in result.nodes.items()
        if node.kind == Kind.CUSTOMER and node_id != node.customer_id
    }
    for node_id in folded:
        del result.nodes[node_id]
    edges = []
    for e in result.edges:
        target = folded.get(e.target, e.target)
        if target in result.nodes and target != e.source:
            edges.append(Edge(e.source, target, e.reason, e.since, e.code))
    result.edges = edges


# -- for the typologies ---------------------------------------------------------------------


def key_views(key_ids: Iterable[int]) -> list[KeyView]:
    """The keys with their current holders; super-nodes are left out (never evaluated)."""
    cap = conf.super_node_holders()
    keys = {
        pk: (kind, label)
        for pk, kind, label in LinkKey.objects.filter(
            pk__any=list(key_ids), holders__lt=cap
        ).values_list("id", "kind", "label")
    }
    holders: dict[int, dict[str, datetime]] = defaultdict(dict)
    for kid, cid, since in Link.objects.filter(
        key_id__any=list(keys), ended_at__isnull=True
    ).values_list("key_id", "customer_id", "first_seen"):
        known = holders[kid].get(str(cid))
        holders[kid][str(cid)] = since if known is None else min(known, since)
    return [
        KeyView(pk, kind, label, tuple(Holder(c, s) for c, s in sorted(holders[pk].items())))
        for pk, (kind, label) in sorted(keys.items())
    ]


def flows_on_keys(
    key_ids: Iterable[int], start: datetime, end: datetime, *, min_holders: int = 1
) -> list[FlowView]:
    """Payments to and from the keys within ``[start, end]``, for keys held by at least
    ``min_holders`` customers (and fewer than a super-node's)."""
    cap = conf.super_node_holders()
    return _flows(
        MoneyFlow.objects.filter(
            key_id__any=list(key_ids),
            key__holders__lt=cap,
            key__holders__gte=min_holders,
            occurred_at__gte=start,
            occurred_at__lte=end,
        )
    )


def flow_keys_of(customer_ids: Iterable[str]) -> list[tuple[int, datetime]]:
    """``(key, when)`` of every payment the customers made or received (not to super-nodes)."""
    cap = conf.super_node_holders()
    return list(
        MoneyFlow.objects.filter(customer_id__any=list(customer_ids), key__holders__lt=cap)
        .values_list("key_id", "occurred_at")
        .order_by("occurred_at")
    )


def _flows(queryset) -> list[FlowView]:
    rows = queryset.values_list(
        "transaction_id", "customer_id", "key_id", "direction", "occurred_at", "amount_pkr",
        "key__customer_id",
    ).order_by("occurred_at", "transaction_id")  # fmt: skip
    return [
        FlowView(str(t), str(c), k, d, at, amount, str(kc) if kc else None)
        for t, c, k, d, at, amount, kc in rows
    ]


def identifier_keys(customer_ids: Iterable[str], kinds: Iterable[str]) -> dict[str, dict[int, str]]:
    """Each customer's current identifier keys of ``kinds``, id to kind (super-nodes left out)."""
    cap = conf.super_node_holders()
    out: dict[str, dict[int, str]] = defaultdict(dict)
    for cid, kid, kind in Link.objects.filter(
        customer_id__any=list(customer_ids), ended_at__isnull=True, key__kind__in=list(kinds),
        key__holders__lt=cap,
    ).values_list("customer_id", "key_id", "key__kind"):  # fmt: skip
        out[str(cid)][kid] = kind
    return out


def flows_around(
    customer_ids: Iterable[str], start: datetime, end: datetime, *, depth: int, limit: int = 5000
) -> list[FlowView]:
    """Money flows within ``[start, end]`` reachable from the customers through up to
    ``depth`` customers (through external keys and customer-to-customer payments)."""
    cap = conf.super_node_holders()
    # A circle through an external key needs two customers on it; a payment straight to
    # another customer is an edge whatever the key's holders.
    window = MoneyFlow.objects.filter(
        Q(key__holders__gte=2) | Q(key__kind=Kind.CUSTOMER),
        occurred_at__gte=start,
        occurred_at__lte=end,
        key__holders__lt=cap,
    )
    flows: dict[str, FlowView] = {}
    customers, seen_customers, seen_keys = set(customer_ids), set(), set()
    for _ in range(depth):
        fresh = customers - seen_customers
        if not fresh or len(flows) >= limit:
            break
        seen_customers |= fresh
        got = _flows(window.filter(customer_id__any=list(fresh)))
        keys = {f.key_id for f in got if not f.key_customer_id} - seen_keys
        seen_keys |= keys
        # Value passes through an external key only if it both received and paid within the
        # window: a merchant's wallet that only receives is a dead end, however many pay it.
        passing = (
            set(
                window.filter(key_id__any=list(keys))
                .values("key_id")
                .annotate(directions=Count("direction", distinct=True))
                .filter(directions=2)
                .values_list("key_id", flat=True)
            )
            if keys
            else set()
        )
        got += _flows(window.filter(key_id__any=list(passing))) if passing else []
        for f in got:
            flows.setdefault(f.transaction_id, f)
        customers = {f.customer_id for f in flows.values()} | {
            f.key_customer_id for f in flows.values() if f.key_customer_id
        }
    return list(flows.values())[:limit]


def customer_names(customer_ids: Iterable[str]) -> dict[str, str]:
    return {
        str(pk): external_id
        for pk, external_id in Customer.objects.filter(pk__in=list(customer_ids)).values_list(
            "id", "external_id"
        )
    }


def ring_members(alert_ids: Iterable) -> list[tuple[str, str]]:
    """``(customer id, "name (external id)")`` of every ring member the alerts name."""
    rows = (
        RingMember.objects.filter(alert_id__any=list(alert_ids))
        .values_list("customer_id", "customer__external_id", "customer__full_name",
                     "customer__legal_name")
        .order_by("customer__external_id")
        .distinct()
    )  # fmt: skip
    return [(str(pk), f"{legal or full or ext} ({ext})") for pk, ext, full, legal in rows]


def ring_alerts_of(customer_id: str) -> list[dict]:
    """Network alerts naming the customer (as a ring member), newest first."""
    rows = (
        RingMember.objects.filter(customer_id=customer_id, alert__is_shadow=False)
        .select_related("alert")
        .order_by("-alert__created_at")[:20]
    )
    return [
        {
            "alert": m.alert,
            "members": (m.alert.facts or {}).get(
                "members", len((m.alert.facts or {}).get("member_ids", []))
            ),
        }
        for m in rows
    ]


def touched_between(start: datetime, end: datetime):
    """Everything the graph recorded for ``[start, end]``, as an update would have touched it
    (for backtests): identifier keys linked then, payments made then and their customers."""
    flows = list(
        MoneyFlow.objects.filter(occurred_at__range=(start, end)).values_list(
            "key_id", "customer_id", "occurred_at"
        )
    )
    keys = set(
        Link.objects.filter(first_seen__range=(start, end))
        .exclude(key__kind__in=list(Kind.COUNTERPARTIES))
        .values_list("key_id", flat=True)
    )
    return Touched(
        key_ids=keys,
        customer_ids={str(c) for _, c, _ in flows},
        flow_key_ids={k for k, _, _ in flows},
        flow_times=sorted(at for _, _, at in flows),
    )
