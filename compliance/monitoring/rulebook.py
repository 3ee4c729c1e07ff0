"""Stored rules to runnable rules: building one from a version, and the set that runs now.

Versions are immutable, so a built rule is cached by the set of (rule, version, mode) that is
live: one small query per batch tells whether the set changed, nothing is rebuilt otherwise.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from compliance.monitoring import hooks
from compliance.monitoring.expressions import ExpressionError, ExpressionRule
from compliance.monitoring.models import Rule, RuleVersion
from compliance.monitoring.typologies import registry
from compliance.monitoring.typologies.base import ParameterError, Typology
from compliance.monitoring.typologies.evaluation import Rule as Runnable

logger = logging.getLogger(__name__)

EXPRESSION_PARAMS = ("score",)


@dataclass(frozen=True)
class Engine:
    """Rules of a kind that does not run per transaction (network typologies run over the
    customer graph). Their app registers how to build and describe them at start-up; they are
    versioned, approved and shadowed like any rule but never loaded by ``live_rules``."""

    build: Any  # (template, params) -> runnable; raises RuleDefinitionError
    param_schema: Any  # (template) -> dict, {} when unknown
    backtest: Any = None  # (backtest) -> None: fills the Backtest's figures over stored data


_engines: dict[str, Engine] = {}


def register_engine(kind: str, engine: Engine) -> None:
    _engines[kind] = engine


def engine_for(kind: str) -> Engine | None:
    return _engines.get(kind)


class RuleDefinitionError(ValueError):
    """A rule definition the engine refuses; ``errors`` maps a field to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items()))


@dataclass(frozen=True)
class LoadedRule:
    """A live rule version, ready to run."""

    rule_id: str
    code: str
    name: str
    typology: str
    version_id: int
    version_number: int
    severity: str
    blocking: bool
    is_shadow: bool
    runnable: Any  # a Typology or an ExpressionRule

    def __str__(self) -> str:
        return self.code


def build_runnable(
    *,
    kind: str,
    typology: str,
    template: str = "",
    expression: str = "",
    params: Mapping[str, Any] | None = None,
    name: str = "",
) -> Runnable:
    """The engine rule for a definition, or ``RuleDefinitionError`` saying what is wrong."""
    params = dict(params or {})
    if kind in _engines:
        return _engines[kind].build(template, params)
    if kind == Rule.Kind.TEMPLATE:
        try:
            return registry.build_rule(template, params)
        except registry.UnknownTypology:
            known = ", ".join(sorted(registry.TYPOLOGIES))
            raise RuleDefinitionError({"template": [f"unknown template; one of {known}"]}) from None
        except ParameterError as exc:
            raise RuleDefinitionError({f"params.{k}": v for k, v in exc.errors.items()}) from None
    unknown = sorted(set(params) - set(EXPRESSION_PARAMS))
    if unknown:
        raise RuleDefinitionError({f"params.{k}": ["unknown parameter"] for k in unknown})
    score = 0.5
    if "score" in params:
        try:
            score = float(Decimal(str(params["score"])))
        except (InvalidOperation, ValueError):
            score = -1.0
        if not 0 <= score <= 1:
            raise RuleDefinitionError({"params.score": ["a number from 0 to 1"]})
    try:
        return ExpressionRule(
            expression=expression, typology_code=typology, description=name, score=score
        )
    except ExpressionError as exc:
        raise RuleDefinitionError({"expression": [str(exc)]}) from None


def param_schema(template: str) -> dict[str, Any]:
    """What the admin shows about a template's parameters."""
    try:
        cls: type[Typology] = registry.typology_class(template)
    except registry.UnknownTypology:
        for engine in _engines.values():
            if schema := engine.param_schema(template):
                return schema
        return {}
    return cls.param_schema()


def build_version(version: RuleVersion, rule: Rule) -> Runnable:
    return build_runnable(
        kind=rule.kind,
        typology=rule.typology,
        template=version.template,
        expression=version.expression,
        params=version.params,
        name=rule.name,
    )


_cache: dict[tuple, list[LoadedRule]] = {}
_cache_lock = threading.Lock()
_last: tuple[float, list[LoadedRule]] | None = None


def live_rules(*, max_age: float = 0.0) -> list[LoadedRule]:
    """Every rule version that runs now: active versions of active rules (raising alerts), and
    in shadow the active versions of shadow rules and the shadow candidates of active rules.

    ``max_age`` (seconds) lets a latency-bound caller (the synchronous check) reuse the last
    answer for that long instead of asking the database which versions are live.
    """
    global _last
    if max_age and _last is not None and time.monotonic() - _last[0] < max_age:
        return _last[1]
    loaded = _load_live_rules()
    _last = (time.monotonic(), loaded)
    return loaded


def _load_live_rules() -> list[LoadedRule]:
    rows = list(
        Rule.objects.exclude(status=Rule.Status.DISABLED)
        .filter(kind__in=(Rule.Kind.TEMPLATE, Rule.Kind.EXPRESSION))
        .values_list(
            "id",
            "code",
            "name",
            "typology",
            "kind",
            "status",
            "active_version_id",
            "shadow_version_id",
        )
    )
    wanted: list[tuple] = []
    for rule_id, code, name, typology, kind, status, active_id, shadow_id in rows:
        if active_id is not None:
            is_shadow = status == Rule.Status.SHADOW
            wanted.append((str(rule_id), code, name, typology, kind, active_id, is_shadow))
        if shadow_id is not None and shadow_id != active_id and status == Rule.Status.ACTIVE:
            wanted.append((str(rule_id), code, name, typology, kind, shadow_id, True))
    # A challenger (shadow) version may run for a percentage of customers only.
    percents = hooks.shadow_percentages() if any(w[6] for w in wanted) else {}
    wanted = [(*w, percents.get(w[5], 100) if w[6] else 100) for w in wanted]
    key = tuple(sorted(wanted))
    cached = _cache.get(key)
    if cached is not None:
        return cached
    versions = {v.pk: v for v in RuleVersion.objects.filter(pk__in=[w[5] for w in wanted])}
    loaded = []
    for rule_id, code, name, typology, kind, version_id, is_shadow, percent in key:
        version = versions[version_id]
        try:
            runnable = build_runnable(
                kind=kind,
                typology=typology,
                template=version.template,
                expression=version.expression,
                params=version.params,
                name=name,
            )
        except RuleDefinitionError as exc:
            # A stored version the engine no longer accepts must not stop every other rule.
            logger.error("rule %s v%s cannot run: %s", code, version.number, exc)
            continue
        if percent < 100:
            runnable = hooks.Sampled(runnable, percent)
        loaded.append(
            LoadedRule(
                rule_id=rule_id,
                code=code,
                name=name,
                typology=typology,
                version_id=version_id,
                version_number=version.number,
                severity=version.severity,
                blocking=version.blocking,
                is_shadow=is_shadow,
                runnable=runnable,
            )
        )
    with _cache_lock:
        if len(_cache) > 16:
            _cache.clear()
        _cache[key] = loaded
    return loaded
