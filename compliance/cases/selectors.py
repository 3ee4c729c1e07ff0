"""Reading cases: work queues, a case's timeline, and the counts a dashboard draws.

Queues return querysets (so the admin, a page or an API can filter, order and paginate them)
with what a queue row shows already joined: customer, assignee, and the alerts' typologies via
``with_queue_columns``. Counts are single aggregate queries.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from compliance.cases import priorities
from compliance.cases.models import Case, CaseAlert, CaseEvent, Decision
from compliance.cases.sla import SlaStatus

LIVE = Case.LIVE_STATUSES


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def with_queue_columns(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """Join what a queue row shows: customer, assignee, alerts (typology, severity)."""
    return queryset.select_related("customer", "assignee").prefetch_related(
        Prefetch(
            "alert_links",
            queryset=CaseAlert.objects.select_related("alert").only(
                "id", "case_id", "alert_id", "alert__typology", "alert__severity"
            ),
        )
    )


def live_cases() -> QuerySet[Case]:
    return Case.objects.filter(status__in=LIVE)


def my_cases(user: Any) -> QuerySet[Case]:
    """Live cases assigned to ``user``, most urgent first."""
    return live_cases().filter(assignee=user).order_by("-priority_rank", "sla_due_at")


def unassigned() -> QuerySet[Case]:
    return live_cases().filter(assignee__isnull=True).order_by("-priority_rank", "sla_due_at")


def breaching_sla(now: datetime | None = None) -> QuerySet[Case]:
    """Live cases past their SLA due time, longest overdue first."""
    return live_cases().filter(sla_due_at__lte=_now(now)).order_by("sla_due_at")


def at_risk(now: datetime | None = None) -> QuerySet[Case]:
    """Live cases past their at-risk mark but not yet due."""
    moment = _now(now)
    return live_cases().filter(sla_at_risk_at__lte=moment, sla_due_at__gt=moment)


def by_status(status: str) -> QuerySet[Case]:
    return Case.objects.filter(status=status).order_by("-priority_rank", "sla_due_at")


def with_typology(queryset: QuerySet[Case], typology: str) -> QuerySet[Case]:
    return queryset.filter(alert_links__alert__typology=typology).distinct()


def awaiting_decision(user: Any = None) -> QuerySet[Decision]:
    """Four-eyes decisions waiting for a checker; given ``user``, those they may decide
    (not their own proposals)."""
    pending = Decision.objects.filter(status=Decision.Status.PROPOSED).select_related(
        "case", "case__customer"
    )
    if user is not None:
        pending = pending.exclude(proposed_by=user)
    return pending.order_by("proposed_at")


def cases_for_customer(customer: Any) -> QuerySet[Case]:
    """Every case of a customer, newest first (customer 360)."""
    return with_queue_columns(Case.objects.filter(customer=customer)).order_by("-opened_at")


def get_case(pk: Any) -> Case:
    return with_queue_columns(Case.objects.all()).get(pk=pk)


def timeline(case: Case) -> QuerySet[CaseEvent]:
    """Everything that happened to the case, oldest first."""
    return case.events.select_related("actor_user").order_by("occurred_at", "id")


def typologies_of(case: Case) -> list[str]:
    """The case's alert typologies (uses ``with_queue_columns``'s prefetch when present)."""
    return sorted({link.alert.typology for link in case.alert_links.all()})


# ------------------------------------------------------------------ counts for a dashboard


def _sla_buckets(moment: datetime) -> dict[str, Q]:
    return {
        SlaStatus.BREACHED: Q(sla_due_at__lte=moment),
        SlaStatus.AT_RISK: Q(sla_at_risk_at__lte=moment, sla_due_at__gt=moment),
        SlaStatus.ON_TRACK: Q(sla_at_risk_at__gt=moment),
    }


def open_case_counts() -> dict[str, dict[str, int]]:
    """Live cases by priority and status: ``{"critical": {"open": 2, ...}, ...}``, every
    priority and live status present (zeros included)."""
    counts = {p: dict.fromkeys(map(str, LIVE), 0) for p in reversed(priorities.PRIORITIES)}
    rows = live_cases().values("priority", "status").annotate(n=Count("id")).order_by()
    for row in rows:
        counts[row["priority"]][row["status"]] = row["n"]
    return counts


def sla_ageing(now: datetime | None = None) -> dict[str, dict[str, int]]:
    """Live cases by priority against their SLA: on track / at risk / breached (one query)."""
    buckets = _sla_buckets(_now(now))
    aggregates = {
        f"{priority}__{bucket}": Count("id", filter=Q(priority=priority) & condition)
        for priority in priorities.PRIORITIES
        for bucket, condition in buckets.items()
    }
    totals = live_cases().aggregate(**aggregates)
    return {
        priority: {str(bucket): totals[f"{priority}__{bucket}"] for bucket in buckets}
        for priority in reversed(priorities.PRIORITIES)
    }


def work_per_analyst(now: datetime | None = None) -> list[dict[str, Any]]:
    """Per assignee (``None`` = unassigned): live cases by status and how many breach the SLA,
    busiest first."""
    moment = _now(now)
    rows = (
        live_cases()
        .values("assignee_id", "assignee__username")
        .annotate(
            total=Count("id"),
            open=Count("id", filter=Q(status=Case.Status.OPEN)),
            investigating=Count("id", filter=Q(status=Case.Status.INVESTIGATING)),
            escalated=Count("id", filter=Q(status=Case.Status.ESCALATED)),
            breaching=Count("id", filter=Q(sla_due_at__lte=moment)),
        )
        .order_by("-total", "assignee__username")
    )
    return [
        {
            "assignee_id": row["assignee_id"],
            "assignee": row["assignee__username"],
            "total": row["total"],
            "open": row["open"],
            "investigating": row["investigating"],
            "escalated": row["escalated"],
            "breaching": row["breaching"],
        }
        for row in rows
    ]


def open_cases_by_typology() -> dict[str, int]:
    """Live cases per alert typology (a case with two typologies counts under each)."""
    rows = (
        CaseAlert.objects.filter(case__status__in=LIVE)
        .values("alert__typology")
        .annotate(n=Count("case_id", distinct=True))
        .order_by("-n", "alert__typology")
    )
    return {row["alert__typology"]: row["n"] for row in rows}


def queue_counts(user: Any = None, now: datetime | None = None) -> dict[str, int]:
    """The sizes of the work queues (for badges): mine, unassigned, breaching, at risk,
    escalated, awaiting a decision."""
    moment = _now(now)
    has_user = user is not None and user.is_authenticated
    totals = live_cases().aggregate(
        mine=Count("id", filter=Q(assignee=user if has_user else None) & Q(assignee__isnull=False)),
        unassigned=Count("id", filter=Q(assignee__isnull=True)),
        breaching=Count("id", filter=Q(sla_due_at__lte=moment)),
        at_risk=Count("id", filter=Q(sla_at_risk_at__lte=moment, sla_due_at__gt=moment)),
        escalated=Count("id", filter=Q(status=Case.Status.ESCALATED)),
    )
    totals["awaiting_decision"] = awaiting_decision(user).count()
    return totals


def closed_outcomes(since: datetime | None = None) -> dict[str, int]:
    """Closed cases per outcome (optionally since a time)."""
    closed = Case.objects.filter(status=Case.Status.CLOSED)
    if since is not None:
        closed = closed.filter(closed_at__gte=since)
    counts: dict[str, int] = defaultdict(int)
    for row in closed.values("outcome").annotate(n=Count("id")).order_by():
        counts[row["outcome"]] = row["n"]
    return {outcome: counts[outcome] for outcome in Case.Outcome.values}


def case_workers() -> QuerySet:
    """Active users who may work cases (assignees to offer), by username."""
    from django.contrib.auth import get_user_model

    perm = {"codename": "change_case", "content_type__app_label": "cases"}
    may_work = (
        Q(is_superuser=True)
        | Q(**{f"groups__permissions__{k}": v for k, v in perm.items()})
        | Q(**{f"user_permissions__{k}": v for k, v in perm.items()})
    )
    users = get_user_model().objects.filter(is_active=True, is_staff=True)
    return users.filter(may_work).distinct().order_by("username")
