"""Case tasks. ``group_new_items`` is the sweeper (beat, every minute or so): it groups every
open alert and undecided screening hit that is not in a case yet, so nothing waits for a
signal that was lost. ``group_items`` groups given items now (the signal receivers queue it)."""

from __future__ import annotations

from celery import shared_task

from compliance.cases.services import group_into_cases
from compliance.monitoring.models import Alert
from compliance.screening.models import ScreeningHit

SWEEP_BATCH = 2000  # items per grouping transaction: bounds lock time and memory


@shared_task(name="compliance.cases.group_items")
def group_items(alert_ids: list[str] | None = None, hit_ids: list[str] | None = None) -> dict:
    result = group_into_cases(alert_ids=alert_ids or (), hit_ids=hit_ids or ())
    return {
        "opened": len(result.opened),
        "joined": len(result.joined),
        "alerts": result.alerts_linked,
        "hits": result.hits_linked,
    }


@shared_task(name="compliance.cases.group_new_items")
def group_new_items() -> dict:
    totals = {"opened": 0, "joined": 0, "alerts": 0, "hits": 0}
    while True:
        alert_ids = list(
            Alert.objects.filter(status=Alert.Status.OPEN, is_shadow=False, case_link__isnull=True)
            .order_by("created_at")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        hit_ids = list(
            ScreeningHit.objects.filter(status__in=ScreeningHit.UNDECIDED, case_link__isnull=True)
            .order_by("created_at")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        if not alert_ids and not hit_ids:
            return totals
        batch = group_items(alert_ids=alert_ids, hit_ids=hit_ids)
        for key in totals:
            totals[key] += batch[key]
        if not batch["alerts"] and not batch["hits"]:
            return totals  # nothing could be linked (e.g. concurrent sweeper): stop, retry later
