"""The check answers within its budget: a stalled database gives the fail mode, never a hang;
beyond capacity a check is turned away at once with 503 and Retry-After."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest
from check_fixtures import CHECK, nearly_spent_customer, withdrawal
from django.conf import settings as django_settings
from django.http import HttpResponse
from django.test import RequestFactory
from monitoring_fixtures import *  # noqa: F403

from compliance.monitoring import services
from compliance.monitoring.api.shedding import CheckLoadShedding, arrival
from compliance.monitoring.models import CheckAttempt, Hold
from compliance.monitoring.services.checks import CHECK_LOCK_CLASS
from core.actors import Actor

pytestmark = pytest.mark.django_db
EXCHANGE = Actor.automated("exchange")
BUDGET_MS = 50
SLACK_MS = 20  # the bound: the fail-mode answer within budget + 20 ms


@pytest.fixture(autouse=True)
def budget(settings):
    settings.MONITORING_CHECK_RULES_MAX_AGE = 60
    settings.MONITORING_CHECK_BUDGET_MS = BUDGET_MS


@pytest.fixture
def other_session():
    """A second database session (another process, as far as PostgreSQL knows)."""
    db = django_settings.DATABASES["default"]
    conn = psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=db["NAME"],
        autocommit=True,
    )
    yield conn
    conn.close()


def hold_customer_lock(conn, customer) -> None:
    conn.execute(
        "SELECT pg_advisory_lock(%s, hashtext(%s))",
        [CHECK_LOCK_CLASS, str(customer.pk)],
    )


def timed_check(body) -> tuple[services.CheckOutcome, float]:
    started = time.perf_counter()
    outcome = services.check_transaction(body=body, actor=EXCHANGE, started=started)
    return outcome, (time.perf_counter() - started) * 1000


def assert_fail_mode_in_time(outcome, elapsed_ms, customer) -> None:
    assert outcome.decision == "review" and outcome.hold is None
    assert [(r["typology"], r["rule"]) for r in outcome.reasons] == [("TIMEOUT", "timeout")]
    assert elapsed_ms <= BUDGET_MS + SLACK_MS, elapsed_ms
    attempt = CheckAttempt.objects.get(pk=outcome.id)
    assert attempt.timed_out and attempt.decision == "review"
    assert attempt.budget_ms == BUDGET_MS and attempt.duration_ms >= BUDGET_MS / 2
    assert not Hold.objects.filter(check_attempt_id=outcome.id).exists()


def test_a_check_waiting_on_the_customers_lock_gets_the_fail_mode_within_budget(other_session):
    customer = nearly_spent_customer()
    hold_customer_lock(other_session, customer)
    outcome, elapsed_ms = timed_check(withdrawal(customer, "60000.00"))
    assert_fail_mode_in_time(outcome, elapsed_ms, customer)


@pytest.mark.django_db(transaction=True)
def test_a_stalled_totals_query_gets_the_fail_mode_within_budget(other_session):
    """Another session's open transaction holds the holds table (pg_sleep keeps it busy): the
    check gets its customer's lock but its totals statement cannot run."""
    customer = nearly_spent_customer()
    timed_check(withdrawal(customer, "1.00"))  # warm: code paths loaded, connection open
    other_session.execute("SET lock_timeout = '2s'")
    other_session.autocommit = False
    other_session.execute("LOCK TABLE monitoring_hold IN ACCESS EXCLUSIVE MODE")
    sleeper = threading.Thread(target=lambda: other_session.execute("SELECT pg_sleep(1)"))
    sleeper.start()
    try:
        outcome, elapsed_ms = timed_check(withdrawal(customer, "60000.00"))
    finally:
        sleeper.join()
        other_session.rollback()
    assert_fail_mode_in_time(outcome, elapsed_ms, customer)


def test_the_fail_mode_is_a_setting_and_a_retry_is_decided_afresh(other_session, settings):
    settings.MONITORING_CHECK_FAIL_MODE = "block"
    customer = nearly_spent_customer()
    body = withdrawal(customer, "60000.00")
    hold_customer_lock(other_session, customer)
    assert services.check_transaction(body=body, actor=EXCHANGE).decision == "block"

    other_session.execute("SELECT pg_advisory_unlock_all()")
    retried = services.check_transaction(body=body, actor=EXCHANGE)
    assert retried.decision == "allow" and retried.hold is not None
    assert CheckAttempt.objects.filter(external_id=body["external_id"]).count() == 2


def test_over_the_api_a_timeout_is_a_200_with_the_reason(api_client, other_session):
    customer = nearly_spent_customer()
    hold_customer_lock(other_session, customer)
    response = api_client.post(CHECK, withdrawal(customer, "60000.00"), format="json")
    assert response.status_code == 200
    assert response.json()["decision"] == "review"
    assert response.json()["reasons"][0]["typology"] == "TIMEOUT"


def test_checks_beyond_the_in_flight_bound_are_shed_at_once(settings):
    """Two checks in flight in this process (each waiting on the database, say): a third is
    answered 503 with Retry-After without reaching the view; once one finishes, the next is
    admitted. Other requests are never counted or shed."""
    settings.MONITORING_CHECK_MAX_IN_FLIGHT = 2
    settings.MONITORING_CHECK_RETRY_AFTER_SECONDS = 3
    release, inside = threading.Event(), threading.Semaphore(0)
    seen_arrivals = []

    def view(request):
        seen_arrivals.append(arrival(request))
        inside.release()
        release.wait(10)
        return HttpResponse("decided")

    shedding = CheckLoadShedding(view)
    factory = RequestFactory()
    answers = []
    threads = [
        threading.Thread(target=lambda: answers.append(shedding(factory.post(CHECK))))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    assert inside.acquire(timeout=10) and inside.acquire(timeout=10)

    started = time.perf_counter()
    shed = shedding(factory.post(CHECK))
    assert (time.perf_counter() - started) < 0.01
    assert shed.status_code == 503 and shed["Retry-After"] == "3"
    assert b'"code": "overloaded"' in shed.content
    assert shedding(factory.get("/api/v1/alerts/")).status_code == 200  # not a check: passes

    release.set()
    for thread in threads:
        thread.join(10)
    assert [a.status_code for a in answers] == [200, 200]
    assert shedding(factory.post(CHECK)).status_code == 200
    # Each check is stamped with its arrival (the budget runs from there); the GET is not.
    assert sorted(type(a).__name__ for a in seen_arrivals) == ["NoneType"] + ["float"] * 3
