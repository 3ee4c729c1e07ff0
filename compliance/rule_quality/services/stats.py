"""Pre-aggregated quality figures: ``refresh_quality`` rebuilds ``QualityPeriod`` from alerts
and labels in three SQL statements (weeks, months, all time), each grouping per version and per
rule at once. The dashboard then reads a few hundred rows, however many alerts are stored.

The same arithmetic as ``metrics.summarise`` (tests compare them): weeks start on Monday and
months on the 1st in Asia/Karachi; the median is PostgreSQL's ``percentile_cont(0.5)``.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from compliance.monitoring.models import Alert
from compliance.rule_quality.metrics import ALL_TIME
from compliance.rule_quality.models import AlertLabel, QualityPeriod

BUCKETS = {
    "week": "(date_trunc('week', a.created_at AT TIME ZONE 'Asia/Karachi'))::date",
    "month": "(date_trunc('month', a.created_at AT TIME ZONE 'Asia/Karachi'))::date",
    "all": "%(all_time)s::date",
}
COLUMNS = (
    "rule_id, rule_version_id, period, period_start, alerts, customers, in_case, dispositioned, "
    "true_positives, str_filed, fmu_acknowledged, open_backlog, median_hours_to_disposition, "
    "computed_at"
)


def _statement(period: str) -> str:
    bucket = BUCKETS[period]
    grouping = (
        f"GROUPING SETS ((a.rule_id, a.rule_version_id, {bucket}), (a.rule_id, {bucket}))"
        if period != "all"
        else "GROUPING SETS ((a.rule_id, a.rule_version_id), (a.rule_id))"
    )
    # Table names come from the models; every value is a parameter.
    return (
        f"INSERT INTO {QualityPeriod._meta.db_table} ({COLUMNS}) "  # noqa: S608
        f"SELECT a.rule_id, a.rule_version_id, %(period)s, {bucket}, count(*), "
        "count(DISTINCT a.customer_id), "
        "count(*) FILTER (WHERE a.status <> 'open'), count(l.alert_id), "
        "count(*) FILTER (WHERE l.true_positive), "
        "count(*) FILTER (WHERE l.label = 'str_filed'), "
        "count(*) FILTER (WHERE l.filing = 'acknowledged'), "
        "count(*) FILTER (WHERE a.status <> 'closed'), "
        "round((percentile_cont(0.5) WITHIN GROUP (ORDER BY "
        "extract(epoch FROM l.dispositioned_at - a.created_at) / 3600.0))::numeric, 2), "
        "%(now)s "
        f"FROM {Alert._meta.db_table} a "
        f"LEFT JOIN {AlertLabel._meta.db_table} l ON l.alert_id = a.id "
        f"WHERE NOT a.is_shadow GROUP BY {grouping}"
    )


@transaction.atomic
def refresh_quality(now: datetime | None = None) -> int:
    """Rebuild every quality row; returns how many were written. Readers see the old rows
    until the commit (one transaction)."""
    now = now or timezone.now()
    QualityPeriod.objects.all().delete()
    written = 0
    with connection.cursor() as cursor:
        for period in BUCKETS:
            cursor.execute(_statement(period), {"period": period, "now": now, "all_time": ALL_TIME})
            written += cursor.rowcount
    return written
