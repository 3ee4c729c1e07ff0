"""Reads of core's settings tables."""

from __future__ import annotations

from datetime import date

from core.models import ClosureDate


def closure_dates() -> list[date]:
    """Extra closure days (announced Eid days, ad-hoc closures) for ``core.business_calendar``."""
    return list(ClosureDate.objects.values_list("date", flat=True))
