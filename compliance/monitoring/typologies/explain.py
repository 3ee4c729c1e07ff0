"""Words and numbers for explanations: "4 cash deposits of PKR 1.85M–1.98M in 26 h".

Amounts are cut (never rounded up) to two decimals of their unit, so PKR 1,999,999 reads
"PKR 1.99M" and an explanation never shows an amount at a threshold it is under. Exact figures
go in the finding's facts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta
from decimal import ROUND_DOWN, Decimal

from .base import TxView

_UNITS = (
    (Decimal("1000000000"), "B", Decimal("0.01")),
    (Decimal("1000000"), "M", Decimal("0.01")),
    (Decimal("1000"), "K", Decimal("1")),
)


def _short(amount: Decimal) -> str:
    for size, suffix, step in _UNITS:
        if abs(amount) >= size:
            value = (amount / size).quantize(step, rounding=ROUND_DOWN)
            return f"{_plain(value)}{suffix}"
    return _plain(amount.quantize(Decimal("1"), rounding=ROUND_DOWN))


def _plain(value: Decimal) -> str:
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def pkr(amount: Decimal) -> str:
    """``PKR 1.85M``, ``PKR 850K`` (thousands whole), ``PKR 950``."""
    return f"PKR {_short(amount)}"


def pkr_range(amounts: Iterable[Decimal]) -> str:
    values = list(amounts)
    low, high = min(values), max(values)
    if _short(low) == _short(high):
        return pkr(low)
    return f"PKR {_short(low)}–{_short(high)}"


def duration(span: timedelta) -> str:
    """``45 min``, ``26 h``, ``5 days``."""
    minutes = int(span.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours = round(span.total_seconds() / 3600)
    if hours < 72:
        return f"{hours} h"
    days = round(span.total_seconds() / 86400)
    return f"{days} days"


def hours_text(span: timedelta) -> str:
    """A window as configured: ``24 h``, ``7 days``."""
    hours = span.total_seconds() / 3600
    if hours >= 48 and hours % 24 == 0:
        return f"{int(hours // 24)} days"
    return f"{hours:g} h"


def percent(ratio: Decimal) -> str:
    return f"{_plain((ratio * 100).quantize(Decimal('1'), rounding=ROUND_DOWN))} %"


_NOUNS = {
    "deposit": ("deposit", "deposits"),
    "withdrawal": ("withdrawal", "withdrawals"),
    "transfer_in": ("transfer in", "transfers in"),
    "transfer_out": ("transfer out", "transfers out"),
    "trade_buy": ("buy", "buys"),
    "trade_sell": ("sell", "sells"),
    "p2p": ("p2p trade", "p2p trades"),
}


def noun(kind: str, n: int = 1) -> str:
    singular, plural = _NOUNS.get(kind, ("transaction", "transactions"))
    return singular if n == 1 else plural


def count_of(txs: Sequence[TxView], adjective: str = "") -> str:
    """``4 cash deposits``, ``1 transfer out``; mixed kinds are ``3 incoming transactions``,
    ``5 outgoing transactions`` or ``6 transactions``."""
    kinds = {t.kind for t in txs}
    if len(kinds) == 1:
        word = noun(next(iter(kinds)), len(txs))
    else:
        word = noun("", len(txs))
        directions = {t.direction for t in txs}
        if directions == {"in"} or directions == {"out"}:
            word = ("incoming " if directions == {"in"} else "outgoing ") + word
    return f"{len(txs)} {adjective + ' ' if adjective else ''}{word}"


def span_of(txs: Sequence[TxView]) -> timedelta:
    return txs[-1].occurred_at - txs[0].occurred_at


def total(txs: Iterable[TxView]) -> Decimal:
    return sum((t.amount_pkr for t in txs), Decimal(0))


def money_facts(txs: Sequence[TxView]) -> dict[str, str]:
    return {
        "total_pkr": str(total(txs)),
        "first_at": txs[0].occurred_at.isoformat(),
        "last_at": txs[-1].occurred_at.isoformat(),
    }
