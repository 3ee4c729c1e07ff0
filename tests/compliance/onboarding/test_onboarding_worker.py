"""The whole onboarding pipeline with a real Celery worker on RabbitMQ and PostgreSQL."""

from __future__ import annotations

import time

import pytest

from kyc.models import Customer
from tests.compliance.onboarding.conftest import individual

pytestmark = pytest.mark.worker


def _as_json(data: dict) -> dict:
    return {k: (str(v) if not isinstance(v, dict | bool | list) else v) for k, v in data.items()}


@pytest.fixture
def migrated_rows(transactional_db):
    """The rows the data migrations load (tiers, review policies, the risk model): an earlier
    transactional test's flush empties those tables, and the worker reads them."""
    import importlib

    from django.apps import apps

    for module in (
        "kyc.migrations.0002_tiers_and_review_policies",
        "compliance.migrations.0002_risk_model_defaults",
    ):
        importlib.import_module(module).load(apps, None)


def test_api_submission_is_assessed_by_the_worker_and_approved(
    migrated_rows, real_worker, api_client
):
    worker = real_worker(queues="screening,default", concurrency=1)
    created = api_client.post("/api/v1/customers/", _as_json(individual()), format="json")
    assert created.status_code == 201, created.content
    customer_id = created.json()["id"]
    submitted = api_client.post(f"/api/v1/customers/{customer_id}/submit/")
    assert submitted.status_code == 202
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = Customer.objects.values_list("status", flat=True).get(pk=customer_id)
        if status not in ("submitted", "verifying"):
            break
        time.sleep(0.2)
    else:
        raise AssertionError("not assessed by the worker:\n" + worker.output()[-3000:])
    answer = api_client.get(f"/api/v1/customers/{customer_id}/").json()
    assert (answer["status"], answer["risk_level"], answer["tier"]) == (
        "approved",
        "low",
        "standard",
    )
    assert answer["next_review_due"]
