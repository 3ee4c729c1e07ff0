"""A real Celery worker on RabbitMQ runs a task that commits to PostgreSQL."""

import time
import uuid

from core.models import AuditEvent
from core.tasks import record_ping


def test_a_task_sent_to_the_broker_runs_in_a_real_worker_and_commits(real_worker):
    queue = f"ping-{uuid.uuid4().hex[:8]}"  # a queue of its own: no other worker takes it
    worker = real_worker(queues=queue, concurrency=1)
    marker = uuid.uuid4().hex
    record_ping.apply_async(args=[marker], queue=queue)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if AuditEvent.objects.filter(action="worker.ping", after__marker=marker).exists():
            break
        time.sleep(0.2)
    else:
        raise AssertionError("the worker did not commit the event:\n" + worker.output()[-2000:])
    event = AuditEvent.objects.get(after__marker=marker)
    assert event.actor_label == "system:worker"
