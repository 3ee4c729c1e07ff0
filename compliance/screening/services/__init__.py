"""Screening's state changes, one module per business action family:

- ``imports``: ``import_watchlist`` (new list version, delta, closes hits of removed entries).
- ``rescreen``: delta rescreen of the customer base against a version's new/changed entries.
- ``screening``: ``screen_customer``, ``screen_wallet``, ``screen_counterparty``.
- ``decisions``: ``mark_true_match``, ``confirm_true_match`` (four-eyes), ``return_true_match``,
  ``mark_false_positive``.
- ``hits``: storing found matches as hits (duplicates and remembered false positives left out).
"""

from compliance.screening.services.decisions import (
    confirm_true_match,
    mark_false_positive,
    mark_true_match,
    return_true_match,
)
from compliance.screening.services.hits import close_hits_of_removed_entries, record_hits
from compliance.screening.services.imports import ImportResult, import_watchlist
from compliance.screening.services.rescreen import (
    RescreenResult,
    plan_rescreen,
    rescreen_range,
    rescreen_version,
)
from compliance.screening.services.screening import (
    screen_counterparty,
    screen_customer,
    screen_wallet,
)

__all__ = [
    "ImportResult",
    "RescreenResult",
    "close_hits_of_removed_entries",
    "confirm_true_match",
    "import_watchlist",
    "mark_false_positive",
    "mark_true_match",
    "plan_rescreen",
    "record_hits",
    "rescreen_range",
    "rescreen_version",
    "return_true_match",
    "screen_counterparty",
    "screen_customer",
    "screen_wallet",
]
