"""A transaction as the exchange sends it (API.md "Transactions"), validated in plain Python.

The bulk endpoint validates up to a thousand items per request, so this is a small hand-written
parser rather than a serializer: every item gets field messages, nothing touches the database.
Money must arrive as decimal strings; a JSON number is refused with a message, because a float
cannot carry paisa exactly.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from compliance.monitoring import conf
from core.currencies import ISO_4217
from core.errors import ValidationFailed

KINDS = ("deposit", "withdrawal", "trade_buy", "trade_sell", "transfer_in", "transfer_out", "p2p")
CHANNELS = ("bank", "cash", "card", "crypto", "internal")
FIELDS = (
    "external_id",
    "customer",
    "kind",
    "channel",
    "asset",
    "amount",
    "amount_pkr",
    "occurred_at",
    "counterparty",
    "originator",
    "beneficiary",
    "ip_address",
    "device_id",
)
REQUIRED = ("external_id", "customer", "kind", "channel", "asset", "amount", "amount_pkr")
COUNTERPARTY_FIELDS = (
    "name",
    "account_number",
    "iban",
    "bank",
    "wallet_address",
    "chain",
    "vasp_name",
    "country",
)
PARTY_FIELDS = ("name", "account_number", "wallet_address", "address", "id_number", "vasp_name")
# Column widths of the extracted fields (longer values are refused, never cut).
TEXT_LIMITS = {
    "external_id": 100,
    "customer": 100,
    "device_id": 200,
    "name": 200,
    "account_number": 64,
    "iban": 64,
    "bank": 100,
    "wallet_address": 128,
    "chain": 20,
    "vasp_name": 100,
    "id_number": 64,
    "address": 500,
}
_AMOUNT = re.compile(r"^\d{1,20}(\.\d{1,30})?$")
_AMOUNT_PKR = re.compile(r"^\d{1,18}(\.\d{1,2})?$")
_ASSET = re.compile(r"^[A-Za-z0-9]{2,20}$")
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
# Channels that move fiat money: the asset is then a currency of ISO 4217.
FIAT_CHANNELS = frozenset({"bank", "cash", "card"})
MONEY_IS_A_STRING = 'must be a decimal string such as "1500.00", not a JSON number'


@dataclass(frozen=True)
class TransactionInput:
    """A validated transaction body; ``customer_ref`` is the customer's id or external_id."""

    external_id: str
    customer_ref: str
    kind: str
    channel: str
    asset: str
    amount: Decimal
    amount_pkr: Decimal
    occurred_at: datetime
    counterparty: dict[str, str] = field(default_factory=dict)
    originator: dict[str, Any] = field(default_factory=dict)
    beneficiary: dict[str, Any] = field(default_factory=dict)
    ip_address: str | None = None
    device_id: str = ""

    # -- what the rules read, extracted from the JSON blocks ---------------------------------

    @property
    def counterparty_account(self) -> str:
        return self.counterparty.get("iban") or self.counterparty.get("account_number", "")

    @property
    def counterparty_key(self) -> str:
        """The other side's stable identity (the engine's ``TxView.counterparty_key``)."""
        key = self.counterparty_account or self.counterparty.get("wallet_address", "")
        if key:
            return key.strip()
        return " ".join(self.counterparty.get("name", "").lower().split())

    @property
    def has_originator(self) -> bool:
        return _names_a_party(self.originator)

    @property
    def has_beneficiary(self) -> bool:
        return _names_a_party(self.beneficiary)

    def request_hash(self, customer_id: str) -> str:
        """SHA-256 of the normalized body: the same transaction sent twice hashes the same,
        whether the customer was named by id or by external_id."""
        canonical = {
            "external_id": self.external_id,
            "customer": str(customer_id),
            "kind": self.kind,
            "channel": self.channel,
            "asset": self.asset,
            "amount": _canonical_decimal(self.amount),
            "amount_pkr": _canonical_decimal(self.amount_pkr),
            "occurred_at": self.occurred_at.astimezone(UTC).isoformat(),
            "counterparty": self.counterparty,
            "originator": self.originator,
            "beneficiary": self.beneficiary,
            "ip_address": self.ip_address,
            "device_id": self.device_id,
        }
        text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


def _names_a_party(block: Mapping[str, Any]) -> bool:
    """Travel rule (FATF R.16): at least a name and an account number or wallet address."""
    return bool(block.get("name")) and bool(
        block.get("account_number") or block.get("wallet_address")
    )


