"""Pakistan's working calendar, for filing deadlines and case SLAs.

A working day is Monday to Friday (banks, exchanges and the FMU work Mon-Fri) that is not a
public holiday of Pakistan (``holidays.country_holidays("PK")``) and not one of the extra
closure dates the caller passes. Islamic holidays move with the moon sighting and the
government sometimes extends them, so the announced dates (or any other closure) are passed
in as ``extra_closures``; they come from a settings table, not from code.

Days are Asia/Karachi days: an instant is converted to Karachi time before its date is taken.
Every function takes aware datetimes (naive ones raise ``ValueError``) and returns aware UTC.

- ``is_working_day(d, extra_closures=())``
- ``next_working_day(d, extra_closures=())``: the first working day strictly after ``d``.
- ``closure_reason(d, extra_closures=())``: why ``d`` is closed (the holiday's name, else
  "Saturday" / "Sunday", else "extra closure"), ``None`` on a working day; for showing why a
  due date moved.
- ``add_working_days(start, n, extra_closures=())``: the end (23:59:59 Karachi) of the n-th
  working day after ``start``'s Karachi date; the start day itself never counts, whatever the
  hour. ``n = 0``: the end of the start day, or of the next working day if it is closed.
- ``add_working_hours(start, hours, day_start=09:00, day_end=17:00, extra_closures=())``: the
  instant when ``hours`` of office time (Karachi, working days only) have run from ``start``.
  Time outside office hours does not count; the clock starts at the next opening.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import holidays

KARACHI = ZoneInfo("Asia/Karachi")
WEEKEND = frozenset({5, 6})  # Saturday, Sunday
END_OF_DAY = time(23, 59, 59)
_SEARCH_LIMIT_DAYS = 3660  # a deadline beyond ten years is a bug, not a deadline


@functools.lru_cache(maxsize=32)
def _public_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("PK", years=year)


def _local_date(d: date) -> date:
    if isinstance(d, datetime):
        return _local(d).date()
    return d


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"datetime {moment!r} must be timezone-aware")
    return moment.astimezone(KARACHI)


def closure_reason(d: date, extra_closures: Iterable[date] = ()) -> str | None:
    """Why the Karachi day ``d`` is not a working day; ``None`` if it is one."""
    day = _local_date(d)
    name = _public_holidays(day.year).get(day)
    if name:
        return name
    if day.weekday() in WEEKEND:
        return day.strftime("%A")
    if day in frozenset(extra_closures):
        return "extra closure"
    return None


def is_working_day(d: date, extra_closures: Iterable[date] = ()) -> bool:
    return closure_reason(d, extra_closures) is None


def next_working_day(d: date, extra_closures: Iterable[date] = ()) -> date:
    closures = frozenset(extra_closures)
    day = _local_date(d)
    for _ in range(_SEARCH_LIMIT_DAYS):
        day += timedelta(days=1)
        if is_working_day(day, closures):
            return day
    raise ValueError(f"no working day within {_SEARCH_LIMIT_DAYS} days after {d}")


def add_working_days(start: datetime, n: int, extra_closures: Iterable[date] = ()) -> datetime:
    """End of the n-th Pakistani working day after ``start`` (aware), as aware UTC."""
    if n < 0:
        raise ValueError("n must not be negative")
    closures = frozenset(extra_closures)
    day = _local(start).date()
    if n == 0 and not is_working_day(day, closures):
        day = next_working_day(day, closures)
    for _ in range(n):
        day = next_working_day(day, closures)
    return datetime.combine(day, END_OF_DAY, tzinfo=KARACHI).astimezone(UTC)


def add_working_hours(
    start: datetime,
    hours: float | Decimal | timedelta,
    day_start: time = time(9),
    day_end: time = time(17),
    extra_closures: Iterable[date] = (),
) -> datetime:
    """When ``hours`` of Karachi office time on working days have run from ``start``."""
    remaining = hours if isinstance(hours, timedelta) else timedelta(hours=float(hours))
    if remaining < timedelta(0):
        raise ValueError("hours must not be negative")
    if day_start >= day_end:
        raise ValueError("day_start must be before day_end")
    closures = frozenset(extra_closures)
    cursor = _local(start)
    day = cursor.date()
    for _ in range(_SEARCH_LIMIT_DAYS):
        if is_working_day(day, closures):
            opens = datetime.combine(day, day_start, tzinfo=KARACHI)
            closes = datetime.combine(day, day_end, tzinfo=KARACHI)
            begin = max(cursor, opens)
            if begin < closes:
                available = closes - begin
                if remaining <= available:
                    return (begin + remaining).astimezone(UTC)
                remaining -= available
        day += timedelta(days=1)
        cursor = datetime.combine(day, time(0), tzinfo=KARACHI)
    raise ValueError(f"{hours} working hours run past {_SEARCH_LIMIT_DAYS} days")
