"""Celery application: named queues here, beat schedule and limits from settings (CELERY_*)."""

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# One queue per workload so screening, monitoring, reports and webhooks scale separately.
QUEUES = ("default", "screening", "monitoring", "reports", "webhooks")

app = Celery("nigraan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [Queue(name) for name in QUEUES]
app.autodiscover_tasks()
