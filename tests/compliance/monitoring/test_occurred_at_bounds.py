"""``occurred_at`` bounds on every intake path: not in the future (beyond a small clock skew), not
before the earliest date; older than the lateness horizon is accepted, and its alert says so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from monitoring_fixtures import *  # noqa: F403
from monitoring_fixtures import cash_deposit, evaluate_pending, make_customer, tx_body

from compliance.monitoring.models import Alert

pytestmark = pytest.mark.django_db
API = "/api/v1/transactions/"


def _at(moment: datetime | str) -> str:
    return moment if isinstance(moment, str) else moment.isoformat()


FUTURE_AND_ANCIENT = [
    pytest.param(lambda: timezone.now() + timedelta(minutes=6), "In the future", id="6-min-ahead"),
    pytest.param(lambda: timezone.now() + timedelta(days=400), "In the future", id="next-year"),
    pytest.param(lambda: "9999-12-31T23:59:59-05:00", "", id="year-9999"),
    pytest.param(lambda: "0001-01-01T00:00:00+05:00", "", id="year-0001"),
    pytest.param(lambda: "0001-01-02T00:00:00Z", "earliest date", id="year-0001-utc"),
    pytest.param(lambda: datetime(1999, 12, 31, tzinfo=UTC), "earliest date", id="1999"),
]


@pytest.mark.parametrize(("moment", "words"), FUTURE_AND_ANCIENT)
def test_single_intake_refuses_the_future_and_the_ancient_on_the_field(
    api_client, customer, moment, words
):
    response = api_client.post(API, tx_body(customer, occurred_at=_at(moment())), "json")
    assert response.status_code == 400, response.content
    messages = response.json()["errors"]["occurred_at"]
    assert messages and words in " ".join(messages)


@pytest.mark.parametrize(("moment", "words"), FUTURE_AND_ANCIENT)
def test_bulk_intake_refuses_the_item_and_keeps_the_others(api_client, customer, moment, words):
    bad = tx_body(customer, occurred_at=_at(moment()))
    good = tx_body(customer, at=timezone.now() - timedelta(hours=1))
    response = api_client.post(f"{API}bulk/", {"transactions": [bad, good]}, "json")
    assert response.status_code == 200
    first, second = response.json()["results"]
    assert first["status"] == "invalid" and words in " ".join(first["errors"]["occurred_at"])
    assert second["status"] == "created"


@pytest.mark.parametrize(("moment", "words"), FUTURE_AND_ANCIENT[:2] + FUTURE_AND_ANCIENT[-1:])
def test_the_check_refuses_the_future_and_the_ancient(api_client, customer, moment, words):
    body = tx_body(customer, occurred_at=_at(moment()))
    response = api_client.post(f"{API}check/", body, "json")
    assert response.status_code == 400
    assert words in " ".join(response.json()["errors"]["occurred_at"])


def test_a_small_clock_skew_is_accepted(api_client, customer):
    body = tx_body(customer, at=timezone.now() + timedelta(minutes=4))
    assert api_client.post(API, body, "json").status_code == 201


def test_the_bounds_are_settings(api_client, customer, settings):
    settings.MONITORING_FUTURE_SKEW_SECONDS = 3600
    settings.MONITORING_EARLIEST_OCCURRED_AT = "2020-01-01"
    ahead = tx_body(customer, at=timezone.now() + timedelta(minutes=50))
    assert api_client.post(API, ahead, "json").status_code == 201
    old = tx_body(customer, at=datetime(2019, 6, 1, tzinfo=UTC))
    response = api_client.post(API, old, "json")
    assert response.status_code == 400
    assert "2020-01-01" in response.json()["errors"]["occurred_at"][0]


def test_older_than_the_horizon_is_accepted_and_the_alert_says_how_late(api_client):
    owner = make_customer()
    occurred = timezone.now() - timedelta(days=45)
    response = api_client.post(API, cash_deposit(owner, "2500000.00", occurred), "json")
    assert response.status_code == 201
    on_time = make_customer()
    api_client.post(API, cash_deposit(on_time, "2500000.00", timezone.now()), "json")
    evaluate_pending()

    late = Alert.objects.get(customer=owner, typology="LARGE_CASH")
    assert late.facts["arrived_late"]["count"] == 1
    assert late.facts["arrived_late"]["max_days_late"] == 45
    assert late.facts["arrived_late"]["horizon_days"] == 30
    assert "arrived late, up to 45 days after" in late.explanation
    prompt = Alert.objects.get(customer=on_time, typology="LARGE_CASH")
    assert "arrived_late" not in prompt.facts and "late" not in prompt.explanation
