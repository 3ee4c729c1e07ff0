"""Challengers: a candidate version runs beside the live (champion) version, as the rule's
shadow version, for a percentage of customers (stable: a hash of the customer id) or for all.
Its would-be alerts are shadow alerts: stored, never routed to analysts.

``compare`` reports, over a date range, the episodes both found (overlap: they share a
transaction), those only the challenger found (extra) and those it missed, on the customers the
challenger saw; and each side's precision estimated from labels: the champion's own labels, and
for the challenger the labels of the champion alerts its episodes overlap (its extra episodes
were never worked, so they carry no label; the report says how many were labelled).
Promotion activates the challenger through the rules service: four eyes as for any version.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from compliance.monitoring import services as monitoring_services
from compliance.monitoring.hooks import in_sample
from compliance.monitoring.models import Alert, AlertTransaction, Rule, RuleVersion
from compliance.rule_quality.metrics import ratio
from compliance.rule_quality.models import AlertLabel, ChallengerRollout, SuppressedFinding
from compliance.rule_quality.services.common import require_reason
from core import audit
from core.actors import Actor
from core.errors import InvalidTransition, ValidationFailed


def rollout_gates() -> dict[int, int]:
    """{version id: percent} for the monitoring hook: one small query per rule-set load."""
    return dict(ChallengerRollout.objects.values_list("version_id", "percent"))


@transaction.atomic
def start_challenger(
    *, version: RuleVersion, percent: int, actor: Actor, reason: str
) -> ChallengerRollout:
    """Run ``version`` as the rule's challenger on ``percent`` of customers (100: all). Nothing
    changes for the exchange, so the maker may do it (as for shadow runs)."""
    reason = require_reason(reason, "a challenger")
    if not isinstance(percent, int) or not 1 <= percent <= 100:
        raise ValidationFailed({"percent": ["a whole number from 1 to 100"]})
    rule = monitoring_services.run_version_in_shadow(version=version, actor=actor, reason=reason)
    if rule.status != Rule.Status.ACTIVE:
        raise InvalidTransition("a challenger runs beside a live rule; activate the rule first")
    rollout, _ = ChallengerRollout.objects.update_or_create(
        rule=rule,
        defaults={
            "version": version,
            "percent": percent,
            "started_at": timezone.now(),
            "set_by_label": actor.label,
        },
    )
    audit.record(
        actor=actor,
        action="rule.challenger_started",
        obj=rule,
        after={"version": version.number, "percent": percent},
        reason=reason,
    )
    return rollout


@transaction.atomic
def promote(*, rule: Rule, actor: Actor, reason: str) -> Rule:
    """Make the challenger the live version (the checker is not its maker: four eyes)."""
    reason = require_reason(reason, "promoting a challenger")
    rule = Rule.objects.get(pk=rule.pk)
    if rule.shadow_version_id is None:
        raise InvalidTransition("the rule has no challenger")
    version = rule.shadow_version
    rule = monitoring_services.activate_rule_version(version=version, actor=actor, reason=reason)
    ChallengerRollout.objects.filter(rule=rule).delete()  # its settings end with the run
    audit.record(
        actor=actor,
        action="rule.challenger_promoted",
        obj=rule,
        after={"version": version.number, "maker": version.created_by_label},
        reason=reason,
    )
    return rule


@dataclass(frozen=True)
class Side:
    version: int
    episodes: int
    customers: int
    labelled: int
    true_positives: int

    @property
    def precision(self):
        return ratio(self.true_positives, self.labelled)


@dataclass(frozen=True)
class Comparison:
    rule: str
    champion: Side
    challenger: Side
    percent: int
    overlap: int
    extra: int
    missed: int


def compare(*, rule: Rule, date_from: datetime, date_to: datetime) -> Comparison:
    """Champion versus challenger alerts raised in ``[date_from, date_to)``."""
    rule = Rule.objects.select_related("active_version", "shadow_version").get(pk=rule.pk)
    if rule.shadow_version_id is None or rule.active_version_id is None:
        raise InvalidTransition("the rule needs a live version and a challenger to compare")
    percent = (
        ChallengerRollout.objects.filter(rule=rule, version_id=rule.shadow_version_id)
        .values_list("percent", flat=True)
        .first()
        or 100
    )
    window = {"rule": rule, "created_at__gte": date_from, "created_at__lt": date_to}
    champion = [
        (pk, str(c))
        for pk, c in Alert.objects.filter(
            **window, is_shadow=False, rule_version_id=rule.active_version_id
        ).values_list("pk", "customer_id")
        if in_sample(str(c), percent)
    ]
    challenger = list(
        Alert.objects.filter(**window, is_shadow=True, rule_version_id=rule.shadow_version_id)
        .exclude(pk__in=SuppressedFinding.objects.values("alert_id"))
        .values_list("pk", "customer_id")
    )
    ids = [pk for pk, _ in champion] + [pk for pk, _ in challenger]
    by_tx: dict = defaultdict(set)
    for alert_id, tx_id in AlertTransaction.objects.filter(alert_id__in=ids).values_list(
        "alert_id", "transaction_id"
    ):
        by_tx[tx_id].add(alert_id)
    champion_ids = {pk for pk, _ in champion}
    matches: dict = defaultdict(set)  # challenger alert -> champion alerts sharing a transaction
    for alerts in by_tx.values():
        mine = alerts & champion_ids
        for other in alerts - champion_ids:
            matches[other] |= mine
    labels = dict(
        AlertLabel.objects.filter(alert_id__in=champion_ids).values_list(
            "alert_id", "true_positive"
        )
    )
    matched_champion = set().union(*matches.values()) if matches else set()
    overlap = [pk for pk, _ in challenger if matches.get(pk)]
    challenger_labels = [
        any(labels[m] for m in matches[pk] if m in labels)
        for pk in overlap
        if any(m in labels for m in matches[pk])
    ]
    return Comparison(
        rule=rule.code,
        percent=percent,
        champion=Side(
            version=rule.active_version.number,
            episodes=len(champion),
            customers=len({c for _, c in champion}),
            labelled=len(labels),
            true_positives=sum(labels.values()),
        ),
        challenger=Side(
            version=rule.shadow_version.number,
            episodes=len(challenger),
            customers=len({c for _, c in challenger}),
            labelled=len(challenger_labels),
            true_positives=sum(challenger_labels),
        ),
        overlap=len(overlap),
        extra=len(challenger) - len(overlap),
        missed=len(champion_ids - matched_champion),
    )
