"""Reading timestamps PostgreSQL holds beyond what Python's ``datetime`` can hold.

PostgreSQL stores years up to 294276; Python stops at 9999. Rows written before the API bounded
``occurred_at`` may hold such values (``9999-12-31T23:59:59-05:00`` is year 10000 in UTC), and
one of them made every list of transactions fail to load. Such values are read as the nearest
instant that still converts to Asia/Karachi and back (a day inside each end), so the lists,
the admin and the jobs load them; the evaluation of those rows then fails on their own, and
poison isolation (``core.dead_letters``) sets them aside.
"""

from __future__ import annotations

import functools
import logging
from datetime import UTC, datetime

from django.db.backends.signals import connection_created

logger = logging.getLogger(__name__)
LATEST = datetime(9999, 12, 30, tzinfo=UTC)
EARLIEST = datetime(1, 1, 2, tzinfo=UTC)


@functools.cache
def _clamping_loader():
    from django.db.backends.postgresql.psycopg_any import BaseTzLoader
    from psycopg import DataError

    class ClampingTzLoader(BaseTzLoader):
        timezone = UTC  # what Django's cursors compare to decide whether to re-register

        def load(self, data):
            # The session speaks ISO in UTC ("2026-10-01 12:00:00.5+00"): C's fromisoformat
            # reads that several times faster than the generic parser (this runs for every
            # timestamp every query reads); anything else (BC, infinity, year 10000, another
            # DateStyle) goes the generic way below.
            try:
                value = datetime.fromisoformat(str(data, "ascii"))
            except ValueError:
                pass
            else:
                if value.tzinfo is UTC and 1 < value.year < 9999:
                    return value
            try:
                value = super().load(data)
            except DataError:
                text = bytes(data).decode(errors="replace")
                logger.warning("timestamp %s out of range: read at the nearest bound", text)
                return EARLIEST if text.startswith(("0", "-")) or "BC" in text else LATEST
            # Years 2..9998 need no clamp; testing the year is far cheaper than comparing
            # aware datetimes, and this runs for every timestamp every query reads.
            if 1 < value.year < 9999:
                return value
            return min(max(value, EARLIEST), LATEST)

    return ClampingTzLoader


def install(sender, connection, **kwargs) -> None:
    """On each new PostgreSQL connection (psycopg 3) with UTC as its time zone."""
    if connection.timezone != UTC:
        return
    try:
        from django.db.backends.postgresql.psycopg_any import is_psycopg3
    except ImportError:
        return
    if is_psycopg3:
        connection.connection.adapters.register_loader("timestamptz", _clamping_loader())


def connect() -> None:
    connection_created.connect(install, dispatch_uid="nigraan-clamping-timestamps")
