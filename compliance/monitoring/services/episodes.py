"""Alerts from findings: one alert per episode, the same whatever the arrival order.

Evaluation stores what each live rule version found at each transaction (``RuleFinding``).
An episode is every finding of one rule version with one key: the key is the rule version, the
customer and the event-time episode (the typology's anchor), so the same transactions always
give the same key. An alert is the union of its episode's findings: its transactions, and the
explanation and facts of the episode's latest finding (in event order).

When a late transaction changes the findings of the transactions after it, ``reconcile``
recomputes the episodes those findings left or joined, and brings the alerts in line:

- an episode with an open alert extends it (transactions, facts, explanation; audited);
- an episode whose key changed (a late transaction moved its anchor earlier) takes over the
  open alert of the old key that shares its transactions, re-keyed and extended (audited);
  two such alerts (a late transaction bridged two episodes) become one: the older one is kept,
  the other is closed as ``merged`` into it (audited);
- an open alert whose episode no longer holds anywhere (a late transaction broke the pattern,
  e.g. activity inside a dormancy gap) is closed as ``withdrawn`` (audited);
- an episode whose alert was closed by an officer opens a follow-up alert linked to it, when
  late transactions brought transactions the closed alert did not have;
- otherwise a new alert opens.

So there are never two open alerts for one episode, and the open alerts of a customer are a
function of the stored transactions alone. The caller holds the customer's lock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from compliance.monitoring import conf
from compliance.monitoring.models import Alert, AlertTransaction, RuleFinding, Superseded
from compliance.monitoring.models import Transaction as TransactionModel
from compliance.monitoring.rulebook import LoadedRule
from compliance.monitoring.typologies.base import Finding, TxView
from core import audit, bulk_updates
from core.actors import Actor

ACTOR = Actor.automated("monitoring")
EpisodeId = tuple[str, bool, str]  # (rule id, shadow, key)


@dataclass(frozen=True)
class PointFinding:
    """A rule's finding at one transaction."""

    rule: LoadedRule
    tx: TxView
    finding: Finding

    @property
    def key(self) -> str:
        return episode_key(self.rule, self.finding)


def episode_key(rule: LoadedRule, finding: Finding) -> str:
    """The ``episode`` of the contract: the rule version, then the typology's key (its code,
    the customer and the episode's anchor in event time)."""
    return f"v{rule.version_number}:{finding.dedupe_key}"


@dataclass
class Reconciled:
    created: list[Alert] = field(default_factory=list)
    extended: int = 0
    alerts_by_tx: dict[str, list[str]] = field(default_factory=dict)
    payloads: dict[Any, dict] = field(default_factory=dict)


@dataclass
class _Episode:
    rule_id: str
    is_shadow: bool
    key: str
    customer_id: str
    rule_version_id: int
    typology: str
    transaction_ids: set[str]
    latest: dict  # the latest finding (event order): explanation, facts, score


def _score(finding: Finding) -> Decimal:
    return Decimal(str(round(min(max(finding.score, 0.0), 1.0), 3)))


def _json_facts(facts) -> dict[str, Any]:
    return {str(k): (str(v) if isinstance(v, Decimal | datetime) else v) for k, v in facts.items()}


def _finding_row(f: PointFinding) -> RuleFinding:
    return RuleFinding(
        rule_id=f.rule.rule_id,
        rule_version_id=f.rule.version_id,
        is_shadow=f.rule.is_shadow,
        customer_id=f.tx.customer_id,
        transaction_id=f.tx.id,
        occurred_at=f.tx.occurred_at,
        external_id=f.tx.external_id,
        typology=f.finding.typology_code,
        dedupe_key=f.key,
        transaction_ids=list(f.finding.transaction_ids),
        score=_score(f.finding),
        explanation=f.finding.explanation,
        facts=_json_facts(f.finding.facts),
    )


FINDING_FIELDS = ("dedupe_key", "transaction_ids", "score", "explanation", "facts")


