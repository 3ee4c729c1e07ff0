"""Revisions: what changed between two versions of a rule, side by side, and restoring an old
version as a new draft (it then needs a checker's activation like any version)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from compliance.monitoring import services as monitoring_services
from compliance.monitoring.models import RuleVersion
from compliance.monitoring.rulebook import RuleDefinitionError, build_version
from compliance.rule_quality.services.common import require_reason
from core.actors import Actor
from core.errors import ValidationFailed


@dataclass(frozen=True)
class DiffRow:
    field: str
    left: str
    right: str

    @property
    def changed(self) -> bool:
        return self.left != self.right


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def diff(left: RuleVersion, right: RuleVersion) -> list[DiffRow]:
    """Row per compared field; parameters one row each (the union of both versions' keys)."""
    if left.rule_id != right.rule_id:
        raise ValidationFailed({"right": ["compare two versions of the same rule"]})
    rows = [
        DiffRow("template", left.template, right.template),
        DiffRow("expression", left.expression, right.expression),
        DiffRow("severity", left.severity, right.severity),
        DiffRow("blocking", _shown(left.blocking), _shown(right.blocking)),
    ]
    left_params, right_params = _effective(left), _effective(right)
    for key in sorted(set(left_params) | set(right_params)):
        rows.append(
            DiffRow(f"params.{key}", _shown(left_params.get(key)), _shown(right_params.get(key)))
        )
    rows.append(DiffRow("note", left.note, right.note))
    rows.append(DiffRow("approved", _approval(left), _approval(right)))
    return rows


def _effective(version: RuleVersion) -> dict[str, Any]:
    """The parameters the version runs with: a template's defaults filled in, so a version that
    leaves a parameter out shows the default it gets rather than a blank."""
    if not version.template:
        return dict(version.params)
    try:
        return build_version(version, version.rule).to_params()
    except RuleDefinitionError:
        return dict(version.params)


def _approval(version: RuleVersion) -> str:
    if version.approved_at is None:
        return "not activated"
    return f"{version.approved_by_label} {version.approved_at:%Y-%m-%d %H:%M} UTC"


def restore_as_draft(*, version: RuleVersion, actor: Actor, reason: str) -> RuleVersion:
    """A new version with ``version``'s definition; it runs only once a checker activates it."""
    reason = require_reason(reason, "restoring a version")
    return monitoring_services.add_rule_version(
        rule=version.rule,
        actor=actor,
        params=dict(version.params),
        expression=version.expression,
        severity=version.severity,
        blocking=version.blocking,
        note=f"Restored from v{version.number}: {reason}",
    )
