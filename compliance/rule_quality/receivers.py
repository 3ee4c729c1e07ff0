"""Rule quality listens to cases: a closed case labels its alerts at once (after the commit).
A failure here never breaks the officer's decision; the ``label_missing`` sweeper catches up.
Reporting tells us about FMU acknowledgements by calling ``services.labels`` directly (it sits
above compliance), so nothing here imports reporting."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def on_case_closed(sender, case_id=None, **kwargs) -> None:
    from compliance.rule_quality.services import labels

    try:
        labels.label_cases([case_id])
    except Exception:  # the sweeper labels it later; never fail the case's flow
        logger.exception("labelling the alerts of case %s failed; the sweeper will", case_id)


def connect() -> None:
    from compliance.cases import signals as case_signals
    from compliance.monitoring import hooks
    from compliance.rule_quality.services import challengers, suppressions

    case_signals.case_closed.connect(on_case_closed, dispatch_uid="rule-quality-case-closed")
    hooks.register(shadow_gates=challengers.rollout_gates, episode_filter=suppressions)