def _store_findings(
    evaluated: Iterable[tuple[LoadedRule, TxView]], findings: Sequence[PointFinding]
) -> set[EpisodeId]:
    """Replace the findings at the evaluated (rule version, transaction) pairs; returns the
    episodes that lost or gained a finding (or whose finding changed)."""
    evaluated = {(rule.version_id, rule.is_shadow, tx.id): rule for rule, tx in evaluated}
    old: dict[tuple, dict] = {}
    rows = RuleFinding.objects.filter(transaction_id__any={k[2] for k in evaluated}).values(
        "id", "rule_id", "rule_version_id", "is_shadow", "transaction_id", *FINDING_FIELDS
    )
    for row in rows:
        k = (row["rule_version_id"], row["is_shadow"], str(row["transaction_id"]))
        if k in evaluated:
            old[k] = row
    new = {(f.rule.version_id, f.rule.is_shadow, f.tx.id): f for f in findings}
    affected: set[EpisodeId] = set()
    gone, added, changed = [], [], []
    # Only the pairs with a finding before or after can change (most evaluations find nothing).
    for k in sorted(old.keys() | (new.keys() & evaluated.keys()), key=str):
        rule = evaluated[k]
        before, after = old.get(k), new.get(k)
        if before is not None:
            was = (str(before["rule_id"]), before["is_shadow"], before["dedupe_key"])
        if after is None:
            if before is not None:
                gone.append(before["id"])
                affected.add(was)
            continue
        row = _finding_row(after)
        affected.add((rule.rule_id, rule.is_shadow, row.dedupe_key))
        if before is None:
            added.append(row)
        elif any(before[name] != getattr(row, name) for name in FINDING_FIELDS):
            row.pk = before["id"]
            changed.append(row)
            affected.add(was)
    if gone:
        RuleFinding.objects.filter(pk__in=gone).delete()
    if added:
        bulk_updates.insert_rows(RuleFinding, added)  # COPY: thousands per batch
    if changed:  # one statement: late transactions change many findings at once
        bulk_updates.update_rows(RuleFinding, changed, FINDING_FIELDS)
    return affected


def _episodes(affected: set[EpisodeId]) -> dict[EpisodeId, _Episode]:
    """Every finding of the affected episodes, from all their transactions, grouped."""
    rows = RuleFinding.objects.filter(dedupe_key__any={k for _, _, k in affected}).values(
        "rule_id",
        "is_shadow",
        "dedupe_key",
        "customer_id",
        "rule_version_id",
        "typology",
        "occurred_at",
        "external_id",
        "transaction_ids",
        "score",
        "explanation",
        "facts",
    )
    out: dict[EpisodeId, _Episode] = {}
    for row in rows:
        eid = (str(row["rule_id"]), row["is_shadow"], row["dedupe_key"])
        if eid not in affected:
            continue
        episode = out.get(eid)
        if episode is None:
            episode = out[eid] = _Episode(
                rule_id=eid[0],
                is_shadow=eid[1],
                key=eid[2],
                customer_id=str(row["customer_id"]),
                rule_version_id=row["rule_version_id"],
                typology=row["typology"],
                transaction_ids=set(),
                latest=row,
            )
        episode.transaction_ids.update(row["transaction_ids"])
        order = (row["occurred_at"], row["external_id"])
        if order > (episode.latest["occurred_at"], episode.latest["external_id"]):
            episode.latest = row
    return out


def _lateness(
    episodes: Iterable[_Episode], views: dict[str, TxView]
) -> dict[str, tuple[datetime, datetime]]:
    """(occurred_at, stored at) of every transaction of these episodes."""
    wanted = {tx_id for e in episodes for tx_id in e.transaction_ids}
    out = {
        tx_id: (views[tx_id].occurred_at, views[tx_id].received_at)
        for tx_id in wanted
        if tx_id in views and views[tx_id].received_at is not None
    }
    missing = wanted - set(out)
    if missing:
        for pk, occurred, stored in TransactionModel.objects.filter(pk__in=missing).values_list(
            "id", "occurred_at", "created_at"
        ):
            out[str(pk)] = (occurred, stored)
    return out


def _describe(episode: _Episode, times: dict, horizon: timedelta) -> tuple[str, dict]:
    """The alert's explanation and facts: the latest finding's, and which transactions
    arrived later than the lateness horizon after they occurred, and by how much."""
    explanation = episode.latest["explanation"]
    facts = dict(episode.latest["facts"])
    late = sorted(
        (stored - occurred, tx_id)
        for tx_id in episode.transaction_ids
        if tx_id in times
        for occurred, stored in [times[tx_id]]
        if stored - occurred > horizon
    )
    if late:
        worst = late[-1][0]
        facts["arrived_late"] = {
            "count": len(late),
            "max_days_late": worst.days,
            "max_late_seconds": int(worst.total_seconds()),
            "horizon_days": horizon.days,
            "transactions": sorted(tx_id for _, tx_id in late),
        }
        explanation += (
            f"; {len(late)} of its transactions arrived late, up to {worst.days} days after "
            f"they occurred (horizon {horizon.days} days)"
        )
    return explanation, facts


