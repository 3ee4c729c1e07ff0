"""Changing travel-rule policy rows: a new version is proposed by one officer and activated
by another with ``travel_rule.activate_policy`` (four eyes), like monitoring rule versions."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from compliance.travel_rule.models import TravelRulePolicy
from core import audit
from core.actors import Actor
from core.errors import FourEyesViolation, InvalidTransition, ValidationFailed
from kyc.validation import COUNTRY_CODES

EDITABLE = (
    "rule_in_force", "threshold_amount", "threshold_currency", "sunrise_action",
    "unknown_vasp_action", "unhosted_declaration_min_pkr", "unhosted_proof_min_pkr",
    "incoming_mismatch_action", "incoming_sanctions_action", "counterparty_sla_hours",
)  # fmt: skip


def _snapshot(row: TravelRulePolicy) -> dict[str, Any]:
    return audit.to_json_safe(model_to_dict(row, fields=EDITABLE))


@transaction.atomic
def propose_policy(
    *, jurisdiction: str, values: dict[str, Any], note: str, actor: Actor
) -> TravelRulePolicy:
    code = jurisdiction.strip().upper()
    if code != "*" and code not in COUNTRY_CODES:
        raise ValidationFailed({"jurisdiction": ["An ISO 3166 alpha-2 code, or * for default."]})
    if not note.strip():
        raise ValidationFailed({"note": ["Say why this version is made."]})
    if values.get("threshold_amount") is not None and values["threshold_amount"] < 0:
        raise ValidationFailed({"threshold_amount": ["Not negative."]})
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValidationFailed({k: ["Not a policy setting."] for k in sorted(unknown)})
    latest = (
        TravelRulePolicy.objects.select_for_update()
        .filter(jurisdiction=code)
        .order_by("-version")
        .first()
    )
    base = {f: getattr(latest, f) for f in EDITABLE} if latest else {}
    row = TravelRulePolicy.objects.create(
        jurisdiction=code,
        version=(latest.version + 1) if latest else 1,
        status=TravelRulePolicy.Status.PROPOSED,
        note=note.strip(),
        created_by=actor.user,
        created_by_label=actor.label[:200],
        **{**base, **values},
    )
    audit.record(
        actor=actor,
        action="travel_rule.policy_proposed",
        obj=row,
        before=_snapshot(latest) if latest else None,
        after=_snapshot(row),
        reason=note,
    )
    return row


@transaction.atomic
def activate_policy(
    *, policy: TravelRulePolicy, actor: Actor, reason: str = ""
) -> TravelRulePolicy:
    row = TravelRulePolicy.objects.select_for_update().get(pk=policy.pk)
    if row.status != TravelRulePolicy.Status.PROPOSED:
        raise InvalidTransition(f"only a proposed version can be activated, not {row.status}")
    if actor.user is None or not actor.user.has_perm("travel_rule.activate_policy"):
        raise FourEyesViolation("activating a travel-rule policy needs the checker's permission")
    if row.created_by_id is not None and row.created_by_id == actor.user_id:
        raise FourEyesViolation("the officer who proposed a version cannot activate it")
    previous = (
        TravelRulePolicy.objects.select_for_update()
        .filter(jurisdiction=row.jurisdiction, status=TravelRulePolicy.Status.ACTIVE)
        .first()
    )
    if previous is not None:
        previous.status = TravelRulePolicy.Status.RETIRED
        previous.save(update_fields=["status"])
    row.status = TravelRulePolicy.Status.ACTIVE
    row.approved_by = actor.user
    row.approved_by_label = actor.label[:200]
    row.approved_at = timezone.now()
    row.save(update_fields=["status", "approved_by", "approved_by_label", "approved_at"])
    audit.record(
        actor=actor,
        action="travel_rule.policy_activated",
        obj=row,
        before=_snapshot(previous) if previous else None,
        after=_snapshot(row),
        reason=reason,
    )
    return row
