"""Travel-rule data that does not fit the transfer it came with (FATF R.16, INR.16 para 7(b)).

The data arrives over the travel-rule protocol, not with the transaction, so this rule does not
run on transaction intake (``evaluate`` finds nothing there): the travel-rule app calls
``compare`` when it receives a message, with the live version of each TRAVEL_RULE_MISMATCH rule,
so its parameters are versioned, four-eyes activated and shadowable like every other rule.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from rapidfuzz import fuzz

from . import explain
from .base import EvaluationContext, Finding, TxView, Typology, doc


@dataclass(frozen=True)
class ReceivedTravelData:
    """What a counterparty sent about a transfer to our customer, beside what we hold."""

    transfer_id: str
    customer_id: str
    received_names: tuple[str, ...]  # the beneficiary's names in the IVMS101 data
    customer_names: tuple[str, ...]  # our customer's legal names (and aliases)
    received_wallet: str = ""
    customer_wallet: str = ""  # the deposit address the transaction credited, when matched
    received_amount: Decimal | None = None
    transaction_amount: Decimal | None = None
    transaction_id: str = ""
    amount_pkr: Decimal = Decimal(0)


def _fold(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())


def name_similarity(a: str, b: str) -> float:
    """0..1, word order ignored ("Khan Ayesha" is "Ayesha Khan")."""
    return fuzz.token_sort_ratio(_fold(a), _fold(b)) / 100


@dataclass(frozen=True)
class TravelRuleMismatch(Typology):
    """The beneficiary named in received travel-rule data is not our customer, or the wallet or
    amount differ from the transaction it was matched to."""

    code = "TRAVEL_RULE_MISMATCH"
    title = "Travel-rule data does not match"

    name_threshold: Decimal = field(
        default=Decimal("0.85"),
        metadata=doc(
            "Names this similar (0-1, word order ignored) count as the same person.",
            minimum=Decimal(0),
            maximum=Decimal(1),
        ),
    )
    amount_tolerance: Decimal = field(
        default=Decimal("0.01"),
        metadata=doc(
            "Relative difference between the amounts sent and received that is still a match "
            "(network fees).",
            minimum=Decimal(0),
            maximum=Decimal(1),
        ),
    )
    check_wallet: bool = field(
        default=True, metadata=doc("Also compare the beneficiary wallet with the credited one.")
    )

    def evaluate(self, tx: TxView, ctx: EvaluationContext) -> Finding | None:
        return None  # travel-rule data is compared when it arrives: see ``compare``

    def compare(self, data: ReceivedTravelData) -> Finding | None:
        reasons: list[str] = []
        facts: dict[str, object] = {"transfer": data.transfer_id}
        best = max(
            (name_similarity(r, c) for r in data.received_names for c in data.customer_names),
            default=0.0,
        )
        facts["name_similarity"] = f"{best:.2f}"
        if best < float(self.name_threshold):
            received = ", ".join(data.received_names) or "no name"
            expected = ", ".join(data.customer_names) or "no name on file"
            reasons.append(
                f"beneficiary named {received!r}, our customer is {expected!r} "
                f"(similarity {best:.2f}, below {self.name_threshold})"
            )
        if (
            self.check_wallet
            and data.received_wallet
            and data.customer_wallet
            and data.received_wallet.strip().lower() != data.customer_wallet.strip().lower()
        ):
            reasons.append(
                f"wallet {data.received_wallet} in the data, {data.customer_wallet} credited"
            )
            facts["wallet"] = data.received_wallet
        if data.received_amount is not None and data.transaction_amount:
            gap = abs(data.received_amount - data.transaction_amount) / data.transaction_amount
            if gap > self.amount_tolerance:
                reasons.append(
                    f"amount {data.received_amount} announced, {data.transaction_amount} received"
                )
                facts["amount_gap"] = f"{gap:.4f}"
        if not reasons:
            return None
        return Finding(
            typology_code=self.code,
            score=0.9 if best < 0.5 else 0.7,
            explanation="Travel-rule data does not match the transfer: " + "; ".join(reasons),
            transaction_ids=(data.transaction_id,) if data.transaction_id else (),
            dedupe_key=f"{self.code}:{data.customer_id}:{data.transfer_id}",
            facts={**facts, "amount_pkr": explain.pkr(Decimal(data.amount_pkr))},
        )