def reconcile(
    *,
    evaluated: Sequence[tuple[LoadedRule, TxView]],
    findings: Sequence[PointFinding],
    views: dict[str, TxView],
    now: datetime,
) -> Reconciled:
    """Store the findings at the evaluated transactions and bring the alerts in line."""
    affected = _store_findings(evaluated, findings)
    result = Reconciled()
    if not affected:
        return result
    rules = {(rule.rule_id, rule.is_shadow): rule for rule, _ in evaluated}
    live = _episodes(affected)
    alerts = [
        a
        for a in Alert.objects.filter(dedupe_key__any={k for _, _, k in affected})
        if (str(a.rule_id), a.is_shadow, a.dedupe_key) in affected
    ]
    links: dict[Any, set[str]] = defaultdict(set)
    for alert_id, tx_id in AlertTransaction.objects.filter(
        alert_id__in=[a.pk for a in alerts]
    ).values_list("alert_id", "transaction_id"):
        links[alert_id].add(str(tx_id))

    def eid(a: Alert) -> EpisodeId:
        return (str(a.rule_id), a.is_shadow, a.dedupe_key)

    open_by = {eid(a): a for a in alerts if a.status != Alert.Status.CLOSED}
    closed_by: dict[EpisodeId, list[Alert]] = defaultdict(list)
    for a in sorted(alerts, key=lambda a: (a.created_at, str(a.pk))):
        if a.status == Alert.Status.CLOSED and not a.superseded:
            closed_by[eid(a)].append(a)
    orphans = sorted(
        (a for k, a in open_by.items() if k not in live), key=lambda a: (a.created_at, str(a.pk))
    )

    targets: dict[EpisodeId, Alert] = {}
    rekeyed: dict[Any, str] = {}  # alert id -> its key before
    created: list[Alert] = []
    for k in sorted(live):
        episode = live[k]
        alert = open_by.get(k)
        if alert is None:
            alert = next(
                (
                    a
                    for a in orphans
                    if a.pk not in rekeyed
                    and eid(a)[:2] == k[:2]
                    and str(a.customer_id) == episode.customer_id
                    and links[a.pk] & episode.transaction_ids
                ),
                None,
            )
            if alert is not None:
                rekeyed[alert.pk] = alert.dedupe_key
                alert.dedupe_key = k[2]
        if alert is None:
            # Closed by an officer under this key, or under the key the episode had before a
            # late transaction moved its anchor.
            closed = closed_by.get(k) or [
                c
                for dead, cs in sorted(closed_by.items())
                if dead not in live and dead[:2] == k[:2]
                for c in cs
                if str(c.customer_id) == episode.customer_id
                and links[c.pk] & episode.transaction_ids
            ]
            decided = set().union(*(links[c.pk] for c in closed)) if closed else set()
            if closed and episode.transaction_ids <= decided:
                continue  # an officer already closed this episode with all of it
            rule = rules[k[:2]]
            alert = Alert(
                customer_id=episode.customer_id,
                typology=episode.typology,
                rule_id=episode.rule_id,
                rule_version_id=episode.rule_version_id,
                severity=rule.severity,
                score=Decimal(0),
                explanation="",
                dedupe_key=k[2],
                is_shadow=episode.is_shadow,
                follows=closed[-1] if closed else None,
                created_at=now,
                updated_at=now,
            )
            created.append(alert)
        targets[k] = alert

    retired = []
    for a in orphans:
        if a.pk in rekeyed:
            continue
        into = next(
            (
                t
                for k, t in sorted(targets.items())
                if k[:2] == eid(a)[:2]
                and str(t.customer_id) == str(a.customer_id)
                and links[a.pk] & live[k].transaction_ids
            ),
            None,
        )
        a.status = Alert.Status.CLOSED
        a.status_changed_at = a.updated_at = now
        a.superseded = Superseded.MERGED if into is not None else Superseded.WITHDRAWN
        a.superseded_by = into
        retired.append(a)

    times = _lateness(live.values(), views)
    horizon = conf.lateness_horizon()
    created_ids = {id(a) for a in created}
    changed, audits = [], []
    for k, alert in targets.items():
        episode = live[k]
        explanation, facts = _describe(episode, times, horizon)
        before = {
            "episode": rekeyed.get(alert.pk, alert.dedupe_key),
            "transactions": len(links[alert.pk]),
            "explanation": alert.explanation,
        }
        fresh = id(alert) in created_ids
        same = (
            not fresh
            and alert.pk not in rekeyed
            and links[alert.pk] == episode.transaction_ids
            and alert.explanation == explanation
        )
        alert.score = Decimal(str(episode.latest["score"]))
        alert.explanation = explanation
        alert.facts = facts
        alert.finding_size = len(episode.latest["transaction_ids"])
        if fresh or same:
            continue
        alert.updated_at = now
        changed.append(alert)
        added = sorted(episode.transaction_ids - links[alert.pk])
        audits.append(
            audit.Entry(
                actor=ACTOR,
                action="alert.extended",
                obj=alert,
                before=before,
                after={
                    "episode": alert.dedupe_key,
                    "transactions": len(episode.transaction_ids),
                    "added": added,
                    "removed": sorted(links[alert.pk] - episode.transaction_ids),
                    "arrived_late": facts.get("arrived_late"),
                },
                reason="later or late transactions changed the episode",
            )
        )

    if created:
        Alert.objects.bulk_create(created)
    if retired:
        bulk_updates.update_rows(
            Alert,
            retired,
            ["status", "status_changed_at", "superseded", "superseded_by", "updated_at"],
        )
    if changed:
        bulk_updates.update_rows(
            Alert,
            changed,
            ["dedupe_key", "score", "explanation", "facts", "finding_size", "updated_at"],
        )
    _link(targets, live, links, now)

    for a in created:
        audits.append(
            audit.Entry(
                actor=ACTOR,
                action="alert.shadow_recorded" if a.is_shadow else "alert.created",
                obj=a,
                after={
                    "typology": a.typology,
                    "rule_version": a.rule_version_id,
                    "severity": a.severity,
                    "score": str(a.score),
                    "episode": a.dedupe_key,
                    "follows": str(a.follows_id) if a.follows_id else None,
                },
                reason=a.explanation,
            )
        )
    for a in retired:
        audits.append(
            audit.Entry(
                actor=ACTOR,
                action=f"alert.{a.superseded}",
                obj=a,
                before={"status": "open", "episode": a.dedupe_key},
                after={
                    "status": "closed",
                    "superseded_by": str(a.superseded_by_id) if a.superseded_by_id else None,
                },
                reason=Superseded(a.superseded).label,
            )
        )
    if audits:
        audit.record_many(audits)

    result.created = created
    result.extended = len(changed)
    for f in findings:
        alert = targets.get((f.rule.rule_id, f.rule.is_shadow, f.key))
        if alert is not None and not f.rule.is_shadow:
            result.alerts_by_tx.setdefault(f.tx.id, []).append(str(alert.pk))
    for k, alert in targets.items():
        if id(alert) in created_ids and not alert.is_shadow:
            rule = rules[k[:2]]
            result.payloads[alert.pk] = alert_payload(
                alert,
                rule_code=rule.code,
                version_number=rule.version_number,
                tx_ids=sorted(live[k].transaction_ids),
            )
    return result


