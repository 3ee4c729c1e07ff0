"""The risk model's rows: loading them as a ``RiskModel`` and changing them (audited).

A change to a weight, a points map, a country rating or a band changes how every customer is
scored, so each edit records who made it, the before/after and the reason. After an edit the
officer runs re-scoring (``services.rescore_all``) so stored levels follow the new model.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.forms.models import model_to_dict

from compliance.onboarding import risk
from compliance.onboarding.models import CountryRisk, RiskBand, RiskFactor
from core import audit
from core.actors import Actor
from core.errors import ValidationFailed

TRIAL_BANDS = (risk.Band(risk.LOW, Decimal("0")),)
TRIAL_PROFILES = (
    risk.RiskProfile(is_pep=True, expected_monthly_turnover_pkr=Decimal("1000")),
    risk.RiskProfile(
        customer_type=risk.ENTITY, owners=(risk.OwnerProfile("PK", Decimal("60")),),
        expected_monthly_turnover_pkr=Decimal("1000000"),
    ),
)  # fmt: skip
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


def row_problems(row: models.Model) -> dict[str, list[str]]:
    """What is wrong with a risk-model row before it is saved (the admin form shows these)."""
    if isinstance(row, RiskFactor):
        if row.code not in risk.FACTORS:
            return {"code": [f"no scoring function for {row.code!r}"]}
        if not isinstance(row.settings, dict):
            return {"settings": ["must be a JSON object"]}
        try:  # a trial scoring, so a typo in the settings cannot break every assessment
            config = risk.FactorConfig(code=row.code, weight=row.weight, settings=row.settings)
            trial = risk.RiskModel(factors=(config,), countries={}, bands=TRIAL_BANDS)
            for profile in TRIAL_PROFILES:
                risk.score(profile, trial)
        except Exception as exc:  # noqa: BLE001 - any failure means the settings are unusable
            return {"settings": [f"not usable: {exc.__class__.__name__}: {exc}"]}
    if isinstance(row, CountryRisk):
        code = (row.code or "").upper()
        if len(code) != 2 or not code.isalpha():
            return {"code": ["must be an ISO 3166 alpha-2 code"]}
    if isinstance(row, RiskBand):
        others = RiskBand.objects.exclude(pk=row.pk)
        if row.min_score > 0 and not others.filter(min_score__lte=0).exists():
            return {"min_score": ["one band must start at score 0"]}
    return {}


@transaction.atomic
def save_risk_model_row(
    *, row: models.Model, actor: Actor, reason: str, before: dict[str, Any] | None = None
) -> models.Model:
    """Create or change a RiskFactor, CountryRisk or RiskBand, with its audit event."""
    if not reason.strip():
        raise ValidationFailed({"reason": ["a change to the risk model needs a reason"]})
    problems = row_problems(row)
    if problems:
        raise ValidationFailed(problems)
    if isinstance(row, CountryRisk):
        row.code = row.code.upper()
    created = row.pk is None
    row.save()
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
