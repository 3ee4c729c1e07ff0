"""A delivery that cannot be made (its endpoint's secret no longer decrypts: a key dropped too
early) is set aside as a dead letter; the other deliveries of its batch go out."""

from __future__ import annotations

import pytest
from django.test import Client
from test_webhooks import Receiver

from core import webhooks
from core.models import DeadLetter, WebhookDelivery, WebhookEndpoint
from core.tasks import deliver_due_webhooks

pytestmark = pytest.mark.django_db


def test_an_undeliverable_webhook_is_set_aside_and_the_batch_goes_out(
    django_capture_on_commit_callbacks, staff_user, settings
):
    settings.TWO_FACTOR_REQUIRED_GROUPS = []
    good, broken = Receiver(), Receiver()
    try:
        WebhookEndpoint.objects.create(name="good", url=good.url, secret="s")
        bad = WebhookEndpoint.objects.create(name="broken", url=broken.url, secret="s")
        WebhookEndpoint.objects.filter(pk=bad.pk).update(secret_encrypted="not-a-fernet-token")
        with django_capture_on_commit_callbacks(execute=True):  # the batch task, eagerly
            webhooks.emit_many("alert.created", [{"n": n} for n in range(3)])

        assert len(good.received) == 3 and broken.received == []
        letters = DeadLetter.objects.filter(kind="webhooks.delivery")
        assert letters.count() == 3 and all("InvalidToken" in x.error for x in letters)
        stuck = WebhookDelivery.objects.filter(endpoint=bad)
        assert set(stuck.values_list("next_attempt_at", flat=True)) == {None}
        assert deliver_due_webhooks() == 0  # the beat retry leaves them alone

        # Fixed (the secret set again), an officer retries them from the admin.
        bad.secret = "s"
        bad.save()
        officer = Client()
        officer.force_login(staff_user("Admin"))
        ids = [str(pk) for pk in letters.values_list("pk", flat=True)]
        with django_capture_on_commit_callbacks(execute=True):
            answer = officer.post(
                "/admin/core/deadletter/", {"action": "retry", "_selected_action": ids}
            )
        assert answer.status_code == 302
        assert len(broken.received) == 3
        assert set(stuck.values_list("status", flat=True)) == {"delivered"}
    finally:
        good.close()
        broken.close()
