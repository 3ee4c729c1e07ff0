"""Cases listen to what monitoring and screening announce.

- ``compliance.monitoring.signals.alert_raised(alert_id, customer_id, typology)``: the alert
  joins its customer's live case (or opens one) at once; ``alerts_raised(alert_ids)``: the same
  for an evaluation batch's alerts, in one task.
- ``compliance.screening.signals.hits_recorded(hit_ids)``: likewise for new screening hits.
- Anything a lost signal left behind is grouped by the ``compliance.cases.group_new_items``
  sweeper (beat).

The receivers queue ``group_items``; if the broker is unreachable the sweeper groups the item
later, so a failure here never breaks the sender's flow.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

logger = logging.getLogger(__name__)


def on_alert_raised(sender, alert_id=None, **kwargs) -> None:
    _queue(alert_ids=[str(alert_id)])


def on_alerts_raised(sender, alert_ids=(), **kwargs) -> None:
    if alert_ids:
        _queue(alert_ids=[str(a) for a in alert_ids])


def on_hit_recorded(sender, hit_ids=(), **kwargs) -> None:
    _queue(hit_ids=[str(h) for h in hit_ids])


def _queue(alert_ids: list[str] | None = None, hit_ids: list[str] | None = None) -> None:
    from compliance.cases.tasks import group_items

    try:
        group_items.delay(alert_ids=alert_ids or [], hit_ids=hit_ids or [])
    except Exception:  # the sweeper will group it; never fail the sender
        logger.exception("could not queue case grouping; the sweeper will pick it up")


def _subscriptions() -> list[tuple]:
    from compliance.monitoring import signals as monitoring_signals
    from compliance.screening import signals as screening_signals

    return [
        (monitoring_signals.alert_raised, on_alert_raised, "cases-alert-raised"),
        (monitoring_signals.alerts_raised, on_alerts_raised, "cases-alerts-raised"),
        (screening_signals.hits_recorded, on_hit_recorded, "cases-hits-recorded"),
    ]


def connect() -> None:
    for signal, receiver, uid in _subscriptions():
        signal.connect(receiver, dispatch_uid=uid)


@contextmanager
def paused() -> Iterator[None]:
    """Hold automatic grouping (the demo groups a backlog itself, as of an earlier time)."""
    for signal, _, uid in _subscriptions():
        signal.disconnect(dispatch_uid=uid)
    try:
        yield
    finally:
        connect()
