"""core.timestamps: every timestamp the database holds loads, the ordinary ones fast and exact,
the ones beyond Python's range at the nearest bound."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection

from core.timestamps import EARLIEST, LATEST

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-10-01 12:00:00+00", datetime(2026, 10, 1, 12, tzinfo=UTC)),
        ("2026-10-01 12:00:00.000001+00", datetime(2026, 10, 1, 12, 0, 0, 1, tzinfo=UTC)),
        ("2026-10-01 17:30:00+05:30", datetime(2026, 10, 1, 12, tzinfo=UTC)),
        ("0001-01-03 00:00:00+00", datetime(1, 1, 3, tzinfo=UTC)),
        ("9999-12-31T23:59:59-05:00", LATEST),
        ("infinity", LATEST),
        ("-infinity", EARLIEST),
        ("0044-03-15 00:00:00+00 BC", EARLIEST),
    ],
)
def test_timestamps_load_in_utc_or_at_the_nearest_bound(text, expected):
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz", [text])
        value = cursor.fetchone()[0]
    assert value == expected
    assert value.utcoffset().total_seconds() == 0
