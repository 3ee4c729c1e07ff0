"""Webhooks to the exchange: queued in the database, signed, delivered by a task, retried.

``emit`` is called inside the business transaction; the delivery task is enqueued on commit, and
the beat task ``core.webhooks.deliver_due`` picks up anything whose enqueue was lost.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from core import outbound
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
PREVIOUS_SIGNATURE_HEADER = "X-Nigraan-Signature-Previous"
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


def signatures(endpoint: WebhookEndpoint, body: bytes, now=None) -> dict[str, str]:
    """The signature headers: the current secret's, and during a rotation's overlap the
    previous secret's too, so the exchange can verify with whichever it holds."""
    headers = {SIGNATURE_HEADER: sign(endpoint.secret, body)}
    until = endpoint.previous_secret_until
    if endpoint.previous_secret_encrypted and until and until > (now or timezone.now()):
        headers[PREVIOUS_SIGNATURE_HEADER] = sign(endpoint.previous_secret, body)
    return headers


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    return outbound.post(url, body, headers, timeout=settings.WEBHOOK_TIMEOUT_SECONDS)


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
        if not delivery.endpoint.is_active:  # deactivated after it was queued
            delivery.status = WebhookDelivery.Status.CANCELLED
            delivery.next_attempt_at = None
            delivery.last_error = "Endpoint deactivated."
            delivery.save()
            return delivery
        body = delivery.body.encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Nigraan-Webhooks/1",
            "X-Nigraan-Event": delivery.event_type,
            "X-Nigraan-Delivery": str(delivery.pk),
            **signatures(delivery.endpoint, body),
        }
        started = time.monotonic()
        status_code, error = None, ""
        try:
            status_code = _post(delivery.endpoint.url, body, headers)
            if not 200 <= status_code < 300:
                error = f"HTTP {status_code}"
        except (outbound.Refused, outbound.Failed) as exc:  # fixed words, no network detail
            error = str(exc)
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


def cancel_queued(endpoint: WebhookEndpoint) -> int:
    """A deactivated endpoint gets nothing more: its queued deliveries are cancelled."""
    return WebhookDelivery.objects.filter(
        endpoint=endpoint, status=WebhookDelivery.Status.PENDING
    ).update(
        status=WebhookDelivery.Status.CANCELLED,
        next_attempt_at=None,
        last_error="Endpoint deactivated.",
        updated_at=timezone.now(),
    )


def rotate_secret(endpoint: WebhookEndpoint, *, actor) -> str:
    """A new signing secret; the previous one keeps signing for the overlap window
    (``WEBHOOK_SECRET_OVERLAP_HOURS``). Returns the new secret, to be shown once. Audited
    without the secret."""
    from core import audit

    now = timezone.now()
    new = new_secret()
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        locked.previous_secret_encrypted = locked.secret_encrypted
        locked.previous_secret_until = now + timedelta(hours=settings.WEBHOOK_SECRET_OVERLAP_HOURS)
        locked.secret = new
        locked.secret_rotated_at = now
        locked.save()
        audit.record(
            actor=actor,
            action="webhook.secret_rotated",
            obj=locked,
            after={"previous_secret_until": locked.previous_secret_until},
        )
    return new


def new_secret() -> str:
    return secrets.token_urlsafe(32)