def _canonical_decimal(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def parse_transaction(
    body: Any, *, require_occurred_at: bool = True, now: datetime | None = None
) -> TransactionInput:
    """The validated transaction, or ``ValidationFailed`` with a message per field.

    ``/transactions/check/`` may leave out ``occurred_at`` (it means "now"): the caller passes
    ``require_occurred_at=False`` and fills it in. ``occurred_at`` must lie between the earliest
    date and a small skew past ``now`` (``conf``); older than the lateness horizon is accepted.
    """
    if not isinstance(body, Mapping):
        raise ValidationFailed({"non_field_errors": ["Expected a JSON object."]})
    errors: dict[str, list[str]] = {}

    def fail(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    for name in body:
        if name not in FIELDS:
            fail(str(name), "Unknown field.")
    required = REQUIRED + (("occurred_at",) if require_occurred_at else ())
    for name in required:
        if body.get(name) in (None, ""):
            fail(name, "This field is required.")

    def text(name: str, value: Any) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            fail(name, "Must be a string.")
            return ""
        value = value.strip()
        limit = TEXT_LIMITS.get(name.rsplit(".", 1)[-1])
        if limit and len(value) > limit:
            fail(name, f"At most {limit} characters.")
        return value

    external_id = text("external_id", body.get("external_id"))
    customer_ref = text("customer", body.get("customer"))
    kind = body.get("kind")
    if kind not in (None, "") and kind not in KINDS:
        fail("kind", f"Must be one of {', '.join(KINDS)}.")
    channel = body.get("channel")
    if channel not in (None, "") and channel not in CHANNELS:
        fail("channel", f"Must be one of {', '.join(CHANNELS)}.")
    asset = text("asset", body.get("asset"))
    if asset and not _ASSET.match(asset):
        fail("asset", "An ISO 4217 code or a crypto ticker (letters and digits), e.g. USDT.")
    elif (
        asset
        and isinstance(channel, str)
        and channel in FIAT_CHANNELS
        and asset.upper() not in ISO_4217
    ):
        fail("asset", f"Over the {channel} channel the asset is an ISO 4217 currency, e.g. PKR.")
    amount = _money(body.get("amount"), "amount", _AMOUNT, 30, fail, positive=True)
    amount_pkr = _money(body.get("amount_pkr"), "amount_pkr", _AMOUNT_PKR, 2, fail, positive=True)
    occurred_at = _moment(body.get("occurred_at"), fail)
    if occurred_at is not None:
        _within_bounds(occurred_at, now or datetime.now(UTC), fail)
    counterparty = _block(body.get("counterparty"), "counterparty", COUNTERPARTY_FIELDS, fail, text)
    country = counterparty.get("country", "")
    if country:
        if _COUNTRY.match(country):
            counterparty["country"] = country.upper()
        else:
            fail("counterparty.country", "An ISO 3166 alpha-2 country code, e.g. AE.")
    originator = _block(body.get("originator"), "originator", PARTY_FIELDS, fail, text)
    beneficiary = _block(body.get("beneficiary"), "beneficiary", PARTY_FIELDS, fail, text)
    ip_address = body.get("ip_address")
    if ip_address not in (None, "") and not isinstance(ip_address, str):
        fail("ip_address", 'An IP address as a string, e.g. "203.0.113.7".')
        ip_address = None
    elif ip_address not in (None, ""):
        try:
            ip_address = str(ipaddress.ip_address(ip_address))
        except ValueError:
            fail("ip_address", "Not a valid IPv4 or IPv6 address.")
    else:
        ip_address = None
    device_id = text("device_id", body.get("device_id"))
    if errors:
        raise ValidationFailed(errors)
    return TransactionInput(
        external_id=external_id,
        customer_ref=customer_ref,
        kind=kind,
        channel=channel,
        asset=asset.upper(),
        amount=amount,
        amount_pkr=amount_pkr,
        occurred_at=occurred_at,
        counterparty=counterparty,
        originator=originator,
        beneficiary=beneficiary,
        ip_address=ip_address,
        device_id=device_id,
    )


def _is_fiat(channel: Any) -> bool:
    return isinstance(channel, str) and channel in FIAT_CHANNELS


def _money(value, name, pattern, places, fail, *, positive=False) -> Decimal | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, str):
        fail(name, MONEY_IS_A_STRING if isinstance(value, int | float) else "Must be a string.")
        return None
    if not pattern.match(value):
        whole, _, fraction = value.partition(".")
        if whole.isdigit() and fraction.isdigit() and len(fraction) > places:
            fail(name, f"At most {places} decimal places.")
        else:
            fail(name, 'A plain decimal string with a dot, e.g. "1500.00".')
        return None
    amount = Decimal(value)
    if positive and amount <= 0:
        fail(name, "Must be greater than zero.")
        return None
    return amount


def _moment(value: Any, fail) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        fail("occurred_at", "An ISO 8601 date and time with an offset, as a string.")
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        fail(
            "occurred_at",
            "An ISO 8601 date and time with an offset, e.g. 2026-10-01T09:30:00+05:00.",
        )
        return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        fail("occurred_at", "Include the UTC offset (e.g. +05:00 or Z).")
        return None
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # year 1 or 9999 shifted past the calendar's ends
        fail("occurred_at", "Out of the range of dates accepted.")
        return None


def _within_bounds(moment: datetime, now: datetime, fail) -> None:
    skew, earliest = conf.future_skew(), conf.earliest_occurred_at()
    if moment > now + skew:
        minutes = int(skew.total_seconds() // 60)
        fail(
            "occurred_at",
            f"In the future: at most {minutes} minutes after the server's clock "
            f"({now.isoformat(timespec='seconds')}) is accepted.",
        )
    elif moment < earliest:
        fail("occurred_at", f"Before {earliest.date().isoformat()}, the earliest date accepted.")


def _block(value, name, allowed, fail, text) -> dict[str, Any]:
    if value in (None, {}):
        return {}
    if not isinstance(value, Mapping):
        fail(name, "Must be an object.")
        return {}
    out: dict[str, Any] = {}
    for key, raw in value.items():
        if key not in allowed:
            fail(f"{name}.{key}", "Unknown field.")
            continue
        if key == "address" and isinstance(raw, Mapping):
            # A structured address is kept as sent (line1, city, country ...), strings only.
            if not all(isinstance(v, str) for v in raw.values()):
                fail(f"{name}.address", "Address parts must be strings.")
                continue
            out[key] = {k: v.strip() for k, v in raw.items() if v.strip()}
            continue
        cleaned = text(f"{name}.{key}", raw)
        if cleaned:
            out[key] = cleaned
    return out
