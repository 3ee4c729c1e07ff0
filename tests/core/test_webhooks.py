import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone

from core import webhooks
from core.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db(transaction=True)


class Receiver:
    """A real HTTP endpoint on loopback that records what it receives."""

    def __init__(self, status: int = 200):
        self.status = status
        self.received: list[tuple[dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def test_signature_is_hmac_sha256_of_the_raw_body():
    body = b'{"type":"alert.created"}'
    expected = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert webhooks.sign("s3cret", body) == f"sha256={expected}"


def test_event_is_delivered_signed_and_logged(receiver):
    WebhookEndpoint.objects.create(name="exchange", url=receiver.url, secret="s3cret")
    webhooks.emit("customer.frozen", {"customer": "U-1"})  # eager: delivered on commit
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    headers, body = receiver.received[0]
    assert headers["X-Nigraan-Signature"] == webhooks.sign("s3cret", body)
    assert headers["X-Nigraan-Event"] == "customer.frozen"
    assert json.loads(body)["data"] == {"customer": "U-1"}
    assert delivery.log.count() == 1


def test_endpoint_only_gets_the_events_it_subscribed_to(receiver):
    WebhookEndpoint.objects.create(
        name="alerts only", url=receiver.url, secret="x", event_types=["alert.created"]
    )
    assert webhooks.emit("customer.frozen", {}) == []
    assert len(webhooks.emit("alert.created", {})) == 1


def test_failed_delivery_is_retried_with_backoff_then_succeeds(receiver):
    receiver.status = 503
    WebhookEndpoint.objects.create(name="exchange", url=receiver.url, secret="s")
    webhooks.emit("alert.created", {"alert": 1})
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.attempts == 1
    assert delivery.last_status_code == 503
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=20)

    # not due yet: the beat sweep leaves it alone
    assert webhooks.due_delivery_ids() == []
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    receiver.status = 200
    from core.tasks import deliver_due_webhooks

    assert deliver_due_webhooks() == 1
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert [a.status_code for a in delivery.log.all()] == [503, 200]


def test_backoff_grows_and_is_capped():
    assert webhooks.backoff(1) == timedelta(seconds=30)
    assert webhooks.backoff(2) == timedelta(seconds=60)
    assert webhooks.backoff(30) == webhooks.MAX_BACKOFF


def test_delivery_gives_up_after_the_maximum_attempts(settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    endpoint = WebhookEndpoint.objects.create(name="dead", url="http://127.0.0.1:9/x", secret="s")
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event_type="alert.created", body="{}", next_attempt_at=timezone.now()
    )
    webhooks.deliver(str(delivery.pk))
    webhooks.deliver(str(delivery.pk))
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts == 2
    assert delivery.last_error == "Connection failed."  # no network detail


def test_a_batch_of_events_costs_one_insert_and_is_delivered(
    receiver, django_assert_max_num_queries
):
    WebhookEndpoint.objects.create(name="exchange", url=receiver.url, secret="s")
    from django.db import transaction

    with transaction.atomic(), django_assert_max_num_queries(2):  # the endpoints, one insert
        deliveries = webhooks.emit_many("transaction.screened", [{"n": n} for n in range(50)])
    # committed: the deliveries went out (eagerly here)
    assert len(deliveries) == 50
    assert WebhookDelivery.objects.filter(status=WebhookDelivery.Status.DELIVERED).count() == 50
    assert len(receiver.received) == 50
