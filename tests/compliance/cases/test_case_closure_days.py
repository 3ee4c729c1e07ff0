"""Case SLAs and filing deadlines count the same closure days (core's business calendar)."""

from datetime import UTC, date, datetime

import pytest

from compliance.cases.models import Case
from compliance.cases.services import group_into_cases
from core.business_calendar import add_working_days
from core.models import ClosureDate
from reporting import selectors as reporting_selectors

pytestmark = pytest.mark.django_db

# Monday 16 March 2026 10:00 Karachi: an ordinary working morning.
MONDAY_MORNING = datetime(2026, 3, 16, 5, 0, tzinfo=UTC)


def test_an_announced_closure_pushes_a_new_cases_sla_and_the_str_deadline_alike(
    customer, make_alert
):
    # Tuesday 17 March announced closed: a 1-working-day SLA runs to the end of Wednesday.
    ClosureDate.objects.create(date=date(2026, 3, 17), description="Announced closure")
    alert = make_alert(customer, severity="high")  # default policy: 1 working day

    group_into_cases(alert_ids=[alert.pk], now=MONDAY_MORNING)

    case = Case.objects.get(customer=customer)
    assert case.sla_due_at == datetime(2026, 3, 18, 18, 59, 59, tzinfo=UTC)
    assert reporting_selectors.closure_dates() == [date(2026, 3, 17)]
    # The STR filed on the same suspicion is due one working day later than without it.
    working_days = reporting_selectors.filing_settings().str_working_days
    without = add_working_days(MONDAY_MORNING, working_days)
    assert reporting_selectors.str_due_for(MONDAY_MORNING) == add_working_days(without, 1)
