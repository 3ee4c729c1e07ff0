"""Self-hosted wallets the customer declares; compliance screens them on ``wallet_registered``."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q

from core import audit
from core.actors import Actor
from core.errors import InvalidTransition, ValidationFailed
from kyc import validation
from kyc.models import Customer, CustomerWallet
from kyc.services.profiles import NO_PROFILE_CHANGES
from kyc.signals import wallet_registered


def register_wallet(
    *, customer: Customer, actor: Actor, chain: str, address: str, label: str = ""
) -> tuple[CustomerWallet, bool]:
    """Declare a self-hosted wallet; the same one again returns it (``False``). Compliance
    screens it on ``wallet_registered``."""
    if customer.status in NO_PROFILE_CHANGES:
        raise InvalidTransition(f"cannot register wallets for a {customer.status} customer")
    try:
        normalized = validation.normalize_wallet_address(chain, address)
    except validation.InvalidValue as exc:
        field = "chain" if chain not in CustomerWallet.Chain.values else "address"
        raise ValidationFailed({field: [str(exc)]}) from None
    lookup = Q(customer=customer, chain=chain, address=normalized)
    existing = CustomerWallet.objects.filter(lookup).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            wallet = CustomerWallet.objects.create(
                customer=customer, chain=chain, address=normalized, label=label[:100]
            )
            audit.record(
                actor=actor,
                action="customer.wallet_registered",
                obj=customer,
                after={"wallet": str(wallet.pk), "chain": chain, "address": normalized},
            )
            customer_id, wallet_id = customer.pk, wallet.pk
            transaction.on_commit(
                lambda: wallet_registered.send(
                    Customer, customer_id=customer_id, wallet_id=wallet_id
                )
            )
    except IntegrityError:
        return CustomerWallet.objects.get(lookup), False
    return wallet, True
