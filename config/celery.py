"""Celery application: named queues here, beat schedule and limits from settings (CELERY_*).

Also the heartbeats ``/health/`` reads: a timer in each worker's main process, and beat's tick.
"""

import logging
import os
import socket

from celery import Celery, bootsteps
from celery.signals import beat_init, before_task_publish
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# One queue per workload so screening, monitoring, the customer network, reports and webhooks
# scale separately.
QUEUES = ("default", "screening", "monitoring", "network", "reports", "webhooks")
BEAT_TICK_TASK = "core.beat_tick"

logger = logging.getLogger(__name__)

app = Celery("nigraan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [Queue(name) for name in QUEUES]
app.autodiscover_tasks()


def _record_heartbeat(name: str, kind: str) -> None:
    from django.db import close_old_connections

    from core import heartbeats

    try:
        heartbeats.record(name, kind)
    except Exception:  # a database hiccup must not stop the worker or beat
        logger.warning("heartbeat of %s not recorded", name, exc_info=True)
    finally:
        close_old_connections()


class WorkerHeartbeat(bootsteps.StartStopStep):
    """Writes the worker's heartbeat from its main process on a timer."""

    requires = {"celery.worker.components:Timer"}

    def start(self, worker) -> None:
        from django.conf import settings

        name = worker.hostname or socket.gethostname()
        _record_heartbeat(name, "worker")
        self.tref = worker.timer.call_repeatedly(
            settings.HEARTBEAT_SECONDS, _record_heartbeat, (name, "worker"), priority=10
        )

    def stop(self, worker) -> None:
        tref = getattr(self, "tref", None)
        if tref is not None:
            tref.cancel()


app.steps["worker"].add(WorkerHeartbeat)


@before_task_publish.connect
def _beat_tick(sender=None, **kwargs) -> None:
    # Only beat publishes the tick task, so this runs in beat's process.
    if sender == BEAT_TICK_TASK:
        _record_heartbeat(f"beat@{socket.gethostname()}", "beat")


@beat_init.connect
def _beat_started(sender=None, **kwargs) -> None:
    # Alive from its first second, not from its first tick.
    _record_heartbeat(f"beat@{socket.gethostname()}", "beat")
