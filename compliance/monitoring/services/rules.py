"""Rule lifecycle: create, add a version (every edit), activate with four eyes, shadow, status.

A version is immutable once written. The person who made a version (the maker) cannot activate
it: a second person with ``monitoring.activate_rule`` (the checker, normally the MLRO) does, and
both are recorded on the version and in the audit trail.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from compliance.monitoring.models import Rule, RuleVersion, Severity
from compliance.monitoring.rulebook import RuleDefinitionError, build_runnable
from core import audit
from core.actors import Actor
from core.errors import FourEyesViolation, InvalidTransition, NotPermitted, ValidationFailed

ACTIVATE_PERMISSION = "monitoring.activate_rule"


def _version_facts(version: RuleVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "template": version.template,
        "expression": version.expression,
        "params": version.params,
        "severity": version.severity,
        "blocking": version.blocking,
    }


def _require(actor: Actor, permission: str, doing: str) -> None:
    """Staff need the model permission; system actors (migrations, the demo) are trusted."""
    user = actor.user
    if user is not None and not user.has_perm(permission):
        raise NotPermitted(f"{doing} needs the {permission} permission")


def _validate(
    *, kind: str, typology: str, template: str, expression: str, params: Mapping, severity: str
) -> None:
    errors: dict[str, list[str]] = {}
    if severity not in Severity.values:
        errors["severity"] = [f"one of {', '.join(Severity.values)}"]
    if kind == Rule.Kind.TEMPLATE and expression:
        errors["expression"] = ["a template rule has no expression"]
    if kind == Rule.Kind.EXPRESSION and template:
        errors["template"] = ["an expression rule has no template"]
    try:
        build_runnable(
            kind=kind, typology=typology, template=template, expression=expression, params=params
        )
    except RuleDefinitionError as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)


@transaction.atomic
def create_rule(
    *,
    code: str,
    name: str,
    kind: str,
    typology: str,
    severity: str,
    actor: Actor,
    template: str = "",
    expression: str = "",
    params: Mapping[str, Any] | None = None,
    blocking: bool = False,
    description: str = "",
    note: str = "",
) -> Rule:
    """A new rule with its first version, disabled until a checker activates the version."""
    _require(actor, "monitoring.add_rule", "creating a rule")
    if kind not in Rule.Kind.values:
        raise ValidationFailed({"kind": [f"one of {', '.join(Rule.Kind.values)}"]})
    if kind == Rule.Kind.TEMPLATE and not typology:
        typology = template
    if not typology:
        raise ValidationFailed({"typology": ["name the typology code the rule alerts"]})
    if Rule.objects.filter(code=code).exists():
        raise ValidationFailed({"code": ["a rule with this code exists"]})
    params = dict(params or {})
    _validate(
        kind=kind,
        typology=typology,
        template=template,
        expression=expression,
        params=params,
        severity=severity,
    )
    rule = Rule.objects.create(
        code=code, name=name, kind=kind, typology=typology, description=description
    )
    version = RuleVersion.objects.create(
        rule=rule,
        number=1,
        template=template,
        expression=expression,
        params=params,
        severity=severity,
        blocking=blocking,
        note=note,
        created_by=actor.user,
        created_by_label=actor.label,
    )
    audit.record(
        actor=actor, action="rule.created", obj=rule, after=_version_facts(version), reason=note
    )
    return rule


@transaction.atomic
def add_rule_version(
    *,
    rule: Rule,
    actor: Actor,
    params: Mapping[str, Any] | None = None,
    expression: str | None = None,
    severity: str | None = None,
    blocking: bool | None = None,
    note: str = "",
) -> RuleVersion:
    """Editing a rule: a new version from the latest one with the given changes. It does not run
    until activated (or put in shadow)."""
    _require(actor, "monitoring.change_rule", "editing a rule")
    rule = Rule.objects.select_for_update().get(pk=rule.pk)
    base = rule.versions.order_by("-number").first()
    new_params = dict(params) if params is not None else dict(base.params)
    new_expression = expression if expression is not None else base.expression
    new_severity = severity or base.severity
    new_blocking = base.blocking if blocking is None else blocking
    _validate(
        kind=rule.kind,
        typology=rule.typology,
        template=base.template,
        expression=new_expression,
        params=new_params,
        severity=new_severity,
    )
    number = (rule.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = RuleVersion.objects.create(
        rule=rule,
        number=number,
        template=base.template,
        expression=new_expression,
        params=new_params,
        severity=new_severity,
        blocking=new_blocking,
        note=note,
        created_by=actor.user,
        created_by_label=actor.label,
    )
    audit.record(
        actor=actor,
        action="rule.version_added",
        obj=rule,
        before=_version_facts(base),
        after=_version_facts(version),
        reason=note,
    )
    return version


def _require_checker(actor: Actor) -> None:
    user = actor.user
    if user is None or not user.has_perm(ACTIVATE_PERMISSION):
        raise NotPermitted("activating or switching rules needs the activate_rule permission")


@transaction.atomic
def activate_rule_version(
    *, version: RuleVersion, actor: Actor, mode: str = Rule.Status.ACTIVE, reason: str = ""
) -> Rule:
    """Make ``version`` the one that runs (``mode`` active, or shadow to watch it first).

    Four eyes: the checker is not the maker of the version.
    """
    if mode not in (Rule.Status.ACTIVE, Rule.Status.SHADOW):
        raise ValidationFailed({"mode": ["active or shadow"]})
    _require_checker(actor)
    if version.created_by_id is not None and version.created_by_id == actor.user_id:
        raise FourEyesViolation("the maker of a rule version cannot activate it")
    rule = Rule.objects.select_for_update().get(pk=version.rule_id)
    before = {
        "status": rule.status,
        "active_version": rule.active_version.number if rule.active_version else None,
    }
    if version.approved_at is None:
        version.approved_by = actor.user
        version.approved_by_label = actor.label
        version.approved_at = timezone.now()
        version.save(update_fields=["approved_by", "approved_by_label", "approved_at"])
    rule.active_version = version
    if rule.shadow_version_id == version.pk:
        rule.shadow_version = None
    rule.status = mode
    rule.save(update_fields=["active_version", "shadow_version", "status", "updated_at"])
    audit.record(
        actor=actor,
        action="rule.version_activated",
        obj=rule,
        before=before,
        after={
            "status": rule.status,
            "active_version": version.number,
            "maker": version.created_by_label,
        },
        reason=reason,
    )
    return rule


@transaction.atomic
def run_version_in_shadow(*, version: RuleVersion, actor: Actor, reason: str = "") -> Rule:
    """Run a candidate version beside the live one: would-be alerts are recorded, none raised.
    Nothing changes for the exchange, so the maker may do it."""
    _require(actor, "monitoring.change_rule", "putting a rule version in shadow")
    rule = Rule.objects.select_for_update().get(pk=version.rule_id)
    if rule.active_version_id == version.pk:
        raise InvalidTransition("this version is the live one")
    previous = rule.shadow_version.number if rule.shadow_version else None
    rule.shadow_version = version
    rule.save(update_fields=["shadow_version", "updated_at"])
    audit.record(
        actor=actor,
        action="rule.shadow_version_set",
        obj=rule,
        before={"shadow_version": previous},
        after={"shadow_version": version.number},
        reason=reason,
    )
    return rule


@transaction.atomic
def set_rule_status(*, rule: Rule, status: str, actor: Actor, reason: str) -> Rule:
    """Switch a rule on (active), to shadow or off. Needs a checker and a reason."""
    if status not in Rule.Status.values:
        raise ValidationFailed({"status": [f"one of {', '.join(Rule.Status.values)}"]})
    if not reason.strip():
        raise ValidationFailed({"reason": ["say why the rule is switched"]})
    _require_checker(actor)
    rule = Rule.objects.select_for_update().get(pk=rule.pk)
    if status != Rule.Status.DISABLED and rule.active_version_id is None:
        raise InvalidTransition("the rule has no activated version; activate one first")
    if rule.status == status:
        return rule
    before = rule.status
    rule.status = status
    rule.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action="rule.status_changed",
        obj=rule,
        before={"status": before},
        after={"status": status},
        reason=reason,
    )
    return rule
