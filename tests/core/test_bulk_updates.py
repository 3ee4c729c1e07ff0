"""core.bulk_updates.update_rows: many rows, each with its own values, in one statement."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.bulk_updates import insert_rows, update_rows
from core.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


def _endpoint(name: str) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        name=name, url=f"https://{name}.example.org/hooks", secret="s" * 32, event_types=["a"]
    )


def test_each_row_gets_its_own_values_in_one_statement(django_assert_num_queries):
    first, second = _endpoint("first"), _endpoint("second")
    rows = [
        WebhookDelivery.objects.create(endpoint=first, event_type="alert.created", body="{}")
        for _ in range(3)
    ]
    untouched = WebhookDelivery.objects.create(endpoint=first, event_type="x", body="{}")
    when = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    for i, row in enumerate(rows):
        row.endpoint = second if i == 1 else first  # a foreign key
        row.attempts = i + 1  # integers
        row.next_attempt_at = None if i == 0 else when  # null and a timestamp
        row.last_error = f"error {i} with 'quotes' and ; semicolons"  # text
    with django_assert_num_queries(1):
        assert update_rows(WebhookDelivery, rows, ["endpoint", "attempts", "next_attempt_at",
                                                   "last_error"]) == 3  # fmt: skip
    stored = {d.pk: d for d in WebhookDelivery.objects.all()}
    for i, row in enumerate(rows):
        got = stored[row.pk]
        assert got.endpoint_id == (second.pk if i == 1 else first.pk)
        assert got.attempts == i + 1
        assert got.next_attempt_at == (None if i == 0 else when)
        assert got.last_error == row.last_error
    assert stored[untouched.pk].attempts == 0 and stored[untouched.pk].last_error == ""


def test_json_columns_keep_their_structure():
    endpoints = [_endpoint("one"), _endpoint("two")]
    endpoints[0].event_types = ["alert.created", "transaction.screened"]
    endpoints[1].event_types = []
    update_rows(WebhookEndpoint, endpoints, ["event_types"])
    assert [e.event_types for e in WebhookEndpoint.objects.order_by("name")] == [
        ["alert.created", "transaction.screened"],
        [],
    ]


def test_no_rows_no_statement(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert update_rows(WebhookDelivery, [], ["attempts"]) == 0


def test_insert_rows_copies_rows_with_their_defaults_and_auto_stamps():
    endpoint = _endpoint("copy")
    rows = [
        WebhookDelivery(endpoint=endpoint, event_type="alert.created", body='{"n": 1}'),
        WebhookDelivery(
            endpoint=endpoint, event_type="transaction.screened", body="{}", attempts=2,
            last_error="tab\there, newline\nthere, back\\slash and 'quotes'",
        ),
    ]  # fmt: skip
    assert insert_rows(WebhookDelivery, rows) == 2  # one COPY (not an ORM query to count)
    stored = list(WebhookDelivery.objects.filter(endpoint=endpoint).order_by("event_type"))
    assert [d.event_type for d in stored] == ["alert.created", "transaction.screened"]
    assert stored[1].attempts == 2 and stored[1].last_error == rows[1].last_error
    assert all(d.pk and d.created_at for d in stored)  # the sequence and auto_now_add filled


def test_insert_rows_keeps_json_structure():
    rows = [
        WebhookEndpoint(name=name, url=f"https://{name}.example.org/h", secret="s" * 32,
                        event_types=types)
        for name, types in (("a", ["alert.created"]), ("b", []))
    ]  # fmt: skip
    insert_rows(WebhookEndpoint, rows)
    got = dict(
        WebhookEndpoint.objects.filter(name__in=["a", "b"]).values_list("name", "event_types")
    )
    assert got == {"a": ["alert.created"], "b": []}
