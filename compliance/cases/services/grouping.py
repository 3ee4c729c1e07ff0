"""Grouping alerts and screening hits into cases: one live case per customer.

A customer's open alerts and undecided hits join that customer's live case; when there is none,
a case opens with the priority of its most severe item and the SLA of that priority. A later,
more severe item raises the priority and may shorten the SLA (never lengthen it). Joined alerts
move to ``in_case``. Everything is batch-loaded: the number of queries does not grow with the
number of items.

The SLA clock starts when the items arrived (the earliest one), not when grouping ran: an item
picked up late by the sweeper (a lost signal, a broker outage) gives nobody extra time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from compliance.cases import access, priorities, sla
from compliance.cases.models import Case, CaseAlert, CaseEvent, CaseScreeningHit
from compliance.cases.services.sla_policies import current_sla_terms, terms_for
from compliance.cases.timeline import Happening, record
from compliance.monitoring.models import Alert
from compliance.screening.models import ScreeningHit
from core.actors import Actor
from core.selectors import closure_dates

GROUPING_ACTOR = Actor.automated("case-grouping")


@dataclass
class GroupingResult:
    opened: list[Case] = field(default_factory=list)
    joined: list[Case] = field(default_factory=list)
    alerts_linked: int = 0
    hits_linked: int = 0

    @property
    def cases(self) -> list[Case]:
        return [*self.opened, *self.joined]


def group_into_cases(
    *,
    alert_ids: Iterable[Any] = (),
    hit_ids: Iterable[Any] = (),
    actor: Actor = GROUPING_ACTOR,
    now: datetime | None = None,
) -> GroupingResult:
    """Put the given open alerts and undecided hits into their customers' live cases.

    Items already in a case, closed alerts, shadow alerts and decided hits are skipped, so the
    call is idempotent and safe to repeat from a signal and from the sweeper alike.
    """
    access.require_case_worker(actor)
    alert_ids, hit_ids = list(alert_ids), list(hit_ids)
    if not alert_ids and not hit_ids:
        return GroupingResult()
    try:
        with transaction.atomic():
            return _group(alert_ids, hit_ids, actor, now or timezone.now())
    except IntegrityError:
        # Another worker opened the customer's case (or linked an item) first: the retry
        # finds that case and joins it, or finds the item already linked and skips it.
        with transaction.atomic():
            return _group(alert_ids, hit_ids, actor, now or timezone.now())


def _group(alert_ids: list, hit_ids: list, actor: Actor, now: datetime) -> GroupingResult:
    alerts = list(
        Alert.objects.filter(pk__in=alert_ids, status=Alert.Status.OPEN, is_shadow=False)
        .exclude(pk__in=CaseAlert.objects.values("alert_id"))
        .order_by("created_at")
    )
    hits = list(
        ScreeningHit.objects.filter(pk__in=hit_ids, status__in=ScreeningHit.UNDECIDED)
        .exclude(pk__in=CaseScreeningHit.objects.values("hit_id"))
        .select_related("entry")
        .order_by("created_at")
    )
    if not alerts and not hits:
        return GroupingResult()

    by_customer: dict[Any, tuple[list[Alert], list[ScreeningHit]]] = defaultdict(lambda: ([], []))
    for alert in alerts:
        by_customer[alert.customer_id][0].append(alert)
    for hit in hits:
        by_customer[hit.customer_id][1].append(hit)

    live = {
        case.customer_id: case
        for case in Case.objects.select_for_update().filter(
            customer_id__in=by_customer, status__in=Case.LIVE_STATUSES
        )
    }
    terms = current_sla_terms()
    # The same closure days as filing deadlines (core's business calendar).
    closures = frozenset(closure_dates())
    result = GroupingResult()
    happenings: list[Happening] = []
    raised: list[Case] = []

    for customer_id, (customer_alerts, customer_hits) in by_customer.items():
        severity = priorities.highest(
            [a.severity for a in customer_alerts]
            + [priorities.SCREENING_HIT_SEVERITY] * len(customer_hits)
        )
        arrived = min([now, *(i.created_at for i in [*customer_alerts, *customer_hits])])
        case = live.get(customer_id)
        if case is None:
            case = _new_case(
                customer_id, severity, customer_alerts, customer_hits, terms, arrived, closures
            )
            live[customer_id] = case
            result.opened.append(case)
        else:
            result.joined.append(case)
            if priorities.is_higher(severity, case.priority):
                happenings.append(_raise_priority(case, severity, terms, arrived, closures))
                raised.append(case)

    Case.objects.bulk_create(result.opened)
    if raised:
        Case.objects.bulk_update(
            raised, ["priority", "priority_rank", "sla_due_at", "sla_at_risk_at", "updated_at"]
        )
    for case in result.opened:
        happenings.insert(
            0,
            Happening(
                case=case,
                kind=CaseEvent.Kind.OPENED,
                message=f"Opened with priority {case.priority}; SLA {case.sla_terms}.",
                action="case.opened",
                details={
                    "customer": str(case.customer_id),
                    "priority": case.priority,
                    "sla_due_at": case.sla_due_at,
                },
            ),
        )

    alert_links = [CaseAlert(case=live[a.customer_id], alert=a, linked_at=now) for a in alerts]
    hit_links = [CaseScreeningHit(case=live[h.customer_id], hit=h, linked_at=now) for h in hits]
    CaseAlert.objects.bulk_create(alert_links)
    CaseScreeningHit.objects.bulk_create(hit_links)
    if alerts:
        Alert.objects.filter(pk__in=[a.pk for a in alerts]).update(
            status=Alert.Status.IN_CASE, status_changed_at=now, updated_at=now
        )
    _refresh_summaries([c for c in result.joined if not c.summary_edited])
    happenings += [_alert_linked(live[a.customer_id], a) for a in alerts]
    happenings += [_hit_linked(live[h.customer_id], h) for h in hits]
    record(actor, *happenings, at=now)

    result.alerts_linked, result.hits_linked = len(alert_links), len(hit_links)
    return result


def _new_case(
    customer_id: Any,
    priority: str,
    alerts: list[Alert],
    hits: list[ScreeningHit],
    terms: dict[str, sla.SlaTerms],
    arrived: datetime,
    closures: frozenset[date] = frozenset(),
) -> Case:
    policy = terms_for(priority, terms)
    clock = sla.clock_for(arrived, policy, closures)
    case = Case(
        customer_id=customer_id,
        priority=priority,
        status=Case.Status.OPEN,
        opened_at=arrived,
        sla_due_at=clock.due_at,
        sla_at_risk_at=clock.at_risk_at,
        sla_terms=policy.describe(),
        summary=_summary(alerts, hits),
    )
    case.fill_derived_fields()
    return case


def _raise_priority(
    case: Case,
    priority: str,
    terms: dict[str, sla.SlaTerms],
    arrived: datetime,
    closures: frozenset[date] = frozenset(),
) -> Happening:
    before = {"priority": case.priority, "sla_due_at": case.sla_due_at}
    policy = terms_for(priority, terms)
    clock = case.sla_clock.tightened_by(sla.clock_for(arrived, policy, closures))
    case.priority = priority
    case.sla_due_at, case.sla_at_risk_at = clock.due_at, clock.at_risk_at
    case.updated_at = timezone.now()
    case.fill_derived_fields()
    return Happening(
        case=case,
        kind=CaseEvent.Kind.PRIORITY_RAISED,
        message=f"Priority raised from {before['priority']} to {priority}.",
        action="case.priority_raised",
        details={"priority": priority, "sla_due_at": clock.due_at},
        before=before,
    )


def _alert_linked(case: Case, alert: Alert) -> Happening:
    return Happening(
        case=case,
        kind=CaseEvent.Kind.ALERT_LINKED,
        message=f"{alert.typology} alert ({alert.severity}): {alert.explanation[:300]}",
        action="case.alert_linked",
        details={"alert": str(alert.pk), "typology": alert.typology, "severity": alert.severity},
    )


def _hit_linked(case: Case, hit: ScreeningHit) -> Happening:
    return Happening(
        case=case,
        kind=CaseEvent.Kind.HIT_LINKED,
        message=(
            f"Screening hit: {hit.subject_name} ~ {hit.matched_name} "
            f"({hit.entry.list_code} {hit.entry.entry_id}, score {hit.score})"
        ),
        action="case.hit_linked",
        details={"hit": str(hit.pk), "list": hit.entry.list_code, "score": hit.score},
    )


def _summary(alerts: list[Alert], hits: list[ScreeningHit]) -> str:
    return _describe([a.typology for a in alerts], [h.entry.list_code for h in hits])


def _describe(typologies: list[str], lists: list[str]) -> str:
    parts = []
    if typologies:
        count = len(typologies)
        codes = ", ".join(sorted(set(typologies)))
        parts.append(f"{count} alert{'s' if count != 1 else ''}: {codes}")
    if lists:
        count = len(lists)
        parts.append(
            f"{count} screening hit{'s' if count != 1 else ''} ({', '.join(sorted(set(lists)))})"
        )
    return "; ".join(parts)[:300]


def _refresh_summaries(cases: list[Case]) -> None:
    """Keep the automatic summary of cases that grew (two queries for the whole batch)."""
    if not cases:
        return
    typologies: dict[Any, list[str]] = defaultdict(list)
    lists: dict[Any, list[str]] = defaultdict(list)
    ids = [c.pk for c in cases]
    for case_id, code in CaseAlert.objects.filter(case_id__in=ids).values_list(
        "case_id", "alert__typology"
    ):
        typologies[case_id].append(code)
    for case_id, code in CaseScreeningHit.objects.filter(case_id__in=ids).values_list(
        "case_id", "hit__entry__list_code"
    ):
        lists[case_id].append(code)
    for case in cases:
        case.summary = _describe(typologies[case.pk], lists[case.pk])
    Case.objects.bulk_update(cases, ["summary"])
