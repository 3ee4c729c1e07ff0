"""Outcome labels, written without an officer's click: when a case closes, each of its alerts
gets the label its outcome implies; when the FMU acknowledges or rejects the STR filed for a
case, its alerts' labels carry that too (reporting calls ``record_filing_outcome``).

Idempotent: labelling a case again writes the same rows; a changed label is audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from compliance.cases.models import Case, CaseAlert
from compliance.rule_quality.labels import label_for
from compliance.rule_quality.models import AlertLabel
from core import audit
from core.actors import Actor

ACTOR = Actor.automated("rule-quality")
SWEEP_BATCH = 500


@transaction.atomic
def label_cases(case_ids: Iterable) -> int:
    """Label the alerts of these cases that are closed; returns the labels written or changed."""
    cases = {
        c["id"]: c
        for c in Case.objects.filter(pk__in=list(case_ids), status=Case.Status.CLOSED).values(
            "id", "outcome", "escalated_at", "closed_at"
        )
    }
    if not cases:
        return 0
    links = CaseAlert.objects.filter(case_id__in=cases, alert__is_shadow=False).values_list(
        "alert_id",
        "case_id",
        "alert__rule_id",
        "alert__rule_version_id",
        "alert__customer_id",
        "alert__created_at",
    )
    existing = {
        row[0]: row[1:]
        for row in AlertLabel.objects.filter(case_id__in=cases).values_list(
            "alert_id", "label", "true_positive"
        )
    }
    rows, entries = [], []
    for alert_id, case_id, rule_id, version_id, customer_id, created_at in links:
        case = cases[case_id]
        label, positive = label_for(
            outcome=case["outcome"], escalated=case["escalated_at"] is not None
        )
        if existing.get(alert_id) == (label, positive):
            continue
        row = AlertLabel(
            alert_id=alert_id,
            rule_id=rule_id,
            rule_version_id=version_id,
            customer_id=customer_id,
            case_id=case_id,
            label=label,
            true_positive=positive,
            alert_created_at=created_at,
            dispositioned_at=case["closed_at"],
        )
        rows.append(row)
        entries.append(
            audit.Entry(
                actor=ACTOR,
                action="alert.labelled",
                obj=row,
                before={"label": existing[alert_id][0]} if alert_id in existing else None,
                after={
                    "alert": str(alert_id),
                    "label": label,
                    "true_positive": positive,
                    "rule_version": version_id,
                    "case": str(case_id),
                },
            )
        )
    if rows:
        AlertLabel.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["alert"],
            update_fields=["label", "true_positive", "case", "dispositioned_at", "updated_at"],
        )
        audit.record_many(entries)
    return len(rows)


@transaction.atomic
def record_filing_outcome(*, case_id, acknowledged: bool, at: datetime | None = None) -> int:
    """The FMU's answer to the STR filed for ``case_id``; returns the labels updated."""
    label_cases([case_id])
    filing = AlertLabel.Filing.ACKNOWLEDGED if acknowledged else AlertLabel.Filing.REJECTED
    updated = AlertLabel.objects.filter(case_id=case_id).update(
        filing=filing, filing_at=at or timezone.now(), updated_at=timezone.now()
    )
    if updated:
        audit.record(
            actor=ACTOR,
            action="alert.filing_outcome_labelled",
            after={"case": str(case_id), "filing": filing, "alerts": updated},
        )
    return updated


def label_missing(limit: int = SWEEP_BATCH) -> int:
    """Sweeper: closed cases whose alerts carry no label yet (a lost signal)."""
    case_ids = list(
        CaseAlert.objects.filter(
            case__status=Case.Status.CLOSED, alert__is_shadow=False, alert__label__isnull=True
        )
        .values_list("case_id", flat=True)
        .distinct()[:limit]
    )
    return label_cases(case_ids) if case_ids else 0
