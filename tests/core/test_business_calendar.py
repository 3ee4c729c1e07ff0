"""Pakistani working calendar and FMU deadlines across weekends and Eid.

2026 closures used below, from holidays.country_holidays("PK"):
Eid al-Fitr Fri 20 and Sat 21 March, Pakistan Day Mon 23 March, Labour Day Fri 1 May,
Eid al-Adha Tue 26 to Thu 28 May, Iqbal Day Mon 9 November.
"""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from core.business_calendar import (
    add_working_days,
    add_working_hours,
    closure_reason,
    is_working_day,
    next_working_day,
)
from reporting.deadlines import ctr_due_at, str_due_at

KARACHI = ZoneInfo("Asia/Karachi")


def pkt(*args: int) -> datetime:
    return datetime(*args, tzinfo=KARACHI)


def end_of_day_pkt(d: date) -> datetime:
    return datetime.combine(d, time(23, 59, 59), tzinfo=KARACHI).astimezone(UTC)


def test_the_2026_closures_these_tests_rely_on():
    assert closure_reason(date(2026, 3, 20)) == "Eid al-Fitr"
    assert closure_reason(date(2026, 3, 21)) == "Eid al-Fitr"
    assert closure_reason(date(2026, 3, 23)) == "Pakistan Day"
    assert closure_reason(date(2026, 5, 26)) == "Eid al-Adha"
    assert closure_reason(date(2026, 5, 28)).startswith("Eid al-Adha")
    assert closure_reason(date(2026, 11, 9)) == "Iqbal Day"


def test_weekdays_are_working_days_and_weekends_are_not():
    assert is_working_day(date(2026, 3, 18))  # Wednesday
    assert not is_working_day(date(2026, 3, 28))  # Saturday
    assert not is_working_day(date(2026, 3, 29))  # Sunday
    assert closure_reason(date(2026, 3, 29)) == "Sunday"


def test_extra_closure_dates_close_a_working_day():
    announced = {date(2026, 3, 24)}  # government extends the Eid holidays by a day

    assert is_working_day(date(2026, 3, 24))
    assert not is_working_day(date(2026, 3, 24), announced)
    assert closure_reason(date(2026, 3, 24), announced) == "extra closure"


def test_next_working_day_skips_eid_weekend_and_pakistan_day():
    assert next_working_day(date(2026, 3, 19)) == date(2026, 3, 24)


def test_str_due_date_skips_eid_ul_fitr_weekend_and_pakistan_day():
    # Day 1 Thu 19 Mar; Fri 20 - Mon 23 closed; days 2-7 Tue 24 Mar - Tue 31 Mar.
    due = str_due_at(pkt(2026, 3, 18, 10, 0))

    assert due == end_of_day_pkt(date(2026, 3, 31))
    assert due.tzinfo is UTC
    assert due.astimezone(KARACHI).isoformat() == "2026-03-31T23:59:59+05:00"


def test_str_due_date_skips_the_three_days_of_eid_ul_adha():
    # Tue 26 - Thu 28 May closed; days 1-7 Fri 29 May - Mon 8 Jun.
    assert str_due_at(pkt(2026, 5, 25, 15, 0)) == end_of_day_pkt(date(2026, 6, 8))


def test_str_due_date_moves_with_an_announced_extra_eid_day():
    due = str_due_at(pkt(2026, 3, 18, 10, 0), extra_closures=[date(2026, 3, 24)])

    assert due == end_of_day_pkt(date(2026, 4, 1))


def test_str_clock_counts_from_the_day_after_suspicion_even_late_in_the_day():
    # Formed Monday 23:50 local: Monday does not count, Tuesday is day 1.
    assert str_due_at(pkt(2026, 4, 6, 23, 50), working_days=1) == end_of_day_pkt(date(2026, 4, 7))


def test_str_clock_uses_the_karachi_date_not_the_utc_date():
    # 20:30 UTC on Wednesday 18 March is 01:30 on Thursday 19 March in Karachi.
    formed = datetime(2026, 3, 18, 20, 30, tzinfo=UTC)

    assert str_due_at(formed) == end_of_day_pkt(date(2026, 4, 1))


