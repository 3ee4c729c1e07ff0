from __future__ import annotations

from celery import shared_task

from core import webhook_isolation, webhooks


@shared_task(name="core.webhooks.deliver", ignore_result=True)
def deliver_webhook(delivery_id: str) -> None:
    delivery = webhooks.deliver(delivery_id)
    # Eager mode (demo) has no real countdown; the beat task retries there instead.
    if deliver_webhook.app.conf.task_always_eager:
        return
    if delivery is not None and delivery.next_attempt_at is not None:
        countdown = max((delivery.next_attempt_at - delivery.updated_at).total_seconds(), 1)
        deliver_webhook.apply_async(args=[delivery_id], countdown=countdown)


@shared_task(name="core.webhooks.deliver_many", ignore_result=True)
def deliver_webhooks(delivery_ids: list[str]) -> None:
    """First attempts for a batch of fresh deliveries; failures retry through deliver_due."""
    webhook_isolation.deliver_isolating(delivery_ids)  # one that raises is set aside


webhooks.register_dispatcher(lambda delivery_ids: deliver_webhooks.delay(delivery_ids))


@shared_task(name="core.webhooks.deliver_due", ignore_result=True)
def deliver_due_webhooks() -> int:
    """Beat: retry what is due, including deliveries whose enqueue was lost."""
    ids = webhooks.due_delivery_ids()
    webhook_isolation.deliver_isolating(ids)
    return len(ids)


@shared_task(name="core.ping", ignore_result=True)
def record_ping(marker: str) -> None:
    """Writes one audit event; used by the health of the task pipeline and its tests."""
    from core import audit
    from core.actors import Actor

    audit.record(actor=Actor.automated("worker"), action="worker.ping", after={"marker": marker})


@shared_task(name="core.beat_tick", ignore_result=True)
def beat_tick() -> None:
    """Beat's heartbeat: publishing it is the sign of life (config.celery records it)."""
