"""Reactions to kyc's events (sent after kyc's commit): rescreen what changed."""

from __future__ import annotations

import logging

from compliance.screening.models import ScreeningHit
from compliance.screening.subjects import is_screened_change

logger = logging.getLogger(__name__)


def rescreen_on_profile_change(sender, customer_id, changed_fields=(), **kwargs) -> None:
    """A screened field changed (name, date of birth, nationality, ID, owners, wallets)."""
    if not is_screened_change(changed_fields or ()):
        return
    from compliance.screening.tasks import screen_customer

    try:
        screen_customer.delay(str(customer_id), ScreeningHit.Origin.PROFILE_CHANGE)
    except Exception:
        logger.exception("rescreen of customer %s after a profile change not enqueued", customer_id)


def screen_registered_wallet(sender, customer_id, wallet_id, **kwargs) -> None:
    from compliance.screening.tasks import screen_wallet

    try:
        screen_wallet.delay(str(wallet_id))
    except Exception:
        logger.exception("screening of wallet %s not enqueued", wallet_id)
