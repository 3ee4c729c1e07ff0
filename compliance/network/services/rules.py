"""Network rules: stored and versioned as monitoring rules of kind ``network`` (same four-eyes
activation, shadow mode and audit), run over the graph around what an update touched.

Order independence: an update touched some keys and flows; every window that contains one of
them is evaluated again with all the stored data around it. A window's findings are complete
once its last event has arrived, and that arrival re-evaluates it, so the union of what is
found over time is the same whatever order the events came in. Findings of one episode (one
rule, one ring key) while the alert is open extend that alert: new members, new transactions.

One ring, one case: an alert sits on one of its members; a new ring alert sits on the member
that already carries an open network alert, if any, so cases (one live case per customer) put
every alert about the ring in the same case. Every member is recorded (``RingMember``) and
named in the explanation.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from compliance.monitoring import rulebook
from compliance.monitoring.models import Alert, AlertTransaction, Rule, RuleVersion
from compliance.monitoring.rulebook import LoadedRule, RuleDefinitionError
from compliance.monitoring.signals import alert_raised
from compliance.monitoring.typologies.base import ParameterError
from compliance.network import selectors
from compliance.network.models import RingMember
from compliance.network.selectors import Touched
from compliance.network.typologies import (
    NETWORK_TYPOLOGIES,
    Circular,
    NetworkFinding,
    NetworkTypology,
    SharedIdentifier,
    _ManyToOne,
)

logger = logging.getLogger(__name__)
NETWORK = Rule.Kind.NETWORK


def build(template: str, params: Mapping[str, Any]) -> NetworkTypology:
    """The runnable network rule for a stored version (``RuleDefinitionError`` if invalid)."""
    cls = NETWORK_TYPOLOGIES.get(template)
    if cls is None:
        known = ", ".join(sorted(NETWORK_TYPOLOGIES))
        raise RuleDefinitionError({"template": [f"unknown network template; one of {known}"]})
    try:
        return cls.from_params(params)
    except ParameterError as exc:
        raise RuleDefinitionError({f"params.{k}": v for k, v in exc.errors.items()}) from None


def param_schema(template: str) -> dict[str, Any]:
    cls = NETWORK_TYPOLOGIES.get(template)
    return cls.param_schema() if cls else {}


def register() -> None:
    """Monitoring versions, approves and shadows network rules through this engine."""
    rulebook.register_engine(
        NETWORK, rulebook.Engine(build=build, param_schema=param_schema, backtest=backtest)
    )


def live_rules() -> list[LoadedRule]:
    """Network rules that run now: as monitoring's live rules (active raise, shadow records)."""
    rows = list(
        Rule.objects.filter(kind=NETWORK)
        .exclude(status=Rule.Status.DISABLED)
        .values_list(
            "id", "code", "name", "typology", "status", "active_version_id", "shadow_version_id"
        )
    )  # fmt: skip
    wanted = []
    for rule_id, code, name, typology, status, active_id, shadow_id in rows:
        if active_id is not None:
            wanted.append((rule_id, code, name, typology, active_id, status == Rule.Status.SHADOW))
        if shadow_id is not None and shadow_id != active_id and status == Rule.Status.ACTIVE:
            wanted.append((rule_id, code, name, typology, shadow_id, True))
    versions = {v.pk: v for v in RuleVersion.objects.filter(pk__in=[w[4] for w in wanted])}
    loaded = []
    for rule_id, code, name, typology, version_id, is_shadow in sorted(wanted, key=str):
        version = versions[version_id]
        try:
            runnable = build(version.template, version.params)
        except RuleDefinitionError as exc:
            logger.error("network rule %s v%s cannot run: %s", code, version.number, exc)
            continue
        loaded.append(
            LoadedRule(
                rule_id=str(rule_id), code=code, name=name, typology=typology,
                version_id=version_id, version_number=version.number, severity=version.severity,
                blocking=False, is_shadow=is_shadow, runnable=runnable,
            )
        )  # fmt: skip
    return loaded


@dataclass(frozen=True)
class RunOutcome:
    findings: int = 0
    alerts_created: int = 0
    alerts_extended: int = 0


def _largest(rules: list[LoadedRule], attr: str, default: timedelta) -> timedelta:
    return max((getattr(r.runnable, attr) for r in rules), default=default)


