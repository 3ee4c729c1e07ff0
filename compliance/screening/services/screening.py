"""Screening one customer (onboarding, profile change), a wallet, or a counterparty."""

from __future__ import annotations

from django.db import transaction

from compliance.screening import index
from compliance.screening.matching import screen_subjects
from compliance.screening.models import ScreeningHit
from compliance.screening.services.hits import record_hits
from compliance.screening.subjects import (
    Subject,
    counterparty_subject,
    subjects_for_customers,
    subjects_for_wallet,
)
from core.actors import Actor
from kyc.models import Customer, CustomerWallet

SCREENING_ACTOR = Actor.automated("screening")


def _screen(
    subjects: list[Subject], *, origin: str, actor: Actor, transaction_ref: str = ""
) -> list[ScreeningHit]:
    found = screen_subjects(
        subjects, search_many=index.search_names, wallet_lookup=index.wallet_lookup
    )
    return record_hits(found, origin=origin, actor=actor, transaction_ref=transaction_ref)


@transaction.atomic
def screen_customer(
    *,
    customer: Customer,
    actor: Actor = SCREENING_ACTOR,
    origin: str = ScreeningHit.Origin.MANUAL,
) -> list[ScreeningHit]:
    """Screen the customer's name (an entity's name and current owners) and wallets against
    every active list; returns the new hits (pairs already undecided or cleared are not
    raised again)."""
    return _screen(subjects_for_customers([customer.pk]), origin=origin, actor=actor)


@transaction.atomic
def screen_wallet(*, wallet: CustomerWallet, actor: Actor = SCREENING_ACTOR) -> list[ScreeningHit]:
    """A wallet the customer registered, against the listed addresses."""
    return _screen(subjects_for_wallet(wallet), origin=ScreeningHit.Origin.WALLET, actor=actor)


@transaction.atomic
def screen_counterparty(
    *,
    customer: Customer,
    transaction_ref: str,
    name: str = "",
    kind: str = "person",
    chain: str = "",
    address: str = "",
    actor: Actor = SCREENING_ACTOR,
) -> list[ScreeningHit]:
    """A transaction's counterparty (travel-rule name and/or wallet address); hits are raised
    on the customer, naming the transaction."""
    if not name and not address:
        return []
    subject = counterparty_subject(
        customer_id=customer.pk, name=name, chain=chain, address=address, kind=kind
    )
    return _screen(
        [subject],
        origin=ScreeningHit.Origin.TRANSACTION,
        actor=actor,
        transaction_ref=transaction_ref,
    )