def _link(
    targets: dict[EpisodeId, Alert],
    live: dict[EpisodeId, _Episode],
    links: dict[Any, set[str]],
    now: datetime,
) -> None:
    """Each alert links exactly its episode's transactions."""
    add, remove = [], []
    for k, alert in sorted(targets.items()):
        wanted, have = live[k].transaction_ids, links[alert.pk]
        add += [(alert.pk, t) for t in sorted(wanted - have)]
        remove += [(alert.pk, t) for t in sorted(have - wanted)]
    if add:
        AlertTransaction.objects.bulk_create(
            [AlertTransaction(alert_id=a, transaction_id=t, added_at=now) for a, t in add],
            ignore_conflicts=True,
            batch_size=1000,
        )
    by_alert: dict[Any, list[str]] = defaultdict(list)
    for a, t in remove:
        by_alert[a].append(t)
    for a, txs in by_alert.items():  # rare: a late transaction broke part of a pattern
        AlertTransaction.objects.filter(alert_id=a, transaction_id__in=txs).delete()


def alert_payload(alert: Alert, *, rule_code: str, version_number: int, tx_ids: list[str]) -> dict:
    return {
        "id": str(alert.pk),
        "customer": str(alert.customer_id),
        "typology": alert.typology,
        "rule": rule_code,
        "rule_version": version_number,
        "severity": alert.severity,
        "score": str(alert.score),
        "status": alert.status,
        "explanation": alert.explanation,
        "transactions": tx_ids,
        "episode": alert.dedupe_key,
        "created_at": alert.created_at,
    }
