"""Demo monitoring: a month of transactions for the approved demo customers (kyc.demo), with a
few planted patterns that raise alerts through the real pipeline (ingest, evaluation on commit).

Planted: structuring under the CTR threshold, a large cash deposit (CTR due), rapid movement,
fan-in, a transfer to a high-risk jurisdiction, a crypto transfer without travel-rule data,
activity far above the declared turnover, and (when the screening demo list names a wallet) a
transfer to a sanctioned wallet. Everything else is ordinary activity within the customer's tier.

Safe to run again: external ids are fixed and the month ends at the start of today (Asia/Karachi),
so a second run the same day is all duplicates; on a later day the stored ids answer conflicts,
and nothing is stored twice.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from compliance.monitoring import services
from compliance.monitoring.models import Alert
from core.actors import Actor
from kyc.models import Customer

ACTOR = Actor.automated("seed_demo")
DAYS = 30
BANKS = ("HBL", "UBL", "MCB", "Meezan Bank", "Allied Bank", "Bank Alfalah")
SENDERS = ("Bilal Ahmed", "Sana Iqbal", "Usman Tariq", "Ayesha Khan", "Hamza Ali", "Zainab Raza")
USDT_PKR = Decimal("280.50")


def _money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


class _Month:
    """Bodies for one customer's month, with fixed external ids."""

    def __init__(self, customer: Customer, start: datetime):
        self.customer = customer
        self.start = start
        self.rng = random.Random(customer.external_id)
        self.items: list[dict] = []

    def at(self, day: float, hour: float = 11) -> datetime:
        return self.start + timedelta(days=day, hours=hour)

    def add(self, kind: str, channel: str, pkr: Decimal, when: datetime, **extra) -> None:
        n = len(self.items) + 1
        body = {
            "external_id": f"{self.customer.external_id}-TX-{n:04d}",
            "customer": self.customer.external_id,
            "kind": kind,
            "channel": channel,
            "asset": "PKR",
            "amount": _money(pkr),
            "amount_pkr": _money(pkr),
            "occurred_at": when.isoformat(),
        }
        if channel == "crypto":
            body["asset"] = "USDT"
            body["amount"] = f"{(pkr / USDT_PKR).quantize(Decimal('0.000001'))}"
        body.update(extra)
        self.items.append(body)

    def bank_party(self, name: str | None = None) -> dict:
        return {
            "name": name or self.rng.choice(SENDERS),
            "bank": self.rng.choice(BANKS),
            "iban": f"PK{self.rng.randint(10, 99)}HABB{self.rng.randint(10**15, 10**16 - 1)}",
            "country": "PK",
        }

    def ordinary(self, tier) -> None:
        """Deposits every few days adding up to about half the declared monthly turnover (and
        well within the tier), trades, an occasional withdrawal: what a clean account does."""
        declared = self.customer.expected_monthly_turnover_pkr or Decimal("200000")
        budget = min(
            declared * Decimal(self.rng.randint(30, 60)) / 100,
            tier.monthly_limit_pkr * Decimal("0.4"),
        )
        ceiling = min(tier.per_transaction_limit_pkr, tier.daily_limit_pkr) * Decimal("0.4")
        own = self.bank_party(self.customer.display_name)
        for day in range(1, DAYS, 3):
            amount = min(budget / 10 * Decimal(self.rng.randint(60, 140)) / 100, ceiling)
            self.add("deposit", "bank", amount, self.at(day, 10), counterparty=own)
            self.add("trade_buy", "internal", amount * Decimal("0.8"), self.at(day, 12))
            if day % 9 == 1:
                self.add("trade_sell", "internal", amount * Decimal("0.5"), self.at(day + 2, 15))
                self.add(
                    "withdrawal", "bank", amount * Decimal("0.4"), self.at(day + 4, 16),
                    counterparty=own,
                )  # fmt: skip


def _structuring(m: _Month) -> None:
    for amount, hours in (("1850000", 0), ("1920000", 20), ("1970000", 45), ("1890000", 66)):
        m.add("deposit", "cash", Decimal(amount), m.at(12, 10 + hours))


def _large_cash(m: _Month) -> None:
    m.add("deposit", "cash", Decimal("2750000"), m.at(18, 13))


