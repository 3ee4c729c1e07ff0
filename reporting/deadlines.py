"""When a filing is due at the FMU, in Pakistani working days (``core.business_calendar``).

- ``str_due_at(suspicion_formed_at, working_days=7, extra_closures=())``: the STR clock starts
  when suspicion is formed (the officer's or MLRO's decision), not when the transaction or the
  alert happened. AMLA 2010 s.7(1): "promptly", and not later than seven working days after
  forming the suspicion.
- ``ctr_due_at(transaction_at, schedule_days, extra_closures=())``: a CTR is due a configured
  number of working days after the cash transaction.

Both the number of working days and the extra closure dates (announced Eid days, ad-hoc
closures) are settings held in the database; callers pass them in. Both return the end of the
due day (23:59:59 Asia/Karachi) as an aware UTC datetime.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from core.business_calendar import add_working_days


def str_due_at(
    suspicion_formed_at: datetime, working_days: int = 7, extra_closures: Iterable[date] = ()
) -> datetime:
    """Due time of an STR whose suspicion was formed at ``suspicion_formed_at`` (aware)."""
    return add_working_days(suspicion_formed_at, working_days, extra_closures)


def ctr_due_at(
    transaction_at: datetime, schedule_days: int, extra_closures: Iterable[date] = ()
) -> datetime:
    """Due time of the CTR for a cash transaction made at ``transaction_at`` (aware)."""
    return add_working_days(transaction_at, schedule_days, extra_closures)
