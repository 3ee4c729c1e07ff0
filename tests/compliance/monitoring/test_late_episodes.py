"""A late transaction and the alerts already open: extended, merged, followed up, withdrawn."""

from __future__ import annotations

from datetime import timedelta

import pytest
from monitoring_fixtures import *  # noqa: F403
from monitoring_fixtures import T0, cash_deposit, evaluate_pending, ingest, tx_body

from compliance.monitoring.models import Alert
from core.models import AuditEvent

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)


def _structuring(customer, *days: float) -> list[str]:
    return [
        ingest(cash_deposit(customer, f"{1_800_000 + 10_000 * i}.00", T0 + d * DAY))
        for i, d in enumerate(days)
    ]


def _alerts(customer, typology="STRUCTURING"):
    return Alert.objects.filter(customer=customer, typology=typology)


def _txs(alert: Alert) -> set[str]:
    return {str(pk) for pk in alert.transactions.values_list("id", flat=True)}


def test_a_late_transaction_joining_an_open_episode_extends_its_alert_audited(customer):
    first = _structuring(customer, 1, 1.5, 2)
    evaluate_pending()
    [alert] = _alerts(customer)
    key_before = alert.dedupe_key

    [late] = _structuring(customer, 0.5)
    evaluate_pending()

    [extended] = _alerts(customer)
    assert extended.pk == alert.pk and extended.status == Alert.Status.OPEN
    assert _txs(extended) == {*first, late}
    assert extended.dedupe_key != key_before and late in extended.dedupe_key  # new anchor
    assert extended.facts["count"] == 4 and "4 cash" in extended.explanation
    event = AuditEvent.objects.get(action="alert.extended", object_id=str(alert.pk))
    assert event.after["added"] == [late] and event.before["episode"] == key_before


def test_a_late_transaction_bridging_two_episodes_leaves_one_open_alert(customer):
    early = _structuring(customer, 0, 1, 2)
    later = _structuring(customer, 9, 10, 11)
    evaluate_pending()
    assert _alerts(customer).count() == 2

    [bridge] = _structuring(customer, 5.5)
    evaluate_pending()

    [kept] = _alerts(customer).filter(status=Alert.Status.OPEN)
    assert _txs(kept) == {*early, *later, bridge}
    [merged] = _alerts(customer).filter(status=Alert.Status.CLOSED)
    assert merged.superseded == "merged" and merged.superseded_by_id == kept.pk
    assert AuditEvent.objects.filter(action="alert.merged", object_id=str(merged.pk)).exists()


def test_a_late_transaction_joining_a_closed_episode_opens_a_follow_up(customer):
    first = _structuring(customer, 1, 1.5, 2)
    evaluate_pending()
    [closed] = _alerts(customer)
    Alert.objects.filter(pk=closed.pk).update(status=Alert.Status.CLOSED)

    [late] = _structuring(customer, 2.5)
    evaluate_pending()

    follow_up = _alerts(customer).get(status=Alert.Status.OPEN)
    assert follow_up.follows_id == closed.pk
    assert _txs(follow_up) == {*first, late}
    assert _txs(Alert.objects.get(pk=closed.pk)) == set(first)  # the closed one is untouched


def test_an_alert_whose_pattern_a_late_transaction_breaks_is_withdrawn(customer):
    """Dormancy: an account quiet for 200 days wakes with PKR 700K; a transaction that took
    place in the quiet gap but arrives late shows it was never dormant."""
    ingest(tx_body(customer, amount_pkr="20000.00", at=T0 - 200 * DAY))
    woke = ingest(tx_body(customer, amount_pkr="700000.00", at=T0))
    evaluate_pending()
    [alert] = _alerts(customer, "DORMANT_REACTIVATION")
    assert woke in _txs(alert)

    ingest(tx_body(customer, amount_pkr="15000.00", at=T0 - 60 * DAY))
    evaluate_pending()

    alert.refresh_from_db()
    assert alert.status == Alert.Status.CLOSED and alert.superseded == "withdrawn"
    assert not _alerts(customer, "DORMANT_REACTIVATION").filter(status="open").exists()
    assert AuditEvent.objects.filter(action="alert.withdrawn", object_id=str(alert.pk)).exists()


def test_a_late_transaction_moving_a_closed_episodes_anchor_opens_a_follow_up(customer):
    first = _structuring(customer, 1, 1.5, 2)
    evaluate_pending()
    [closed] = _alerts(customer)
    Alert.objects.filter(pk=closed.pk).update(status=Alert.Status.CLOSED)

    [late] = _structuring(customer, 0.5)  # earlier than the episode: a new anchor, a new key
    evaluate_pending()

    follow_up = _alerts(customer).get(status=Alert.Status.OPEN)
    assert follow_up.follows_id == closed.pk and follow_up.dedupe_key != closed.dedupe_key
    assert _txs(follow_up) == {*first, late}
