import pytest
from django.utils import timezone
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def _beating(*kinds: str) -> None:
    from core import heartbeats

    for kind in kinds:
        heartbeats.record(f"{kind}@test", kind)


def test_health_reports_database_broker_worker_and_beat():
    _beating("worker", "beat")
    response = APIClient().get("/health/")
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
        "worker": "ok",
        "beat": "ok",
    }


def test_health_is_503_naming_a_stale_worker_and_a_missing_beat():
    from datetime import timedelta

    from core.models import ServiceHeartbeat

    ServiceHeartbeat.objects.create(
        name="worker@gone", kind="worker", seen_at=timezone.now() - timedelta(minutes=5)
    )
    response = APIClient().get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["worker"] == "down" and body["beat"] == "down"
    assert body["down"] == ["worker", "beat"]


def test_health_is_503_when_the_broker_is_unreachable(monkeypatch):
    from celery import current_app
    from kombu import Connection

    _beating("worker", "beat")
    monkeypatch.setattr(
        current_app, "connection_for_write", lambda: Connection("amqp://guest:guest@127.0.0.1:1//")
    )
    response = APIClient().get("/health/")
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")
    assert response.json()["down"] == ["broker"]


def test_api_docs_and_schema_are_served():
    client = APIClient()
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200
