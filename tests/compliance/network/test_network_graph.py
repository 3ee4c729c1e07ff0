"""The graph kept current from kyc and monitoring, on PostgreSQL."""

from __future__ import annotations

import pytest

from compliance.monitoring.models import Alert
from compliance.network import services
from compliance.network.models import Link, LinkKey, MoneyFlow, RingMember

from .network_fixtures import T0, customer, hours, ingest, payment

pytestmark = pytest.mark.django_db


def test_customers_sharing_a_phone_are_linked_and_the_profile_change_ends_the_link():
    a = customer(mobile="+923001234567")
    b = customer(mobile="0300 1234567")
    services.update_customers([a.pk, b.pk])
    phone = LinkKey.objects.get(kind="phone")
    assert phone.holders == 2
    assert "1234567" not in phone.label  # masked
    b.mobile = "+923009999999"
    b.save()
    services.update_customers([b.pk])
    phone.refresh_from_db()
    assert phone.holders == 1
    ended = Link.objects.get(customer=b, key=phone)
    assert ended.ended_at is not None


def test_ring_paying_one_wallet_raises_one_collector_alert_naming_every_member(
    django_capture_on_commit_callbacks,
):
    ring = [customer(onboarding_device_id="dev-ring-1") for _ in range(6)]
    services.update_customers([c.pk for c in ring])
    with django_capture_on_commit_callbacks(execute=True):
        for i, member in enumerate(ring):
            ingest(payment(member, T0 + hours(i)))
    alerts = Alert.objects.filter(typology="COLLECTOR")
    assert alerts.count() == 1
    alert = alerts.get()
    members = set(RingMember.objects.filter(alert=alert).values_list("customer_id", flat=True))
    assert members == {c.pk for c in ring}
    for member in ring:
        assert member.external_id in alert.explanation
    assert MoneyFlow.objects.count() == 6
    shared = Alert.objects.get(typology="SHARED_IDENTIFIER")
    # Both alerts about the ring sit on the same member, so cases put them in one case.
    assert shared.customer_id == alert.customer_id


def test_catch_up_records_what_a_lost_signal_left_out():
    ring = [customer(onboarding_device_id="dev-lost") for _ in range(2)]
    for i, member in enumerate(ring):
        ingest(payment(member, T0 + hours(i)))  # no on-commit callbacks: the signal is lost
    assert not MoneyFlow.objects.exists()
    assert services.catch_up() >= 4
    assert MoneyFlow.objects.count() == 2
    assert LinkKey.objects.get(kind="device").holders == 2
    services.catch_up()  # again: nothing changes
    assert MoneyFlow.objects.count() == 2
