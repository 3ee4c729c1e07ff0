"""Signs of life of the background processes, for ``/health/``.

Each worker writes its heartbeat every ``HEARTBEAT_SECONDS`` from a timer in its main process
(not a task, so a long queue never makes a live worker look dead); beat writes its own each time
it publishes the heartbeat tick. ``/health/`` calls a process down when its last sign is older
than ``HEARTBEAT_STALE_SECONDS``.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from core.models import ServiceHeartbeat

WORKER = "worker"
BEAT = "beat"


def record(name: str, kind: str) -> None:
    ServiceHeartbeat.objects.update_or_create(
        name=name, defaults={"kind": kind, "seen_at": timezone.now()}
    )


def alive(kind: str) -> bool:
    since = timezone.now() - timedelta(seconds=settings.HEARTBEAT_STALE_SECONDS)
    return ServiceHeartbeat.objects.filter(kind=kind, seen_at__gte=since).exists()
