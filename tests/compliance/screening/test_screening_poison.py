"""A customer whose screening raises is recorded as a dead letter (not lost in a worker log);
the retry screens it again once the cause is gone."""

from __future__ import annotations

import pytest

from compliance.screening import services
from compliance.screening.tasks import screen_customer
from core import dead_letters
from core.actors import Actor
from core.models import DeadLetter
from kyc.models import Customer

pytestmark = pytest.mark.django_db


def test_a_screening_that_raises_is_set_aside_and_retried(
    monkeypatch, django_capture_on_commit_callbacks
):
    customer = Customer.objects.create(external_id="SCR-P-1", full_name="Ayesha Siddiqui")
    real = services.screen_customer
    calls = []

    def failing_once(*, customer, **kwargs):  # a fault injected once, as a matcher bug would
        calls.append(customer.pk)
        if len(calls) == 1:
            raise UnicodeError("name table cannot fold this name")
        return real(customer=customer, **kwargs)

    monkeypatch.setattr(services, "screen_customer", failing_once)
    assert screen_customer.delay(str(customer.pk)).get() == 0
    letter = DeadLetter.objects.get(kind="screening.customer")
    assert letter.item_id == str(customer.pk) and "UnicodeError" in letter.error

    with django_capture_on_commit_callbacks(execute=True):
        assert dead_letters.retry([letter], actor=Actor.automated("tests")) == 1
    assert calls == [customer.pk, customer.pk]  # screened again
    letter.refresh_from_db()
    assert letter.status == "retried" and letter.attempts == 1
