"""Operational knobs of the network (compliance thresholds are rule parameters, versioned).

Read from Django settings when defined there, else the environment, else the default.
"""

from __future__ import annotations

import os

from django.conf import settings


def _int(name: str, default: int) -> int:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return int(value)


def super_node_holders() -> int:
    """A key held by this many customers or more is recorded but never expanded (a carrier NAT
    IP, an exchange hot wallet): it would make every customer everyone's neighbour."""
    return _int("NETWORK_SUPER_NODE_HOLDERS", 1000)


def default_hops() -> int:
    return _int("NETWORK_DEFAULT_HOPS", 2)


def max_hops() -> int:
    return _int("NETWORK_MAX_HOPS", 4)


def max_nodes() -> int:
    """A neighbourhood stops growing at this many nodes and says it was truncated."""
    return _int("NETWORK_MAX_NODES", 250)


def drawn_nodes() -> int:
    """The drawing shows at most this many nodes; the rest is summarized by kind."""
    return _int("NETWORK_DRAWN_NODES", 80)
