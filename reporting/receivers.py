"""Reporting listens to the apps below it (it never is listened to: tipping-off, layering).

- ``compliance.monitoring.signals.large_cash_detected(transaction_id)`` -> CTR draft;
- ``compliance.screening.signals.true_match_confirmed(hit_id)`` -> STR-F draft;
- ``compliance.cases.signals.str_approved(case_id, decision_id)`` -> STR draft.

A signal module that does not exist (yet) is skipped: the services stay callable directly and
the CTR beat sweep finds qualifying cash transactions by query anyway.
"""

from __future__ import annotations

import importlib
import logging

logger = logging.getLogger(__name__)


def on_large_cash(sender, transaction_id=None, **kwargs) -> None:
    from reporting.tasks import draft_ctr

    try:
        draft_ctr.delay(str(transaction_id))
    except Exception:  # never fail monitoring: the hourly sweep drafts it
        logger.exception("CTR for %s not queued; the sweep will draft it", transaction_id)


def on_true_match(sender, hit_id=None, **kwargs) -> None:
    from reporting.tasks import draft_strf

    try:
        draft_strf.delay(str(hit_id))
    except Exception:  # never fail the officer's decision; the draft can be made from the admin
        logger.exception("STR-F draft for hit %s failed", hit_id)


def on_str_approved(sender, case_id=None, decision_id=None, **kwargs) -> None:
    from reporting.tasks import draft_str

    try:
        draft_str.delay(str(case_id), str(decision_id) if decision_id else None)
    except Exception:  # never fail the MLRO's decision; the draft can be made from the admin
        logger.exception("STR draft for case %s failed", case_id)


SUBSCRIPTIONS = (
    ("compliance.monitoring.signals", "large_cash_detected", on_large_cash),
    ("compliance.screening.signals", "true_match_confirmed", on_true_match),
    ("compliance.cases.signals", "str_approved", on_str_approved),
)


def connect() -> list[str]:
    """Subscribe to the signals that exist; returns the ones connected."""
    connected = []
    for module_name, signal_name, receiver in SUBSCRIPTIONS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue
        signal = getattr(module, signal_name, None)
        if signal is None:
            continue
        signal.connect(receiver, dispatch_uid=f"reporting.{signal_name}")
        connected.append(f"{module_name}.{signal_name}")
    return connected
