"""kyc's and monitoring's events -> the customer network. Connected in NetworkConfig.ready().

Both senders announce after their commit; the receivers only queue a task (an unreachable
broker is logged, never raised into the sender). The graph is rebuilt from the stored rows, so
a lost event is made good by the ``network.catch_up`` sweeper, and a repeated one changes
nothing.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def on_customer_changed(sender, customer_id=None, **kwargs) -> None:
    from compliance.network.tasks import update_customers

    try:
        update_customers.delay([str(customer_id)])
    except Exception:
        logger.exception("network update of customer %s not queued", customer_id)


def on_transactions_stored(sender, transaction_ids=(), **kwargs) -> None:
    from compliance.network.tasks import update_transactions

    try:
        update_transactions.delay([str(t) for t in transaction_ids])
    except Exception:
        logger.exception("network update of %d transactions not queued", len(transaction_ids))


def connect() -> None:
    from compliance.monitoring.signals import transactions_stored
    from compliance.network.services.rules import register
    from kyc.signals import customer_created, customer_profile_changed, wallet_registered

    register()
    for signal, uid in (
        (customer_created, "network-customer-created"),
        (customer_profile_changed, "network-profile-changed"),
        (wallet_registered, "network-wallet-registered"),
    ):
        signal.connect(on_customer_changed, dispatch_uid=uid)
    transactions_stored.connect(on_transactions_stored, dispatch_uid="network-transactions")
