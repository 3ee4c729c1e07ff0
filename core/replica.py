"""Reads that may come from a read replica (``DATABASE_REPLICA_URL``): dashboards, statistics,
exports. Everything else reads from the primary, so a decision never sees stale data.

``@reads_from_replica`` marks a read-only function; inside it (and only there) the router sends
reads to the ``replica`` alias when one is configured. Writes always go to the primary.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import connections

REPLICA = "replica"
_state = threading.local()
F = TypeVar("F", bound=Callable[..., Any])


def reads_from_replica(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        depth = getattr(_state, "depth", 0)
        _state.depth = depth + 1
        try:
            return func(*args, **kwargs)
        finally:
            _state.depth = depth

    return wrapper  # type: ignore[return-value]


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if getattr(_state, "depth", 0) and REPLICA in connections.databases:
            return REPLICA
        return None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db == "default"
