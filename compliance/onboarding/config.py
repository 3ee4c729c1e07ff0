"""The risk model's rows: loading them as a ``RiskModel`` and changing them (audited).

A change to a weight, a points map, a country rating or a band changes how every customer is
scored, so each edit records who made it, the before/after and the reason. After an edit the
officer runs re-scoring (``services.rescore_all``) so stored levels follow the new model.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.forms.models import model_to_dict

from compliance.onboarding import risk
from compliance.onboarding.models import CountryRisk, RiskBand, RiskFactor
from core import audit
from core.actors import Actor
from core.errors import ValidationFailed

_ACTION_PREFIX = {RiskFactor: "risk_factor", CountryRisk: "country_risk", RiskBand: "risk_band"}


def load_risk_model() -> risk.RiskModel:
    """The active risk model, in three queries."""
    return risk.RiskModel(
        factors=tuple(f.as_config() for f in RiskFactor.objects.filter(is_active=True)),
        countries={c.code: c.as_rating() for c in CountryRisk.objects.filter(is_active=True)},
        bands=tuple(risk.Band(b.level, b.min_score) for b in RiskBand.objects.all()),
    )


def snapshot(row: models.Model) -> dict[str, Any]:
    """The editable fields of a risk-model row, for the audit trail's before/after."""
    return audit.to_json_safe(model_to_dict(row, exclude=["id"]))


def _validate(row: models.Model) -> None:
    if isinstance(row, RiskFactor):
        if row.code not in risk.FACTORS:
            raise ValidationFailed({"code": [f"no scoring function for {row.code!r}"]})
        if not isinstance(row.settings, dict):
            raise ValidationFailed({"settings": ["must be a JSON object"]})
    if isinstance(row, CountryRisk):
        row.code = row.code.upper()
        if len(row.code) != 2 or not row.code.isalpha():
            raise ValidationFailed({"code": ["must be an ISO 3166 alpha-2 code"]})


@transaction.atomic
def save_risk_model_row(
    *, row: models.Model, actor: Actor, reason: str, before: dict[str, Any] | None = None
) -> models.Model:
    """Create or change a RiskFactor, CountryRisk or RiskBand, with its audit event."""
    if not reason.strip():
        raise ValidationFailed({"reason": ["a change to the risk model needs a reason"]})
    _validate(row)
    created = row.pk is None
    row.save()
    if isinstance(row, RiskBand) and not RiskBand.objects.filter(min_score__lte=0).exists():
        raise ValidationFailed({"min_score": ["one band must start at score 0"]})
    prefix = _ACTION_PREFIX[type(row)]
    audit.record(
        actor=actor,
        action=f"{prefix}.{'created' if created else 'changed'}",
        obj=row,
        before=None if created else before,
        after=snapshot(row),
        reason=reason,
    )
    return row