def _rapid_movement(m: _Month) -> None:
    m.add("deposit", "bank", Decimal("3200000"), m.at(20, 9), counterparty=m.bank_party())
    m.add(
        "transfer_out", "crypto", Decimal("3050000"), m.at(20, 15),
        counterparty={"wallet_address": "TQ5m3WpLyG1hRrYQ8xkVvE2Kc9Dzs4Nb7u", "chain": "TRON",
                      "vasp_name": "Binance", "country": "AE"},
        beneficiary={"name": "Imran Yousaf", "wallet_address": "TQ5m3WpLyG1hRrYQ8xkVvE2Kc9Dzs4Nb7u",
                     "vasp_name": "Binance"},
    )  # fmt: skip


def _fan_in(m: _Month) -> None:
    for i in range(12):
        m.add(
            "transfer_in", "crypto", Decimal(m.rng.randint(40, 90) * 1000), m.at(24, 8 + i * 3),
            counterparty={"wallet_address": f"TFanIn{i:02d}{m.rng.randint(10**20, 10**21)}",
                          "chain": "TRON", "country": "PK"},
            originator={"name": m.rng.choice(SENDERS), "wallet_address": f"TFanIn{i:02d}"},
        )  # fmt: skip


def _high_risk_country(m: _Month) -> None:
    m.add(
        "withdrawal", "bank", Decimal("850000"), m.at(15, 12),
        counterparty={"name": "Pars Kish Trading Co", "account_number": "IR8205401026800208",
                      "bank": "Bank Melli", "country": "IR"},
    )  # fmt: skip


def _travel_rule(m: _Month) -> None:
    m.add(
        "transfer_out", "crypto", Decimal("1650000"), m.at(9, 17),
        counterparty={"wallet_address": "0x5b2e8fa7d3c1b4e6a9f0d2c4b6e8a0f1c3d5e7f9",
                      "chain": "ETH", "vasp_name": "unknown"},
    )  # fmt: skip


def _above_profile(m: _Month) -> None:
    declared = m.customer.expected_monthly_turnover_pkr or Decimal("200000")
    for day in (5, 8, 11):
        m.add(
            "deposit", "bank", declared * Decimal("1.4"), m.at(day, 14), counterparty=m.bank_party()
        )


def _sanctioned(wallet: tuple[str, str]):
    chain, address = wallet

    def plant(m: _Month) -> None:
        m.add(
            "transfer_out", "crypto", Decimal("420000"), m.at(26, 19),
            counterparty={"wallet_address": address, "chain": chain or "ETH"},
            beneficiary={"name": "Unknown", "wallet_address": address},
        )  # fmt: skip

    return plant


def _listed_wallet() -> tuple[str, str] | None:
    try:
        from compliance.screening.models import EntryWallet
    except ImportError:
        return None
    row = EntryWallet.objects.order_by("pk").values_list("chain", "address").first()
    return tuple(row) if row else None


def seed(*, stdout) -> None:
    customers = list(
        Customer.objects.filter(
            external_id__startswith="DEMO-", status=Customer.Status.APPROVED, tier__isnull=False
        )
        .select_related("tier")
        .order_by("-tier__rank", "external_id")
    )
    if not customers:
        stdout.write("Monitoring demo: no approved demo customers; nothing to add.")
        return
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    start = today - timedelta(days=DAYS)
    plants = [
        _structuring,
        _large_cash,
        _rapid_movement,
        _fan_in,
        _high_risk_country,
        _travel_rule,
        _above_profile,
    ]
    wallet = _listed_wallet()
    if wallet:
        plants.append(_sanctioned(wallet))
    outcome: Counter = Counter()
    for index, customer in enumerate(customers):
        month = _Month(customer, start)
        month.ordinary(customer.tier)
        if index < len(plants):
            plants[index](month)
        month.items.sort(key=lambda body: body["occurred_at"])
        for result in services.ingest_bulk(items=month.items, actor=ACTOR):
            outcome[result.status] += 1
    alerts = Counter(Alert.objects.filter(is_shadow=False).values_list("typology", flat=True))
    stdout.write(
        f"Monitoring demo: {len(customers)} customers, transactions "
        + ", ".join(f"{k} {v}" for k, v in sorted(outcome.items()))
        + "; alerts "
        + (", ".join(f"{k} {v}" for k, v in sorted(alerts.items())) or "none")
        + "."
    )
