"""The seam through which monitoring's services hand work to the queue.

Services never import the task module (it imports them: tasks are thin doors onto services).
``compliance.monitoring.tasks`` registers a sender per kind of work when it is imported, which
the app config does at start-up; a service calls ``send``. Until a sender is registered (a bare
script that never loaded the apps), ``send`` raises ``LookupError``, which the callers treat as
a broker failure: the work stays in the database and the sweeper enqueues it later.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

EVALUATE_BATCH = "evaluate_batch"
RUN_BACKTEST = "run_backtest"

_senders: dict[str, Callable[..., Any]] = {}


def register(kind: str, sender: Callable[..., Any]) -> None:
    """``sender(*args, **options)`` enqueues one unit of ``kind`` (the task module's job)."""
    _senders[kind] = sender


def send(kind: str, *args: Any, **options: Any) -> None:
    """Enqueue one unit of work; raises what the broker raises, or ``LookupError``."""
    try:
        sender = _senders[kind]
    except KeyError:
        raise LookupError(f"no sender registered for {kind!r}") from None
    sender(*args, **options)
