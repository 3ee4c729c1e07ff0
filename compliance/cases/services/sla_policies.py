"""SLA policies: reading the terms per priority, and changing them (the MLRO, audited)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.forms.models import model_to_dict

from compliance.cases import access, sla
from compliance.cases.models import SlaPolicy
from core import audit
from core.actors import Actor
from core.errors import ValidationFailed

# Used only if a priority's row is missing (the data migration creates all four): a case must
# never be lost for want of configuration, so it gets the strictest day-based term.
FALLBACK_TERMS = sla.SlaTerms(unit=sla.WORKING_DAYS, amount=1)


def current_sla_terms() -> dict[str, sla.SlaTerms]:
    """Priority -> SLA terms, in one query."""
    return {policy.priority: policy.as_terms() for policy in SlaPolicy.objects.all()}


def terms_for(priority: str, terms: dict[str, sla.SlaTerms]) -> sla.SlaTerms:
    return terms.get(priority, FALLBACK_TERMS)


def snapshot(policy: SlaPolicy) -> dict[str, Any]:
    return audit.to_json_safe(model_to_dict(policy, exclude=["id"]))


@transaction.atomic
def save_sla_policy(
    *, policy: SlaPolicy, actor: Actor, reason: str, before: dict[str, Any] | None = None
) -> SlaPolicy:
    """Create or change a priority's SLA. Applies to cases opened afterwards; open cases keep
    the due time they were given (an officer's deadline does not move under their feet)."""
    access.require_decider(actor, what="changing a case SLA")
    if not reason.strip():
        raise ValidationFailed({"reason": ["a change to an SLA needs a reason"]})
    try:
        policy.as_terms()
    except ValueError as exc:
        raise ValidationFailed({"amount": [str(exc)]}) from exc
    created = policy.pk is None
    policy.save()
    audit.record(
        actor=actor,
        action="case_sla_policy.created" if created else "case_sla_policy.changed",
        obj=policy,
        before=None if created else before,
        after=snapshot(policy),
        reason=reason,
    )
    return policy