def find(touched: Touched, rules: list[LoadedRule]) -> list[tuple[LoadedRule, NetworkFinding]]:
    """What the rules find around what was touched (reads only)."""
    shared = [r for r in rules if isinstance(r.runnable, SharedIdentifier)]
    fans = [r for r in rules if isinstance(r.runnable, _ManyToOne)]
    circles = [r for r in rules if isinstance(r.runnable, Circular)]
    pending: list[tuple[LoadedRule, Any]] = []
    if shared and touched.key_ids:
        for key in selectors.key_views(touched.key_ids):
            pending += [(r, r.runnable.find(key, _Names())) for r in shared]
    flow_keys, flow_times = set(touched.flow_key_ids), list(touched.flow_times)
    if fans and touched.tied_customer_ids:
        # New ties can turn strangers paying one counterparty into a ring: look again.
        for key_id, at in selectors.flow_keys_of(touched.tied_customer_ids):
            flow_keys.add(key_id)
            flow_times.append(at)
        flow_times.sort()
    if fans and flow_keys and flow_times:
        span = _largest(fans, "window", timedelta(0))
        start, end = flow_times[0] - span, flow_times[-1] + span
        # A counterparty fewer customers ever paid than any rule needs cannot fire: skipped in
        # SQL (most keys are a customer's own wallet or IBAN, with one holder).
        fewest = min(r.runnable.min_customers for r in fans)
        flows = selectors.flows_on_keys(flow_keys, start, end, min_holders=fewest)
        flow_keys = {f.key_id for f in flows}
        kinds = {k for r in fans for k in r.runnable.link_kinds}
        customer_keys = selectors.identifier_keys({f.customer_id for f in flows}, kinds)
        keys = selectors.key_views(flow_keys)
        # Each rule ties customers by its own identifier kinds only.
        ties = {
            r.rule_id + str(r.is_shadow): {
                c: {k for k, kind in held.items() if kind in r.runnable.link_kinds}
                for c, held in customer_keys.items()
            }
            for r in fans
        }
        by_key: dict[int, list] = defaultdict(list)
        for f in flows:
            by_key[f.key_id].append(f)
        for key in keys:
            on_key = by_key[key.id]
            for r in fans:
                own = ties[r.rule_id + str(r.is_shadow)]
                pending.append((r, r.runnable.find(key, on_key, own, _Names())))
    if circles and touched.flow_times:
        span = _largest(circles, "window", timedelta(0))
        depth = max(r.runnable.max_length for r in circles)
        start, end = touched.flow_times[0] - span, touched.flow_times[-1] + span
        flows = selectors.flows_around(touched.customer_ids, start, end, depth=depth)
        for r in circles:
            pending += [(r, f) for f in r.runnable.find_all(flows, _Names())]
    found = [(r, f) for r, f in pending if f is not None]
    if not found:
        return []
    names = selectors.customer_names({m for _, f in found for m in f.members})
    return [(r, _named(f, names)) for r, f in found]


class _Names(dict):
    """Typologies name members by id while running; ``_named`` puts customer ids right after."""

    def get(self, key, default=None):
        return f"[{key}]"


def _named(finding: NetworkFinding, names: Mapping[str, str]) -> NetworkFinding:
    text = finding.explanation
    for member in finding.members:
        text = text.replace(f"[{member}]", names.get(member, member))
    return NetworkFinding(
        typology_code=finding.typology_code, score=finding.score, explanation=text,
        members=finding.members, dedupe_key=finding.dedupe_key,
        transaction_ids=finding.transaction_ids, facts=finding.facts,
    )  # fmt: skip


def run(touched: Touched, *, now: datetime | None = None, rules: list | None = None) -> RunOutcome:
    """Evaluate the live network rules around ``touched`` and store alerts (idempotent)."""
    rules = live_rules() if rules is None else rules
    if not rules or not (touched.key_ids or touched.flow_key_ids or touched.tied_customer_ids):
        return RunOutcome()
    found = find(touched, rules)
    if not found:
        return RunOutcome()
    now = now or timezone.now()
    created = extended = 0
    for rule, finding in found:
        try:
            with transaction.atomic():
                new = _store(rule, finding, now)
        except IntegrityError:  # another worker opened the episode first: join it
            with transaction.atomic():
                new = _store(rule, finding, now)
        created += new
        extended += not new
    return RunOutcome(findings=len(found), alerts_created=created, alerts_extended=extended)


