"""Suppressions: an officer silences a rule for a customer (or one of its counterparties) until
an end date, with a reason. Findings it covers are still stored, as suppressed shadow alerts
(never routed to analysts or sent to the exchange), and listed with the suppression.

Which findings: those whose transactions occurred inside ``[starts_at, ends_at)``, so a replay
of the same history holds back the same findings. Every suppression and lift is audited.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from compliance.monitoring.models import Rule
from compliance.rule_quality.models import SuppressedFinding, Suppression
from compliance.rule_quality.services.common import require, require_reason
from core import audit
from core.actors import Actor
from core.errors import InvalidTransition, ValidationFailed
from kyc.models import Customer

PERMISSION = "monitoring.change_alert"
LONGEST = timedelta(days=366)


def _facts(s: Suppression) -> dict:
    return {
        "rule": s.rule.code,
        "customer": str(s.customer_id),
        "counterparty": s.counterparty_key,
        "starts_at": s.starts_at.isoformat(),
        "ends_at": s.ends_at.isoformat(),
    }


@transaction.atomic
def suppress(
    *,
    rule: Rule,
    customer: Customer,
    reason: str,
    ends_at: datetime,
    actor: Actor,
    counterparty_key: str = "",
    starts_at: datetime | None = None,
) -> Suppression:
    require(actor, PERMISSION, "suppressing a rule")
    reason = require_reason(reason, "a suppression")
    starts_at = starts_at or timezone.now()
    if ends_at <= starts_at:
        raise ValidationFailed({"ends_at": ["must be after the start"]})
    if ends_at - starts_at > LONGEST:
        raise ValidationFailed({"ends_at": ["at most a year: review the customer instead"]})
    suppression = Suppression.objects.create(
        rule=rule,
        customer=customer,
        counterparty_key=counterparty_key.strip(),
        reason=reason,
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=actor.user,
        created_by_label=actor.label,
    )
    audit.record(
        actor=actor,
        action="rule.suppressed",
        obj=suppression,
        after=_facts(suppression),
        reason=reason,
    )
    return suppression


@transaction.atomic
def lift(*, suppression: Suppression, reason: str, actor: Actor) -> Suppression:
    """End a suppression now (it stays on record)."""
    require(actor, PERMISSION, "lifting a suppression")
    reason = require_reason(reason, "lifting a suppression")
    suppression = Suppression.objects.select_for_update().get(pk=suppression.pk)
    if suppression.lifted_at is not None:
        raise InvalidTransition("this suppression was already lifted")
    now = timezone.now()
    suppression.lifted_at = now
    suppression.lifted_by_label = actor.label
    suppression.lift_reason = reason
    suppression.ends_at = min(suppression.ends_at, now)
    suppression.save(update_fields=["lifted_at", "lifted_by_label", "lift_reason", "ends_at"])
    audit.record(
        actor=actor,
        action="rule.suppression_lifted",
        obj=suppression,
        after=_facts(suppression),
        reason=reason,
    )
    return suppression


def covering(suppressions: list[Suppression], *, rule_id: str, tx) -> Suppression | None:
    """The suppression that covers a rule's finding on ``tx``, if any (plain Python)."""
    for s in suppressions:
        if (
            str(s.rule_id) == rule_id
            and str(s.customer_id) == tx.customer_id
            and s.starts_at <= tx.occurred_at < s.ends_at
            and (not s.counterparty_key or s.counterparty_key == tx.counterparty_key)
        ):
            return s
    return None


# -- the monitoring hook (``compliance.monitoring.hooks``) ------------------------------------


def hold_back(evaluated: list, findings: list) -> tuple[list, list, dict]:
    """Give the live rule's (rule, transaction) pairs that a suppression covers to its shadow
    twin, findings included, before they are stored; one query per batch. Returns the pairs,
    the findings and ``{(rule id, True, episode key): suppression id}``."""
    live = [(rule, tx) for rule, tx in evaluated if not rule.is_shadow]
    if not live:
        return evaluated, findings, {}
    earliest = min(tx.occurred_at for _, tx in live)
    active = list(
        Suppression.objects.filter(
            customer_id__in={tx.customer_id for _, tx in live},
            rule_id__in={rule.rule_id for rule, _ in live},
            ends_at__gt=earliest,
        )
    )
    if not active:
        return evaluated, findings, {}
    covered: dict[tuple, Suppression] = {}
    for rule, tx in live:
        s = covering(active, rule_id=rule.rule_id, tx=tx)
        if s is not None:
            covered[(rule.version_id, tx.id)] = s
    if not covered:
        return evaluated, findings, {}

    def twin(rule):
        return replace(rule, is_shadow=True)

    evaluated = [
        (twin(rule), tx)
        if not rule.is_shadow and (rule.version_id, tx.id) in covered
        else (rule, tx)
        for rule, tx in evaluated
    ]
    held: dict = {}
    kept = []
    for f in findings:
        s = None if f.rule.is_shadow else covered.get((f.rule.version_id, f.tx.id))
        if s is not None:
            f = replace(f, rule=twin(f.rule))
            held[(str(f.rule.rule_id), True, f.key)] = s.pk
        kept.append(f)
    return evaluated, kept, held


def after_store(created: list, held: dict) -> None:
    rows = [
        SuppressedFinding(alert_id=alert.pk, suppression_id=held[key])
        for alert in created
        if (key := (str(alert.rule_id), alert.is_shadow, alert.dedupe_key)) in held
    ]
    SuppressedFinding.objects.bulk_create(rows, ignore_conflicts=True)
