"""Travel-rule tasks. Thin: each calls one service.

``send_transfer`` posts an outgoing inquiry; a retryable failure comes back with the backoff
the service chose and the task retries after it. The beat ``send_due_transfers`` re-sends what a
lost task or a worker restart left due, ``hold_overdue`` holds for an officer the outgoing
transfers whose counterparty let the SLA pass, and ``match_incoming`` links received data to
incoming transactions that arrived after it.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from compliance.travel_rule import selectors
from compliance.travel_rule.services import delivery, incoming, outgoing, seams

logger = logging.getLogger(__name__)


@shared_task(
    name="compliance.travel_rule.send_transfer", bind=True, ignore_result=True, max_retries=None
)
def send_transfer(self, transfer_id: str) -> None:
    wait = delivery.deliver(transfer_id=transfer_id)
    if wait is not None:
        raise self.retry(countdown=wait)


@shared_task(name="compliance.travel_rule.send_due_transfers", ignore_result=True)
def send_due_transfers() -> int:
    due = selectors.due_for_delivery(timezone.now())
    for transfer_id in due:
        send_transfer.delay(transfer_id)
    return len(due)


@shared_task(name="compliance.travel_rule.hold_overdue", ignore_result=True)
def hold_overdue() -> int:
    return outgoing.hold_overdue()


@shared_task(name="compliance.travel_rule.match_incoming", ignore_result=True)
def match_incoming() -> int:
    return incoming.match_pending_incoming()


def _send_soon(transfer_id: str) -> None:
    try:
        send_transfer.delay(transfer_id)
    except Exception:  # noqa: BLE001 - broker down: the beat sweeper sends it later
        logger.warning("travel-rule send of %s not enqueued; the sweeper will", transfer_id)


seams.register_sender(_send_soon)
