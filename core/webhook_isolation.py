"""Poison isolation for webhook deliveries (``core.dead_letters`` applied to webhooks).

A delivery whose attempt raises past ``webhooks.deliver``'s own handling (a row it cannot
sign or send) would stop the rest of its batch, on every beat. Each is attempted on its own;
one that raises is recorded as a dead letter and parked (``next_attempt_at`` cleared, so the
beat retry leaves it); an officer's retry makes it due again.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone

from core import dead_letters, webhooks
from core.models import WebhookDelivery

KIND = "webhooks.delivery"


def _park(delivery_ids: list[str]) -> None:
    WebhookDelivery.objects.filter(
        pk__in=delivery_ids, status=WebhookDelivery.Status.PENDING
    ).update(next_attempt_at=None)


def _retry(delivery_ids: list[str]) -> None:
    WebhookDelivery.objects.filter(
        pk__in=delivery_ids, status=WebhookDelivery.Status.PENDING
    ).update(next_attempt_at=timezone.now())
    deliver_isolating(delivery_ids)


dead_letters.register(KIND, retry=_retry)


def deliver_isolating(delivery_ids: Sequence[str]) -> int:
    """Attempt each delivery; returns how many were set aside."""
    poisoned = 0
    for delivery_id in delivery_ids:
        outcome = dead_letters.run_isolating(
            KIND, [str(delivery_id)], lambda part: webhooks.deliver(part[0]), park=_park
        )
        poisoned += len(outcome.poisoned)
    return poisoned
