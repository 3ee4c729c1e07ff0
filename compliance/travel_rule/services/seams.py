"""Where services hand work to the task queue without importing tasks (the tasks module
registers itself when the app loads). Unregistered, nothing is sent and the beat sweeper
picks the work up."""

from __future__ import annotations

from collections.abc import Callable

_send_transfer: Callable[[str], None] | None = None


def register_sender(send: Callable[[str], None]) -> None:
    global _send_transfer
    _send_transfer = send


def send_transfer_soon(transfer_id: str) -> None:
    if _send_transfer is not None:
        _send_transfer(transfer_id)
