"""Holds: an allowed outgoing check reserves its amount until posted, released or expired."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from check_fixtures import CHECK, nearly_spent_customer, release_url, withdrawal
from django.utils import timezone
from monitoring_fixtures import *  # noqa: F403
from monitoring_fixtures import ingest, make_customer, tx_body

from compliance.monitoring import services
from compliance.monitoring.models import CheckAttempt, Hold
from compliance.monitoring.services.holds import expire_due_holds
from core.audit import events_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rules(settings):
    settings.MONITORING_CHECK_RULES_MAX_AGE = 0
    settings.MONITORING_CHECK_BUDGET_MS = 5000  # these tests are about holds, not about speed


def check(client, body) -> dict:
    response = client.post(CHECK, body, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_an_allowed_withdrawal_carries_a_hold_that_counts_against_the_daily_limit(api_client):
    customer = nearly_spent_customer()
    first = check(api_client, withdrawal(customer, "60000.00"))
    assert first["decision"] == "allow"
    hold = Hold.objects.get()
    assert first["hold"] == {
        "id": str(hold.pk),
        "amount_pkr": "60000.00",
        "expires_at": hold.expires_at.isoformat().replace("+00:00", "Z"),
    }
    assert hold.check_attempt_id == CheckAttempt.objects.get(pk=first["id"]).pk
    assert timedelta(minutes=14) < hold.expires_at - timezone.now() <= timedelta(minutes=15)

    second = check(api_client, withdrawal(customer, "60000.00"))  # 900k + 60k held + 60k
    assert second["decision"] == "block" and "hold" not in second
    assert "daily" in second["reasons"][0]["detail"]
    assert check(api_client, withdrawal(customer, "40000.00"))["decision"] == "allow"  # = 1M


def test_only_outgoing_allowed_movements_hold(api_client):
    customer = nearly_spent_customer()
    deposit = check(api_client, withdrawal(customer, "50000.00", kind="deposit"))
    trade = check(api_client, withdrawal(customer, "50000.00", kind="trade_buy"))
    blocked = check(api_client, withdrawal(customer, "200000.00"))
    assert [deposit["decision"], trade["decision"], blocked["decision"]] == [
        "allow",
        "allow",
        "block",
    ]
    assert not any("hold" in answer for answer in (deposit, trade, blocked))
    assert not Hold.objects.exists()


def test_posting_the_transaction_consumes_the_hold_and_the_posted_amount_counts(api_client):
    customer = nearly_spent_customer()
    body = withdrawal(customer, "60000.00")
    answer = check(api_client, body)
    posted = {**body, "amount": "40000.00", "amount_pkr": "40000.00"}
    tx_id = ingest({**posted, "occurred_at": timezone.now().isoformat()})

    hold = Hold.objects.get(pk=answer["hold"]["id"])
    assert hold.status == Hold.Status.POSTED and str(hold.posted_transaction_id) == tx_id
    assert hold.posted_amount_pkr == Decimal("40000.00") and hold.resolved_at is not None
    # 900k + 40k posted (not the 60k held): 60k more fits exactly, a paisa more does not.
    assert check(api_client, withdrawal(customer, "60000.01"))["decision"] == "block"
    assert check(api_client, withdrawal(customer, "60000.00"))["decision"] == "allow"


def test_a_posted_amount_above_the_held_one_counts_in_full(api_client):
    customer = nearly_spent_customer()
    body = withdrawal(customer, "50000.00")
    check(api_client, body)
    ingest({**body, "amount": "80000.00", "amount_pkr": "80000.00",
            "occurred_at": timezone.now().isoformat()})  # fmt: skip
    assert check(api_client, withdrawal(customer, "20000.01"))["decision"] == "block"
    assert check(api_client, withdrawal(customer, "20000.00"))["decision"] == "allow"


def test_bulk_posting_consumes_holds_too(api_client):
    customer = nearly_spent_customer()
    body = withdrawal(customer, "60000.00")
    answer = check(api_client, body)
    other = tx_body(customer, kind="deposit", at=timezone.now())
    items = [{**body, "occurred_at": timezone.now().isoformat()}, other]
    results = services.ingest_bulk(items=items, actor=services.checks.Actor.automated("t"))
    assert [r.status for r in results] == ["created", "created"]
    assert Hold.objects.get(pk=answer["hold"]["id"]).status == Hold.Status.POSTED


def test_another_customers_transaction_with_the_same_reference_does_not_consume_it(api_client):
    customer, stranger = nearly_spent_customer(), make_customer()
    body = withdrawal(customer, "60000.00")
    check(api_client, body)
    ingest(tx_body(stranger, external_id=body["external_id"], at=timezone.now()))
    assert Hold.objects.get().status == Hold.Status.HELD


def test_the_exchange_releases_a_hold_and_the_amount_is_free_again(api_client):
    customer = nearly_spent_customer()
    answer = check(api_client, withdrawal(customer, "60000.00"))
    assert check(api_client, withdrawal(customer, "60000.00"))["decision"] == "block"

    response = api_client.post(release_url(answer["id"]), format="json")
    assert response.status_code == 200, response.content
    released = response.json()
    assert released["status"] == "released" and released["check"] == answer["id"]
    assert released["id"] == answer["hold"]["id"] and released["resolved_at"]
    hold = Hold.objects.get()
    assert hold.resolved_by.startswith("api-key:")
    assert [e.action for e in events_for(hold)] == ["monitoring.hold_released"]
    assert check(api_client, withdrawal(customer, "60000.00"))["decision"] == "allow"

    again = api_client.post(release_url(answer["hold"]["id"]), format="json")  # by the hold's id
    assert again.status_code == 200 and again.json()["status"] == "released"
    assert len(events_for(hold)) == 1  # releasing twice changes nothing


def test_a_posted_hold_cannot_be_released(api_client):
    customer = nearly_spent_customer()
    body = withdrawal(customer, "60000.00")
    answer = check(api_client, body)
    tx_id = ingest({**body, "occurred_at": timezone.now().isoformat()})
    response = api_client.post(release_url(answer["id"]), format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict" and response.json()["id"] == tx_id


@pytest.mark.parametrize("ref", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_releasing_an_unknown_check_is_not_found(api_client, ref):
    response = api_client.post(release_url(ref), format="json")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_releasing_a_check_that_placed_no_hold_is_not_found(api_client):
    customer = nearly_spent_customer()
    blocked = check(api_client, withdrawal(customer, "200000.00"))
    response = api_client.post(release_url(blocked["id"]), format="json")
    assert response.status_code == 404


def test_an_expired_hold_stops_counting_and_the_sweeper_writes_its_fate(api_client):
    customer = nearly_spent_customer()
    answer = check(api_client, withdrawal(customer, "60000.00"))
    expired_at = timezone.now() - timedelta(seconds=1)
    Hold.objects.filter(pk=answer["hold"]["id"]).update(expires_at=expired_at)

    # It no longer counts, before the sweeper ran...
    assert check(api_client, withdrawal(customer, "60000.00"))["decision"] == "allow"
    assert Hold.objects.get(pk=answer["hold"]["id"]).status == Hold.Status.HELD
    # ...which then writes down when it stopped counting; the newer hold stays live.
    assert expire_due_holds() == 1
    hold = Hold.objects.get(pk=answer["hold"]["id"])
    assert hold.status == Hold.Status.EXPIRED and hold.resolved_at == expired_at
    assert Hold.objects.filter(status=Hold.Status.HELD).count() == 1
    assert expire_due_holds() == 0


def test_the_beat_schedule_runs_the_expiry_sweep(settings):
    from compliance.monitoring import tasks

    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if "expire_holds" in e["task"]]
    assert entries and entries[0]["task"] == tasks.expire_holds.name


def test_a_hold_lives_as_long_as_the_setting_says(api_client, settings):
    settings.MONITORING_HOLD_TTL_SECONDS = 120
    answer = check(api_client, withdrawal(nearly_spent_customer(), "10000.00"))
    left = Hold.objects.get(pk=answer["hold"]["id"]).expires_at - timezone.now()
    assert timedelta(seconds=100) < left <= timedelta(seconds=120)


def test_a_replayed_check_gets_the_same_answer_and_no_second_hold(api_client):
    customer = nearly_spent_customer()
    body = withdrawal(customer, "60000.00")
    first = check(api_client, body)
    replay = check(api_client, body)
    assert replay == first
    assert Hold.objects.count() == 1 and CheckAttempt.objects.filter(decision="allow").count() == 1
    # A blocked check replayed is blocked again, even once room has been freed.
    blocked_body = withdrawal(customer, "60000.00")
    blocked = check(api_client, blocked_body)
    api_client.post(release_url(first["id"]), format="json")
    assert check(api_client, blocked_body) == blocked


def test_a_replay_with_another_body_is_a_conflict(api_client):
    customer = nearly_spent_customer()
    body = withdrawal(customer, "60000.00")
    first = check(api_client, body)
    response = api_client.post(
        CHECK, {**body, "amount": "1.00", "amount_pkr": "1.00"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "conflict" and response.json()["id"] == first["id"]
    assert Hold.objects.count() == 1


def test_the_attempt_keeps_what_the_decision_saw(api_client):
    customer = nearly_spent_customer()
    check(api_client, withdrawal(customer, "60000.00"))
    answer = check(api_client, withdrawal(customer, "60000.00"))
    attempt = CheckAttempt.objects.get(pk=answer["id"])
    seen = attempt.seen
    assert seen["posted_today_pkr"] == "900000.00" and seen["held_today_pkr"] == "60000.00"
    assert seen["limits"]["daily_pkr"] == "1000000.00" and seen["customer_status"] == "approved"
    assert "PK-TIER-LIMIT" in {r["rule"] for r in seen["rules"]}
    assert all({"rule", "version", "version_id"} <= set(r) for r in seen["rules"])
    assert attempt.budget_ms == Decimal("5000") and 0 < attempt.duration_ms < attempt.budget_ms
    assert not attempt.timed_out and attempt.request_hash


def test_the_decision_is_reproduced_from_what_was_stored(api_client):
    """Feed the stored totals and rule versions back through the engine: same answer."""
    from compliance.monitoring import rulebook, selectors
    from compliance.monitoring.intake import parse_transaction
    from compliance.monitoring.sanctions import ScreeningSanctions
    from compliance.monitoring.services.checks import Calendar, _totals_history, _tx_view
    from compliance.monitoring.typologies.base import EvaluationContext
    from compliance.monitoring.typologies.evaluation import check_transaction

    customer = nearly_spent_customer()
    check(api_client, withdrawal(customer, "60000.00"))
    body = withdrawal(customer, "60000.00")
    answer = check(api_client, body)
    attempt = CheckAttempt.objects.get(pk=answer["id"])
    seen = attempt.seen
    usage = selectors.LimitUsage(
        *(
            Decimal(seen[k])
            for k in ("posted_today_pkr", "posted_month_pkr", "held_today_pkr", "held_month_pkr")
        ),
        replay_of=None,
    )
    versions = {(r["rule"], r["version_id"]) for r in seen["rules"]}
    rules = [(r, r.runnable) for r in rulebook.live_rules() if (r.code, r.version_id) in versions]
    data = parse_transaction({**body, "occurred_at": attempt.occurred_at.isoformat()})
    tx = _tx_view(str(attempt.pk), data, str(customer.pk), attempt.occurred_at)
    ctx = EvaluationContext(
        customer=selectors.customer_profile(str(customer.pk)),
        history=_totals_history(tx, usage, Calendar.of(attempt.occurred_at)),
        now=attempt.created_at,
        high_risk_countries=selectors.high_risk_countries(),
        sanctions=ScreeningSanctions(),
    )
    blocking = [pair for pair in rules if pair[0].blocking]
    again = check_transaction(tx, ctx, blocking_rules=blocking)
    assert again.decision == attempt.decision == "block"
    assert [r.detail for r in again.reasons] == [r["detail"] for r in attempt.reasons]


def test_a_check_of_a_transaction_already_posted_places_no_hold(api_client):
    customer = nearly_spent_customer("0")
    body = withdrawal(customer, "60000.00")
    ingest({**body, "occurred_at": timezone.now().isoformat()})
    answer = check(api_client, body)
    assert answer["decision"] == "allow" and "hold" not in answer
    assert not Hold.objects.exists()
