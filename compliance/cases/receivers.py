"""Cases listen to what monitoring and screening announce.

- ``compliance.monitoring.signals.alert_raised(alert_id, customer_id, typology)``: the alert
  joins its customer's live case (or opens one) at once.
- Screening hits are picked up by the ``compliance.cases.group_new_items`` sweeper (and by a
  ``hit_recorded`` signal when screening announces one).

The receivers queue ``group_items``; if the broker is unreachable the sweeper groups the item
later, so a failure here never breaks the sender's flow.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def on_alert_raised(sender, alert_id=None, **kwargs) -> None:
    _queue(alert_ids=[str(alert_id)])


def on_hit_recorded(sender, hit_id=None, hit_ids=None, **kwargs) -> None:
    ids = [str(h) for h in (hit_ids or [])] + ([str(hit_id)] if hit_id else [])
    _queue(hit_ids=ids)


def _queue(alert_ids: list[str] | None = None, hit_ids: list[str] | None = None) -> None:
    from compliance.cases.tasks import group_items

    try:
        group_items.delay(alert_ids=alert_ids or [], hit_ids=hit_ids or [])
    except Exception:  # the sweeper will group it; never fail the sender
        logger.exception("could not queue case grouping; the sweeper will pick it up")


def connect() -> None:
    from compliance.monitoring import signals as monitoring_signals

    monitoring_signals.alert_raised.connect(on_alert_raised, dispatch_uid="cases-alert-raised")
    try:
        from compliance.screening import signals as screening_signals
    except ImportError:
        return
    for name in ("hit_recorded", "hits_recorded"):
        signal = getattr(screening_signals, name, None)
        if signal is not None:
            signal.connect(on_hit_recorded, dispatch_uid=f"cases-{name}")
