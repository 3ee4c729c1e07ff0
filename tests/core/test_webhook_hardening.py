"""Webhook secrets encrypted, shown once, rotatable; targets public https only, checked at
delivery too; no redirects; errors without network detail; deactivation cancels the queue."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from test_webhooks import Receiver

from core import webhooks
from core.models import AuditEvent, WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db
ADD = "/admin/core/webhookendpoint/add/"
PUBLIC = "https://93.184.216.34/hooks"  # a public address literal: no DNS needed


@pytest.fixture
def production_targets(settings):
    settings.TWO_FACTOR_REQUIRED_GROUPS = []
    settings.WEBHOOK_ALLOW_HTTP = False
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _shown_secret(response) -> str:
    found = re.search(r"copy it now\)?: ([A-Za-z0-9_-]{30,})", response.content.decode())
    assert found, "the secret is shown once"
    return found.group(1)


def test_the_secret_is_shown_once_stored_encrypted_and_seen_by_no_role(
    staff_user, production_targets
):
    admin = _client(staff_user("Admin"))
    response = admin.post(
        ADD,
        {"name": "exchange", "url": PUBLIC, "event_types": "[]", "is_active": "on"},
        follow=True,
    )
    assert response.status_code == 200
    secret = _shown_secret(response)
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret == secret
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM core_webhookendpoint")
        assert secret not in str(cursor.fetchall())

    page = f"/admin/core/webhookendpoint/{endpoint.pk}/change/"
    for role in ("Admin", "MLRO", "Analyst", "Auditor"):
        seen = _client(staff_user(role)).get(page)
        assert seen.status_code in (200, 403)
        assert secret not in seen.content.decode()
        assert endpoint.secret_encrypted not in seen.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "http://93.184.216.34/hooks",
        "ftp://93.184.216.34/hooks",
        "https://169.254.169.254/latest/meta-data/",
        "https://127.0.0.1:6379/",
        "https://[::1]/x",
        "https://10.0.0.5/x",
        "https://user:pw@93.184.216.34/x",
    ],
)
def test_unsafe_targets_are_refused_when_saved(staff_user, production_targets, url):
    admin = _client(staff_user("Admin"))
    response = admin.post(ADD, {"name": "x", "url": url, "event_types": "[]", "is_active": "on"})
    assert response.status_code == 200  # the form again, with the error
    assert not WebhookEndpoint.objects.exists()


def test_the_address_is_checked_again_at_delivery_without_network_detail(production_targets):
    endpoint = WebhookEndpoint.objects.create(name="x", url="https://localhost:8443/x", secret="s")
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event_type="alert.created", body="{}"
    )
    webhooks.deliver(str(delivery.pk))
    delivery.refresh_from_db()
    assert delivery.last_error == "The host resolves to an address that is not public."
    assert delivery.status == "pending" and delivery.attempts == 1


def test_connection_errors_say_nothing_about_the_network(settings):
    endpoint = WebhookEndpoint.objects.create(name="x", url="http://127.0.0.1:9/x", secret="s")
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event_type="alert.created", body="{}"
    )
    webhooks.deliver(str(delivery.pk))
    delivery.refresh_from_db()
    assert delivery.last_error == "Connection failed."


def test_a_redirect_is_not_followed():
    target = Receiver()
    redirecting = Receiver(status=302)
    try:
        endpoint = WebhookEndpoint.objects.create(name="x", url=redirecting.url, secret="s")
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint, event_type="alert.created", body="{}"
        )
        webhooks.deliver(str(delivery.pk))
        delivery.refresh_from_db()
        assert delivery.last_status_code == 302 and delivery.status == "pending"
        assert len(redirecting.received) == 1 and target.received == []
    finally:
        target.close()
        redirecting.close()


def test_deactivating_an_endpoint_cancels_its_queued_deliveries(staff_user, settings):
    settings.TWO_FACTOR_REQUIRED_GROUPS = []
    receiver = Receiver()
    try:
        endpoint = WebhookEndpoint.objects.create(name="x", url=receiver.url, secret="s")
        queued = WebhookDelivery.objects.create(
            endpoint=endpoint, event_type="alert.created", body="{}"
        )
        admin = _client(staff_user("Admin"))
        response = admin.post(
            f"/admin/core/webhookendpoint/{endpoint.pk}/change/",
            {"name": "x", "url": receiver.url, "event_types": "[]"},  # is_active unticked
        )
        assert response.status_code == 302
        queued.refresh_from_db()
        assert queued.status == "cancelled"
        webhooks.deliver(str(queued.pk))
        assert receiver.received == []
    finally:
        receiver.close()


def test_a_rotated_secret_overlaps_with_the_previous_one(
    staff_user, settings, django_capture_on_commit_callbacks
):
    settings.TWO_FACTOR_REQUIRED_GROUPS = []
    receiver = Receiver()
    try:
        endpoint = WebhookEndpoint.objects.create(name="x", url=receiver.url, secret="old-secret")
        admin = _client(staff_user("Admin"))
        response = admin.post(
            "/admin/core/webhookendpoint/",
            {"action": "rotate_secret", "_selected_action": [str(endpoint.pk)]},
            follow=True,
        )
        new = _shown_secret(response)
        assert new != "old-secret"
        assert AuditEvent.objects.filter(action="webhook.secret_rotated").count() == 1
        assert new not in str(AuditEvent.objects.values_list("after", flat=True))

        with django_capture_on_commit_callbacks(execute=True):  # delivered on commit (eager)
            webhooks.emit("alert.created", {"alert": 1})
        headers, body = receiver.received[0]
        assert headers["X-Nigraan-Signature"] == webhooks.sign(new, body)
        assert headers["X-Nigraan-Signature-Previous"] == webhooks.sign("old-secret", body)
    finally:
        receiver.close()
