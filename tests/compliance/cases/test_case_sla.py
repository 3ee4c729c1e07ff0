"""Case SLAs over Pakistani weekends and public holidays (pure, no database).

2026 closures used below (holidays.country_holidays("PK")): Eid al-Fitr Fri 20 and Sat 21
March, Pakistan Day Mon 23 March, Eid al-Adha Tue 26 to Thu 28 May. Office hours 09:00-17:00.
"""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from compliance.cases.sla import (
    WORKING_DAYS,
    WORKING_HOURS,
    SlaClock,
    SlaStatus,
    SlaTerms,
    clock_for,
    status_at,
    time_left,
)

KARACHI = ZoneInfo("Asia/Karachi")
FOUR_HOURS = SlaTerms(unit=WORKING_HOURS, amount=4)


def pkt(*args: int) -> datetime:
    return datetime(*args, tzinfo=KARACHI)


def end_of(d: date) -> datetime:
    return datetime.combine(d, time(23, 59, 59), tzinfo=KARACHI).astimezone(UTC)


def test_working_hours_within_one_office_day():
    assert clock_for(pkt(2026, 3, 16, 10), FOUR_HOURS).due_at == pkt(2026, 3, 16, 14)


def test_working_hours_skip_the_weekend():
    # Friday 13 March 15:00: two hours on Friday, two on Monday morning.
    assert clock_for(pkt(2026, 3, 13, 15), FOUR_HOURS).due_at == pkt(2026, 3, 16, 11)


def test_working_hours_skip_eid_al_fitr_the_weekend_and_pakistan_day():
    # Thursday 19 March 15:00: Fri-Sat Eid, Sunday, Monday Pakistan Day; due Tuesday 11:00.
    assert clock_for(pkt(2026, 3, 19, 15), FOUR_HOURS).due_at == pkt(2026, 3, 24, 11)


def test_working_hours_skip_the_three_days_of_eid_al_adha():
    terms = SlaTerms(unit=WORKING_HOURS, amount=8)
    # Monday 25 May 16:30: half an hour on Monday, then Friday 29 May from 09:00.
    assert clock_for(pkt(2026, 5, 25, 16, 30), terms).due_at == pkt(2026, 5, 29, 16, 30)


def test_a_case_opened_on_a_saturday_night_starts_its_clock_on_monday_morning():
    assert clock_for(pkt(2026, 3, 14, 20), FOUR_HOURS).due_at == pkt(2026, 3, 16, 13)


def test_an_announced_extra_closure_pushes_the_due_time():
    announced = [date(2026, 3, 24)]  # e.g. an Eid holiday extended by notification
    due = clock_for(pkt(2026, 3, 19, 15), FOUR_HOURS, extra_closures=announced).due_at
    assert due == pkt(2026, 3, 25, 11)


def test_one_working_day_from_a_friday_is_the_end_of_monday():
    terms = SlaTerms(unit=WORKING_DAYS, amount=1)
    assert clock_for(pkt(2026, 3, 13, 10), terms).due_at == end_of(date(2026, 3, 16))


def test_working_days_skip_eid_and_pakistan_day():
    terms = SlaTerms(unit=WORKING_DAYS, amount=2)
    # Opened Thursday 19 March: Tuesday 24 is day one, Wednesday 25 day two.
    assert clock_for(pkt(2026, 3, 19, 9), terms).due_at == end_of(date(2026, 3, 25))


def test_the_opening_day_never_counts_whatever_the_hour():
    terms = SlaTerms(unit=WORKING_DAYS, amount=1)
    early = clock_for(pkt(2026, 3, 16, 0, 1), terms).due_at
    late = clock_for(pkt(2026, 3, 16, 23, 59), terms).due_at
    assert early == late == end_of(date(2026, 3, 17))


def test_at_risk_after_three_quarters_of_the_working_hours():
    clock = clock_for(pkt(2026, 3, 19, 15), FOUR_HOURS)
    assert clock.at_risk_at == pkt(2026, 3, 24, 10)  # 3 of 4 office hours gone


def test_at_risk_after_three_quarters_of_the_working_days():
    terms = SlaTerms(unit=WORKING_DAYS, amount=5)
    clock = clock_for(pkt(2026, 3, 16, 10), terms)
    # Tue 17, Wed 18, Thu 19, (Eid, weekend, Pakistan Day), Tue 24, Wed 25.
    assert clock.due_at == end_of(date(2026, 3, 25))
    assert clock.at_risk_at == end_of(date(2026, 3, 19))  # after 3 full working days


def test_a_one_day_sla_is_at_risk_on_its_due_day():
    clock = clock_for(pkt(2026, 3, 13, 10), SlaTerms(unit=WORKING_DAYS, amount=1))
    assert clock.at_risk_at == end_of(date(2026, 3, 15))
    assert status_at(clock, pkt(2026, 3, 16, 9)) is SlaStatus.AT_RISK


def test_status_moves_from_on_track_to_at_risk_to_breached():
    clock = clock_for(pkt(2026, 3, 16, 9), FOUR_HOURS)  # at risk 12:00, due 13:00
    assert status_at(clock, pkt(2026, 3, 16, 11, 59)) is SlaStatus.ON_TRACK
    assert status_at(clock, pkt(2026, 3, 16, 12)) is SlaStatus.AT_RISK
    assert status_at(clock, pkt(2026, 3, 16, 12, 59, 59)) is SlaStatus.AT_RISK
    assert status_at(clock, pkt(2026, 3, 16, 13)) is SlaStatus.BREACHED


def test_a_closed_case_met_or_missed_its_sla_whatever_the_time_now():
    clock = clock_for(pkt(2026, 3, 16, 9), FOUR_HOURS)
    later = pkt(2026, 4, 1)
    assert status_at(clock, later, closed_at=pkt(2026, 3, 16, 13)) is SlaStatus.MET
    assert status_at(clock, later, closed_at=pkt(2026, 3, 16, 13, 0, 1)) is SlaStatus.MISSED


def test_time_left_turns_negative_once_overdue():
    clock = clock_for(pkt(2026, 3, 16, 9), FOUR_HOURS)
    assert time_left(clock, pkt(2026, 3, 16, 12)) == timedelta(hours=1)
    assert time_left(clock, pkt(2026, 3, 16, 14)) == timedelta(hours=-1)


def test_a_raised_priority_shortens_the_sla_and_never_extends_it():
    slow = SlaClock(due_at=pkt(2026, 3, 25), at_risk_at=pkt(2026, 3, 24))
    fast = SlaClock(due_at=pkt(2026, 3, 17), at_risk_at=pkt(2026, 3, 16))
    assert slow.tightened_by(fast) == fast
    assert fast.tightened_by(slow) == fast


def test_terms_refuse_unknown_units_and_impossible_shares():
    with pytest.raises(ValueError):
        SlaTerms(unit="calendar_days", amount=3)
    with pytest.raises(ValueError):
        SlaTerms(unit=WORKING_DAYS, amount=3, at_risk_after=Decimal("1.5"))
    with pytest.raises(ValueError):
        SlaTerms(unit=WORKING_DAYS, amount=-1)


def test_a_naive_opening_time_is_refused():
    with pytest.raises(ValueError):
        clock_for(datetime(2026, 3, 16, 9), FOUR_HOURS)


def test_terms_describe_themselves_for_the_timeline():
    assert FOUR_HOURS.describe() == "4 working hours"
    assert SlaTerms(unit=WORKING_DAYS, amount=1).describe() == "1 working day"
