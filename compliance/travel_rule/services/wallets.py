"""Unhosted wallets: the customer's ownership declaration and its proof of control."""

from __future__ import annotations

from dataclasses import dataclass

from compliance.travel_rule.models import OwnershipDeclaration, Transfer
from compliance.travel_rule.wallet_proofs import ProofError, verify_control
from core import audit
from core.actors import Actor
from core.errors import ValidationFailed
from kyc.models import Customer


@dataclass(frozen=True)
class Ownership:
    is_own_wallet: bool = True
    owner_name: str = ""
    proof_message: str = ""
    proof_signature: str = ""


def declare_wallet(
    *,
    customer: Customer,
    chain: str,
    address: str,
    ownership: Ownership,
    actor: Actor,
    transfer: Transfer | None = None,
) -> OwnershipDeclaration:
    """Record the declaration; a proof, if given, must verify (else 400 on ``ownership.proof``)."""
    if not ownership.is_own_wallet and not ownership.owner_name.strip():
        raise ValidationFailed({"ownership.owner_name": ["Name the wallet's owner."]})
    method, verified = "", False
    if ownership.proof_signature:
        try:
            method = verify_control(
                chain=chain,
                address=address,
                message=ownership.proof_message,
                signature=ownership.proof_signature,
            )
        except ProofError as exc:
            raise ValidationFailed({"ownership.proof": [str(exc)]}) from None
        verified = True
    declaration = OwnershipDeclaration.objects.create(
        customer=customer,
        transfer=transfer,
        chain=chain,
        address=address,
        is_own_wallet=ownership.is_own_wallet,
        owner_name=ownership.owner_name.strip()[:200],
        proof_method=method,
        proof_message=ownership.proof_message[:2000],
        proof_signature=ownership.proof_signature[:200],
        proof_verified=verified,
        declared_by=actor.label[:200],
    )
    audit.record(
        actor=actor,
        action="travel_rule.wallet_declared",
        obj=declaration,
        after={"chain": chain, "address": address, "proved": verified, "method": method},
    )
    return declaration


def wallet_standing(customer: Customer, chain: str, address: str) -> tuple[bool, bool]:
    """(declared, proved) from the customer's declarations of this wallet."""
    rows = OwnershipDeclaration.objects.filter(
        customer=customer, chain=chain, address__iexact=address
    ).values_list("proof_verified", flat=True)
    flags = list(rows)
    return bool(flags), any(flags)
