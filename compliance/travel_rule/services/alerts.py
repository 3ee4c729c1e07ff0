"""Raising TRAVEL_RULE_MISMATCH alerts from received travel-rule data.

The rule is an ordinary versioned monitoring rule (``PK-TRAVEL-RULE-MISMATCH``); its live
versions are asked to ``compare`` the data, and findings are stored as monitoring alerts (one
per rule and transfer; shadow versions record without raising), announced like the others.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from compliance.monitoring import rulebook
from compliance.monitoring.models import Alert, AlertTransaction
from compliance.monitoring.signals import alert_raised
from compliance.monitoring.typologies.travel_rule import ReceivedTravelData, TravelRuleMismatch
from core import audit
from core.actors import Actor

ACTOR = Actor.automated("travel-rule")


def compare_and_alert(data: ReceivedTravelData) -> list[str]:
    """Run every live mismatch rule; returns the explanations of the live (not shadow) findings."""
    explanations = []
    now = timezone.now()
    for rule in rulebook.live_rules():
        if rule.typology != TravelRuleMismatch.code or not hasattr(rule.runnable, "compare"):
            continue
        finding = rule.runnable.compare(data)
        if finding is None:
            continue
        _store(rule, data, finding, now)
        if not rule.is_shadow:
            explanations.append(finding.explanation)
    return explanations


def _store(rule, data: ReceivedTravelData, finding, now) -> None:
    existing = (
        Alert.objects.filter(
            rule_id=rule.rule_id, is_shadow=rule.is_shadow, dedupe_key=finding.dedupe_key
        )
        .exclude(status=Alert.Status.CLOSED)
        .first()
    )
    alert = existing
    if alert is None:
        alert = Alert(
            id=uuid.uuid4(),
            customer_id=data.customer_id,
            typology=finding.typology_code,
            rule_id=rule.rule_id,
            rule_version_id=rule.version_id,
            severity=rule.severity,
            score=Decimal(str(round(min(max(finding.score, 0.0), 1.0), 3))),
            explanation=finding.explanation,
            facts={k: str(v) for k, v in finding.facts.items()},
            dedupe_key=finding.dedupe_key,
            is_shadow=rule.is_shadow,
            finding_size=len(finding.transaction_ids),
        )
        created = Alert.objects.bulk_create([alert], ignore_conflicts=True)
        if not created or created[0].pk is None or not Alert.objects.filter(pk=alert.pk).exists():
            return  # a concurrent receipt of the same transfer raised it first
        audit.record(
            actor=ACTOR,
            action="alert.shadow_recorded" if rule.is_shadow else "alert.created",
            obj=alert,
            after={
                "typology": alert.typology,
                "rule_version": rule.version_id,
                "severity": alert.severity,
                "score": str(alert.score),
            },
            reason=alert.explanation,
        )
        if not rule.is_shadow:
            alert_id, customer_id = str(alert.pk), str(alert.customer_id)
            transaction.on_commit(
                lambda: alert_raised.send(
                    Alert,
                    alert_id=alert_id,
                    customer_id=customer_id,
                    typology=TravelRuleMismatch.code,
                )
            )
    if data.transaction_id:
        AlertTransaction.objects.bulk_create(
            [AlertTransaction(alert_id=alert.pk, transaction_id=data.transaction_id, added_at=now)],
            ignore_conflicts=True,
        )