def _store(rule: LoadedRule, finding: NetworkFinding, now: datetime) -> bool:
    alert = (
        Alert.objects.select_for_update()
        .filter(rule_id=rule.rule_id, is_shadow=rule.is_shadow, dedupe_key=finding.dedupe_key)
        .exclude(status=Alert.Status.CLOSED)
        .first()
    )
    members = set(finding.members)
    if alert is None:
        alert = Alert.objects.create(
            customer_id=_anchor(members),
            typology=finding.typology_code,
            rule_id=rule.rule_id,
            rule_version_id=rule.version_id,
            severity=rule.severity,
            score=Decimal(str(finding.score)),
            explanation=finding.explanation,
            facts={**finding.facts, "member_ids": sorted(members)},
            dedupe_key=finding.dedupe_key,
            is_shadow=rule.is_shadow,
            finding_size=len(finding.transaction_ids),
            status_changed_at=now,
        )
        new = True
    else:
        before = set(RingMember.objects.filter(alert=alert).values_list("customer_id", flat=True))
        members |= {str(m) for m in before}
        new = False
        if len(members) > len(before):
            alert.explanation = (
                finding.explanation
                if len(finding.members) >= len(members)
                else (
                    f"{finding.explanation} Earlier members: "
                    + ", ".join(
                        sorted(selectors.customer_names(members - set(finding.members)).values())
                    )
                    + "."
                )
            )
            alert.facts = {**alert.facts, **finding.facts, "members": len(members),
                           "member_ids": sorted(members)}  # fmt: skip
            alert.score = max(alert.score, Decimal(str(finding.score)))
            alert.save(update_fields=["explanation", "facts", "score", "updated_at"])
    RingMember.objects.bulk_create(
        [RingMember(alert=alert, customer_id=m) for m in sorted(members)], ignore_conflicts=True
    )
    AlertTransaction.objects.bulk_create(
        [AlertTransaction(alert=alert, transaction_id=t) for t in finding.transaction_ids],
        ignore_conflicts=True,
    )
    if new and not rule.is_shadow:
        alert_id, customer_id, typology = str(alert.pk), str(alert.customer_id), alert.typology
        transaction.on_commit(
            lambda: alert_raised.send(
                Alert, alert_id=alert_id, customer_id=customer_id, typology=typology
            )
        )
    return new


def _anchor(members: Iterable[str]) -> str:
    """The member carrying the ring's other open network alert (so the ring lands in one
    case), else the smallest id (a fixed choice)."""
    members = sorted(members)
    existing = (
        RingMember.objects.filter(customer_id__any=members, alert__is_shadow=False)
        .exclude(alert__status=Alert.Status.CLOSED)
        .values_list("alert__customer_id", flat=True)
        .order_by("alert__created_at")
        .first()
    )
    return str(existing) if existing else members[0]


def backtest(record: Any) -> None:
    """Fill a monitoring ``Backtest`` for a network rule version: what it (and the live
    version) would find over the graph as stored for ``[date_from, date_to]``; nothing is
    stored but the figures."""
    rule = record.rule_version.rule
    touched = selectors.touched_between(record.date_from, record.date_to)
    found: dict[str, list[NetworkFinding]] = {}
    for which, version in (("candidate", record.rule_version), ("live", record.live_version)):
        if version is None:
            found[which] = []
            continue
        loaded = LoadedRule(
            rule_id=str(rule.pk), code=rule.code, name=rule.name, typology=rule.typology,
            version_id=version.pk, version_number=version.number, severity=version.severity,
            blocking=False, is_shadow=True, runnable=build(version.template, version.params),
        )  # fmt: skip
        found[which] = [f for _, f in find(touched, [loaded])]
    members = {w: {m for f in fs for m in f.members} for w, fs in found.items()}
    flagged = {w: {t for f in fs for t in f.transaction_ids} for w, fs in found.items()}
    record.transactions_evaluated = len(touched.flow_times)
    record.hits, record.live_hits = len(found["candidate"]), len(found["live"])
    record.customers, record.live_customers = len(members["candidate"]), len(members["live"])
    record.overlap_customers = len(members["candidate"] & members["live"])
    record.results = {
        "compared_with_live": record.live_version is not None,
        "customers_only_candidate": len(members["candidate"] - members["live"]),
        "customers_only_live": len(members["live"] - members["candidate"]),
        "transactions_flagged": len(flagged["candidate"]),
        "transactions_flagged_live": len(flagged["live"]),
        "transactions_flagged_both": len(flagged["candidate"] & flagged["live"]),
        "samples": [
            {"members": list(f.members), "explanation": f.explanation}
            for f in found["candidate"][:20]
        ],
    }
