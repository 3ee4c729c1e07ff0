"""What every counterparty protocol adapter offers, in plain data (no Django models).

An adapter sends an ``Inquiry`` (the IVMS101 data for one transfer) and returns an ``Outcome``:
approved (with the address to pay and where to confirm), rejected (with the counterparty's
reason), pending (it will answer on our callback) or failed (transport or protocol error,
``retryable`` when trying again may help). Every message it exchanged is in ``exchanges`` so
the caller stores it as evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

APPROVED, REJECTED, PENDING, FAILED = "approved", "rejected", "pending", "failed"


@dataclass(frozen=True)
class Counterparty:
    code: str
    name: str
    protocol: str
    endpoint: str = ""
    public_key: str = ""


@dataclass(frozen=True)
class Inquiry:
    request_identifier: str
    url: str  # the travel address's URL (TRP) or the sandbox's name
    asset: str
    amount: Decimal
    callback: str
    ivms101: dict[str, Any]
    beneficiary_wallet: str = ""
    extensions: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Exchange:
    """One message on the wire (or its sandbox equivalent), as kept for evidence."""

    kind: str  # inquiry | resolution | confirmation
    direction: str  # sent | received
    url: str
    body: bytes
    http_status: int | None = None
    signature: str = ""
    signature_valid: bool | None = None
    error: str = ""
    duration_ms: int = 0


@dataclass(frozen=True)
class Outcome:
    status: str
    reason: str = ""
    address: str = ""  # where the counterparty wants the asset sent
    confirm_url: str = ""  # where to send the txid afterwards
    retryable: bool = False
    exchanges: tuple[Exchange, ...] = ()


class CounterpartyAdapter(Protocol):
    protocol: str
    version: str

    def send_inquiry(self, counterparty: Counterparty, inquiry: Inquiry) -> Outcome: ...

    def send_confirmation(
        self, counterparty: Counterparty, url: str, request_identifier: str, body: dict[str, Any]
    ) -> Outcome: ...
