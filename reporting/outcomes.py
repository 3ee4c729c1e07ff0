"""What the FMU answered about an STR filed for a case, passed down to compliance's rule
quality (its alerts' outcome labels). Reporting sits above compliance and calls down; nothing in
compliance imports reporting. Sent after the commit; a failure never undoes the filing's state
(the label can be written again: ``record_filing_outcome`` is idempotent)."""

from __future__ import annotations

import logging

from django.db import transaction

from reporting.models import Report

logger = logging.getLogger(__name__)


def filing_answered(report: Report) -> None:
    if report.kind != Report.Kind.STR or report.case_id is None:
        return
    case_id = report.case_id
    acknowledged = report.status == Report.Status.ACKNOWLEDGED
    at = report.acknowledged_at if acknowledged else report.rejected_at

    def tell() -> None:
        from compliance.rule_quality.services.labels import record_filing_outcome

        try:
            record_filing_outcome(case_id=case_id, acknowledged=acknowledged, at=at)
        except Exception:
            logger.exception("rule-quality labels for case %s not updated", case_id)

    transaction.on_commit(tell)
