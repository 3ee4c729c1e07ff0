"""Webhooks to the exchange: queued in the database, signed, delivered by a task, retried.

``emit`` is called inside the business transaction; the delivery task is enqueued on commit, and
the beat task ``core.webhooks.deliver_due`` picks up anything whose enqueue was lost.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from core.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)


def _not_registered(delivery_ids: list[str]) -> None:
    raise RuntimeError("core.tasks registers the webhook dispatcher when the app is ready")


# The task module registers how fresh deliveries are enqueued (services never import tasks).
_dispatch_deliveries: Callable[[list[str]], None] = _not_registered


def register_dispatcher(dispatch: Callable[[list[str]], None]) -> None:
    global _dispatch_deliveries
    _dispatch_deliveries = dispatch


SIGNATURE_HEADER = "X-Nigraan-Signature"
MAX_BACKOFF = timedelta(hours=6)
ENQUEUE_CHUNK = 100  # deliveries per task


def sign(secret: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of the raw body with the endpoint's secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... capped at six hours."""
    return min(timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def emit(event_type: str, data: dict[str, Any]) -> list[WebhookDelivery]:
    """Queue ``event_type`` for every endpoint that wants it (call inside the business write)."""
    return emit_many(event_type, [data])


EVENT_NAMESPACE = uuid.UUID("5b0f8c1e-3f7a-4d55-9a43-6c1d1e6b8a21")


def emit_many(
    event_type: str, items: Sequence[dict[str, Any]], *, event_keys: Sequence[str] | None = None
) -> list[WebhookDelivery]:
    """Queue one event per item for every endpoint that wants it: one endpoint query, one
    insert and one task per batch, whatever the number of items (batch paths: monitoring).

    ``event_keys`` (one per item) name each event for good: the delivery id is derived from
    the event and the endpoint, so an event emitted again (a redelivered batch) is not queued
    twice."""
    if not items:
        return []
    endpoints = [e for e in WebhookEndpoint.objects.filter(is_active=True) if e.wants(event_type)]
    if not endpoints:
        return []
    now = timezone.now()
    deliveries = []
    keys = list(event_keys) if event_keys is not None else [None] * len(items)
    for data, key in zip(items, keys, strict=True):
        for endpoint in endpoints:
            delivery_id = (
                uuid.uuid5(EVENT_NAMESPACE, f"{event_type}:{key}:{endpoint.pk}")
                if key is not None
                else uuid.uuid4()
            )
            body = json.dumps(
                {"id": str(delivery_id), "type": event_type, "created_at": now, "data": data},
                cls=DjangoJSONEncoder,
                separators=(",", ":"),
            )
            deliveries.append(
                WebhookDelivery(
                    id=delivery_id,
                    endpoint=endpoint,
                    event_type=event_type,
                    body=body,
                    next_attempt_at=now,
                )
            )
    WebhookDelivery.objects.bulk_create(
        deliveries, batch_size=1000, ignore_conflicts=event_keys is not None
    )
    ids = [str(d.id) for d in deliveries]

    def enqueue() -> None:
        for start in range(0, len(ids), ENQUEUE_CHUNK):
            chunk = ids[start : start + ENQUEUE_CHUNK]
            try:
                _dispatch_deliveries(chunk)
            except Exception:  # noqa: BLE001 - broker down: deliver_due picks them up later
                logger.warning(
                    "%d webhooks not enqueued; the beat retry will send them", len(chunk)
                )

    transaction.on_commit(enqueue)
    return deliveries


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def deliver(delivery_id: str) -> WebhookDelivery | None:
    """Attempt one delivery now; record the attempt; schedule the next on failure."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .select_related("endpoint")
            .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
            .first()
        )
        if delivery is None:
            return None
        body = delivery.body.encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Nigraan-Webhooks/1",
            "X-Nigraan-Event": delivery.event_type,
            "X-Nigraan-Delivery": str(delivery.pk),
            SIGNATURE_HEADER: sign(delivery.endpoint.secret, body),
        }
        started = time.monotonic()
        status_code, error = None, ""
        try:
            status_code = _post(delivery.endpoint.url, body, headers)
            if not 200 <= status_code < 300:
                error = f"HTTP {status_code}"
        except Exception as exc:  # noqa: BLE001 - any transport failure is retried
            error = f"{exc.__class__.__name__}: {exc}"
        elapsed = int((time.monotonic() - started) * 1000)
        WebhookAttempt.objects.create(
            delivery=delivery, status_code=status_code, error=error, duration_ms=elapsed
        )
        delivery.attempts += 1
        delivery.last_status_code = status_code
        delivery.last_error = error
        now = timezone.now()
        if not error:
            delivery.status = WebhookDelivery.Status.DELIVERED
            delivery.delivered_at = now
            delivery.next_attempt_at = None
        elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = now + backoff(delivery.attempts)
        delivery.save()
        return delivery


def due_delivery_ids(limit: int = 500) -> list[str]:
    now = timezone.now()
    return [
        str(pk)
        for pk in WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now
        ).values_list("pk", flat=True)[:limit]
    ]