def test_suspicion_formed_on_a_weekend_counts_from_the_next_working_day():
    # Sat 7 Nov; Mon 9 Nov is Iqbal Day; days 1-7 Tue 10 - Wed 18 Nov.
    assert str_due_at(pkt(2026, 11, 7, 12, 0)) == end_of_day_pkt(date(2026, 11, 18))


def test_the_number_of_str_working_days_is_a_setting():
    assert str_due_at(pkt(2026, 3, 18, 10, 0), working_days=3) == end_of_day_pkt(date(2026, 3, 25))


def test_ctr_due_date_follows_the_configured_schedule_across_eid_ul_adha():
    # Thu 21 May cash deposit, 5 working days: Fri 22, Mon 25, Fri 29, Mon 1, Tue 2 Jun.
    assert ctr_due_at(pkt(2026, 5, 21, 12, 40), schedule_days=5) == end_of_day_pkt(date(2026, 6, 2))


def test_zero_working_days_is_the_end_of_the_day_or_of_the_next_open_day():
    assert add_working_days(pkt(2026, 3, 18, 10, 0), 0) == end_of_day_pkt(date(2026, 3, 18))
    assert add_working_days(pkt(2026, 3, 20, 10, 0), 0) == end_of_day_pkt(date(2026, 3, 24))


def test_naive_datetimes_and_negative_counts_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        str_due_at(datetime(2026, 3, 18, 10, 0))
    with pytest.raises(ValueError, match="negative"):
        add_working_days(pkt(2026, 3, 18, 10, 0), -1)


# ------------------------------------------------------------------------------- SLA hours


def test_sla_hours_stop_over_the_weekend():
    # Friday 15:00 + 4 h: 2 h on Friday until 17:00, 2 h on Monday from 09:00.
    due = add_working_hours(pkt(2026, 1, 9, 15, 0), 4)

    assert due == pkt(2026, 1, 12, 11, 0).astimezone(UTC)
    assert due.tzinfo is UTC


def test_sla_hours_stop_over_eid_ul_fitr_and_pakistan_day():
    # Thursday 19 March 16:00 + 2 h: 1 h on Thursday, then Tuesday 24 March 09:00-10:00.
    assert add_working_hours(pkt(2026, 3, 19, 16, 0), 2) == pkt(2026, 3, 24, 10, 0).astimezone(UTC)


def test_sla_clock_starts_at_opening_when_the_case_arrives_out_of_hours():
    assert add_working_hours(pkt(2026, 1, 12, 7, 0), 1) == pkt(2026, 1, 12, 10, 0).astimezone(UTC)
    assert add_working_hours(pkt(2026, 1, 10, 20, 0), 3) == pkt(2026, 1, 12, 12, 0).astimezone(UTC)
    assert add_working_hours(pkt(2026, 1, 12, 18, 0), 1) == pkt(2026, 1, 13, 10, 0).astimezone(UTC)


def test_a_full_office_day_ends_at_closing_time_not_the_next_morning():
    assert add_working_hours(pkt(2026, 1, 12, 9, 0), 8) == pkt(2026, 1, 12, 17, 0).astimezone(UTC)


def test_sla_office_hours_and_duration_types_are_configurable():
    start = pkt(2026, 1, 12, 9, 0)
    expected = pkt(2026, 1, 13, 11, 30).astimezone(UTC)

    assert add_working_hours(start, 12, day_start=time(8), day_end=time(18)) == pkt(
        2026, 1, 13, 11, 0
    ).astimezone(UTC)
    assert add_working_hours(start, Decimal("10.5")) == expected
    assert add_working_hours(start, timedelta(hours=10, minutes=30)) == expected


def test_sla_hours_respect_extra_closures():
    closed_monday = {date(2026, 1, 12)}

    assert add_working_hours(pkt(2026, 1, 9, 15, 0), 4, extra_closures=closed_monday) == pkt(
        2026, 1, 13, 11, 0
    ).astimezone(UTC)
