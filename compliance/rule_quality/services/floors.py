"""The precision floor: a decider (``monitoring.activate_rule``, the MLRO) sets it, with a
reason; audited like the SLA policies."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.forms.models import model_to_dict

from compliance.rule_quality.models import PrecisionFloor
from compliance.rule_quality.services.common import require, require_reason
from core import audit
from core.actors import Actor
from core.errors import ValidationFailed


@transaction.atomic
def save_floor(
    *, floor: PrecisionFloor, actor: Actor, reason: str, before: dict[str, Any] | None = None
) -> PrecisionFloor:
    require(actor, "monitoring.activate_rule", "changing a precision floor")
    reason = require_reason(reason, "a floor change")
    if not 0 <= floor.floor <= 1:
        raise ValidationFailed({"floor": ["from 0 to 1"]})
    created = floor.pk is None
    floor.save()
    audit.record(
        actor=actor,
        action="rule_precision_floor.created" if created else "rule_precision_floor.changed",
        obj=floor,
        before=None if created else audit.to_json_safe(before),
        after=audit.to_json_safe(model_to_dict(floor, exclude=["id"])),
        reason=reason,
    )
    return floor
