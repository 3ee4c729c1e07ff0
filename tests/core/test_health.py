import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_health_reports_database_and_broker():
    response = APIClient().get("/health/")
    assert response.status_code == 200, response.json()
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_health_is_503_when_the_broker_is_unreachable(monkeypatch):
    from kombu import Connection

    from config.celery import app

    monkeypatch.setattr(
        app, "connection_for_write", lambda: Connection("amqp://guest:guest@127.0.0.1:1//")
    )
    response = APIClient().get("/health/")
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")


def test_api_docs_and_schema_are_served():
    client = APIClient()
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200
