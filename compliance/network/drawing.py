"""The network drawn as server-rendered SVG: no script, no external library, fast.

Radial layout: the customer at the centre, then rings by distance (keys at odd distances,
customers at even ones), each node placed near the node that brought it in, so a ring's members
sit together around the identifier they share. Edges carry why they exist and since when;
customer nodes link to that customer's 360 page. Beyond ``NETWORK_DRAWN_NODES`` nodes the
farthest are not drawn but summarized by kind, so a giant component never hangs the page.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

import networkx as nx
from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from compliance.network import conf, selectors
from compliance.network.identifiers import Kind
from compliance.network.selectors import Neighbourhood, Node

COLOURS = {
    Kind.CUSTOMER: "#417690",
    Kind.DEVICE: "#c0392b",
    Kind.IP: "#e67e22",
    Kind.PHONE: "#8e44ad",
    Kind.EMAIL: "#16a085",
    Kind.ADDRESS: "#7f8c8d",
    Kind.IBAN: "#2c3e50",
    Kind.ACCOUNT: "#2c3e50",
    Kind.WALLET: "#d35400",
    Kind.ID_NUMBER: "#b03a2e",
}
KIND_NAMES = dict(Kind.CHOICES)
RING = 120  # pixels between rings
LABEL_EDGES_UP_TO = 40  # above this, edge labels are tooltips only (the drawing stays legible)


def layout(found: Neighbourhood, limit: int) -> tuple[dict[str, tuple[float, float]], list[Node]]:
    """Positions of the drawn nodes (at most ``limit``), and the nodes left out."""
    graph = nx.Graph()
    graph.add_nodes_from(found.nodes)
    graph.add_edges_from((e.source, e.target) for e in found.edges)
    if found.center not in graph:
        return {}, list(found.nodes.values())
    distance = nx.single_source_shortest_path_length(graph, found.center)
    order = sorted(found.nodes, key=lambda n: (distance.get(n, 99), n))
    drawn, left_out = order[:limit], [found.nodes[n] for n in order[limit:]]
    kept = set(drawn)
    angle: dict[str, float] = {found.center: 0.0}
    positions: dict[str, tuple[float, float]] = {found.center: (0.0, 0.0)}
    layers: dict[int, list[str]] = {}
    for node in drawn:
        if node != found.center:
            layers.setdefault(distance.get(node, max(distance.values()) + 1), []).append(node)
    for depth in sorted(layers):
        members = layers[depth]

        def parent_angle(node: str) -> float:
            parents = [angle[p] for p in graph.neighbors(node) if p in angle and p in kept]
            return min(parents) if parents else 0.0

        members.sort(key=lambda n: (parent_angle(n), n))
        radius = RING * depth
        for i, node in enumerate(members):
            theta = 2 * math.pi * i / len(members) + (depth % 2) * 0.3
            angle[node] = theta
            positions[node] = (radius * math.cos(theta), radius * math.sin(theta))
    return positions, left_out


def render(
    found: Neighbourhood, customer_url: Callable[[str], str], limit: int | None = None
) -> SafeString:
    """The SVG (with a summary line when nodes were left out or the query was truncated)."""
    limit = limit or conf.drawn_nodes()
    positions, left_out = layout(found, limit)
    if not positions:
        return format_html('<p class="quiet">No links to other customers.</p>')
    xs = [x for x, _ in positions.values()]
    ys = [y for _, y in positions.values()]
    pad = 90
    min_x, min_y = min(xs) - pad, min(ys) - pad
    width, height = max(xs) - min_x + pad, max(ys) - min_y + pad
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="network" role="img" '
        f'viewBox="{min_x:.0f} {min_y:.0f} {width:.0f} {height:.0f}" '
        f'width="100%" style="max-height:720px;font:11px sans-serif">',
        f"<title>Network of {escape(found.nodes[found.center].label)}</title>",
    ]
    edges = [e for e in found.edges if e.source in positions and e.target in positions]
    for e in edges:
        (x1, y1), (x2, y2) = positions[e.source], positions[e.target]
        why = f"{e.reason} since {e.since:%d %b %Y}"
        parts.append(
            f'<g class="edge"><line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="#999" stroke-width="1.2"><title>{escape(why)}</title></line>'
        )
        if len(edges) <= LABEL_EDGES_UP_TO:
            parts.append(
                f'<text x="{(x1 + x2) / 2:.1f}" y="{(y1 + y2) / 2:.1f}" fill="#555" '
                f'font-size="9" text-anchor="middle">{escape(why)}</text>'
            )
        parts.append("</g>")
    for node_id, (x, y) in sorted(positions.items()):
        parts.append(_node(found.nodes[node_id], x, y, node_id == found.center, customer_url))
    parts.append("</svg>")
    summary = _summary(found, left_out)
    return mark_safe("".join(parts) + summary)


def _node(node: Node, x: float, y: float, center: bool, customer_url) -> str:
    colour = COLOURS.get(node.kind, "#555")
    label = escape(node.label)
    if node.kind == Kind.CUSTOMER:
        shape = (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{14 if center else 10}" fill="{colour}" '
            f'stroke="{"#000" if center else "#fff"}" stroke-width="2"/>'
        )
        text = f'<text x="{x:.1f}" y="{y + 24:.1f}" text-anchor="middle">{label}</text>'
        href = escape(customer_url(node.id))
        return f'<a href="{href}" class="node customer"><title>{label}</title>{shape}{text}</a>'
    kind = escape(KIND_NAMES.get(node.kind, node.kind))
    note = f"{kind}: {label}; {node.holders} customers"
    if node.super_node:
        note += " (shared too widely: not followed)"
    stroke = ' stroke="#000" stroke-width="3" stroke-dasharray="3 2"' if node.super_node else ""
    return (
        f'<g class="node key {escape(node.kind)}"><title>{note}</title>'
        f'<rect x="{x - 8:.1f}" y="{y - 8:.1f}" width="16" height="16" rx="3" '
        f'fill="{colour}"{stroke}/>'
        f'<text x="{x:.1f}" y="{y + 20:.1f}" text-anchor="middle" fill="#333">'
        f"{kind} {label}</text></g>"
    )


def _summary(found: Neighbourhood, left_out: list[Node]) -> str:
    notes = []
    if left_out:
        counts = Counter(KIND_NAMES.get(n.kind, n.kind) for n in left_out)
        listed = ", ".join(f"{n} {kind.lower()}" for kind, n in sorted(counts.items()))
        notes.append(f"{len(left_out)} more nodes not drawn ({listed}).")
    if found.truncated:
        notes.append("The neighbourhood is larger than the query budget; it was cut.")
    supers = [n for n in found.nodes.values() if n.super_node]
    if supers:
        notes.append(
            f"{len(supers)} identifier(s) shared by {conf.super_node_holders():,} customers or "
            "more are shown but not followed."
        )
    if not notes:
        return ""
    return '<p class="quiet network-summary">' + escape(" ".join(notes)) + "</p>"


def _customer_360(customer_id: str) -> str:
    return reverse("workspace:customer-360", args=[customer_id])


def customer_panel(customer_id: str, hops: int | None = None) -> dict:
    """What the customer 360 page shows: the drawing and the ring alerts naming the customer."""
    hops = min(max(hops or conf.default_hops(), 1), conf.max_hops())
    found = selectors.neighbourhood(customer_id, hops=hops)
    return {
        "network_svg": render(found, _customer_360),
        "network_hops": hops,
        "network_hop_choices": list(range(1, conf.max_hops() + 1)),
        "network_customers": found.customer_count - 1,
        "ring_alerts": selectors.ring_alerts_of(customer_id),
    }


def case_panel(customer_id: str, alert_ids: list) -> SafeString:
    """A case's network: its customer's neighbourhood, and every ring member its alerts name."""
    found = selectors.neighbourhood(customer_id, hops=conf.default_hops())
    members = selectors.ring_members(alert_ids)
    drawing = render(found, _customer_360)
    if not members:
        return drawing
    items = format_html_join(
        ", ", '<a href="{}">{}</a>', ((_customer_360(pk), name) for pk, name in members)
    )
    return format_html(
        "{}<p>Ring members named by this case's alerts ({}): {}</p>", drawing, len(members), items
    )
