"""Alerts and screening hits of one customer group into that customer's live case."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.cases import priorities, selectors
from compliance.cases.models import Case, CaseEvent
from compliance.cases.services import (
    close_case,
    group_into_cases,
    start_investigation,
    update_case_details,
)
from compliance.cases.sla import clock_for
from compliance.cases.tasks import group_new_items
from compliance.monitoring.models import Alert
from compliance.monitoring.signals import alert_raised
from core import audit
from core.actors import Actor

# Monday 16 March 2026 10:00 Karachi: an ordinary working morning.
MONDAY_MORNING = datetime(2026, 3, 16, 5, 0, tzinfo=UTC)


def test_the_highest_severity_sets_the_priority():
    assert priorities.highest(["low", "critical", "medium"]) == "critical"
    assert priorities.highest(["medium", "high"]) == "high"
    assert priorities.highest([], default="low") == "low"
    assert priorities.highest(["bogus", "medium"]) == "medium"


def test_open_alerts_of_one_customer_open_one_case(customer, make_alert):
    alerts = [
        make_alert(customer, typology="STRUCTURING", severity="medium"),
        make_alert(customer, typology="LARGE_CASH", severity="high"),
    ]
    result = group_into_cases(alert_ids=[a.pk for a in alerts], now=MONDAY_MORNING)

    case = Case.objects.get(customer=customer)
    assert result.opened == [case] and result.alerts_linked == 2
    assert case.status == Case.Status.OPEN and case.priority == "high"
    assert case.opened_at == MONDAY_MORNING
    assert case.reference.startswith("CASE-")
    assert {link.alert_id for link in case.alert_links.all()} == {a.pk for a in alerts}
    assert set(Alert.objects.filter(customer=customer).values_list("status", flat=True)) == {
        Alert.Status.IN_CASE
    }
    assert "LARGE_CASH" in case.summary and "STRUCTURING" in case.summary


def test_a_new_case_is_due_by_its_priority_sla_in_working_time(customer, make_alert):
    alert = make_alert(customer, severity="high")  # default policy: 1 working day
    group_into_cases(alert_ids=[alert.pk], now=MONDAY_MORNING)
    case = Case.objects.get(customer=customer)
    assert case.sla_terms == "1 working day"
    # End of Tuesday 17 March, Karachi.
    assert case.sla_due_at == datetime(2026, 3, 17, 18, 59, 59, tzinfo=UTC)


def test_a_late_grouping_counts_the_sla_from_the_alerts_arrival(customer, make_alert):
    alert = make_alert(customer, severity="high")
    Alert.objects.filter(pk=alert.pk).update(created_at=MONDAY_MORNING)  # raised, then missed
    group_into_cases(alert_ids=[alert.pk], now=MONDAY_MORNING + timedelta(days=2))
    case = Case.objects.get(customer=customer)
    assert case.opened_at == MONDAY_MORNING
    assert case.sla_due_at == datetime(2026, 3, 17, 18, 59, 59, tzinfo=UTC)


def test_a_new_alert_joins_the_customers_live_case(customer, make_alert):
    first = make_alert(customer)
    group_into_cases(alert_ids=[first.pk])
    case = Case.objects.get(customer=customer)

    later = make_alert(customer, typology="VELOCITY")
    result = group_into_cases(alert_ids=[later.pk])

    assert result.joined == [case] and not result.opened
    assert Case.objects.filter(customer=customer).count() == 1
    assert case.alert_links.count() == 2
    later.refresh_from_db()
    assert later.status == Alert.Status.IN_CASE


def test_an_alert_joins_a_case_already_under_investigation(customer, make_alert, officers):
    group_into_cases(alert_ids=[make_alert(customer).pk])
    case = Case.objects.get(customer=customer)
    start_investigation(case=case, actor=Actor.for_user(officers["analyst"]))

    group_into_cases(alert_ids=[make_alert(customer, typology="FAN_IN").pk])

    case.refresh_from_db()
    assert case.status == Case.Status.INVESTIGATING
    assert case.alert_links.count() == 2


def test_the_automatic_summary_follows_the_case_until_an_officer_writes_one(
    customer, make_alert, make_hit, officers
):
    group_into_cases(alert_ids=[make_alert(customer, typology="TIER_LIMIT").pk])
    group_into_cases(
        alert_ids=[make_alert(customer, typology="STRUCTURING").pk],
        hit_ids=[make_hit(customer).pk],
    )
    case = Case.objects.get(customer=customer)
    assert case.summary == "2 alerts: STRUCTURING, TIER_LIMIT; 1 screening hit (UN)"

    update_case_details(
        case=case, summary="Cash structuring", actor=Actor.for_user(officers["analyst"])
    )
    group_into_cases(alert_ids=[make_alert(customer, typology="VELOCITY").pk])
    case.refresh_from_db()
    assert case.summary == "Cash structuring"


def test_alerts_of_different_customers_open_separate_cases(make_customer, make_alert):
    a, b = make_customer(), make_customer()
    result = group_into_cases(alert_ids=[make_alert(a).pk, make_alert(b).pk])
    assert len(result.opened) == 2
    assert {c.customer_id for c in result.opened} == {a.pk, b.pk}


def test_a_more_severe_alert_raises_the_priority_and_shortens_the_sla(customer, make_alert):
    group_into_cases(alert_ids=[make_alert(customer, severity="low").pk], now=MONDAY_MORNING)
    case = Case.objects.get(customer=customer)
    assert case.priority == "low"
    low_due = case.sla_due_at

    arrived = MONDAY_MORNING + timedelta(hours=1)
    group_into_cases(alert_ids=[make_alert(customer, severity="critical").pk], now=arrived)

    case.refresh_from_db()
    assert case.priority == "critical" and case.priority_rank == 3
    critical_clock = clock_for(arrived, _terms("critical"))
    assert case.sla_due_at == critical_clock.due_at < low_due
    assert case.events.filter(kind=CaseEvent.Kind.PRIORITY_RAISED).count() == 1


def _terms(priority):
    from compliance.cases.services import current_sla_terms

    return current_sla_terms()[priority]


def test_a_milder_alert_never_lowers_the_priority(customer, make_alert):
    group_into_cases(alert_ids=[make_alert(customer, severity="critical").pk])
    case = Case.objects.get(customer=customer)
    due = case.sla_due_at
    group_into_cases(alert_ids=[make_alert(customer, severity="low").pk])
    case.refresh_from_db()
    assert case.priority == "critical" and case.sla_due_at == due


def test_grouping_again_changes_nothing(customer, make_alert):
    alert = make_alert(customer)
    group_into_cases(alert_ids=[alert.pk])
    again = group_into_cases(alert_ids=[alert.pk])
    assert again.alerts_linked == 0 and not again.cases
    assert Case.objects.get(customer=customer).alert_links.count() == 1


def test_shadow_and_closed_alerts_stay_out_of_cases(customer, make_alert):
    shadow = make_alert(customer, is_shadow=True)
    closed = make_alert(customer, status=Alert.Status.CLOSED)
    result = group_into_cases(alert_ids=[shadow.pk, closed.pk])
    assert not result.cases
    assert not Case.objects.filter(customer=customer).exists()


def test_a_screening_hit_joins_the_same_case_as_the_alerts(customer, make_alert, make_hit):
    alert = make_alert(customer, severity="low")
    hit = make_hit(customer)
    result = group_into_cases(alert_ids=[alert.pk], hit_ids=[hit.pk])

    case = Case.objects.get(customer=customer)
    assert result.opened == [case] and result.hits_linked == 1
    assert case.priority == priorities.SCREENING_HIT_SEVERITY
    assert case.hit_links.get().hit_id == hit.pk
    assert "screening hit" in case.summary


def test_decided_hits_stay_out_of_cases(customer, make_hit):
    hit = make_hit(customer, status="false_positive")
    assert not group_into_cases(hit_ids=[hit.pk]).cases


def test_after_a_case_closes_a_new_alert_opens_a_new_case(customer, make_alert, officers):
    group_into_cases(alert_ids=[make_alert(customer).pk])
    first = Case.objects.get(customer=customer)
    close_case(
        case=first,
        outcome="no_action",
        reason="Salary deposits, payslips on file.",
        actor=Actor.for_user(officers["analyst"]),
    )
    assert set(Alert.objects.filter(case_link__case=first).values_list("status", flat=True)) == {
        Alert.Status.CLOSED
    }

    group_into_cases(alert_ids=[make_alert(customer).pk])
    assert Case.objects.filter(customer=customer).count() == 2
    assert Case.objects.get(customer=customer, status="open").pk != first.pk


def test_the_timeline_and_the_audit_trail_record_the_grouping(customer, make_alert):
    alert = make_alert(customer)
    group_into_cases(alert_ids=[alert.pk])
    case = Case.objects.get(customer=customer)
    kinds = [e.kind for e in selectors.timeline(case)]
    assert kinds == [CaseEvent.Kind.OPENED, CaseEvent.Kind.ALERT_LINKED]
    actions = list(audit.events_for(case).values_list("action", flat=True))
    assert actions == ["case.opened", "case.alert_linked"]


def test_grouping_queries_do_not_grow_with_the_number_of_items(make_customer, make_alert, make_hit):
    def queries_for(n_customers: int) -> int:
        alert_ids, hit_ids = [], []
        for _ in range(n_customers):
            c = make_customer()
            alert_ids += [make_alert(c).pk, make_alert(c, typology="VELOCITY").pk]
            hit_ids.append(make_hit(c).pk)
        with CaptureQueriesContext(connection) as ctx:
            group_into_cases(alert_ids=alert_ids, hit_ids=hit_ids)
        return len(ctx.captured_queries)

    assert queries_for(2) == queries_for(20)


def test_the_sweeper_groups_everything_not_yet_in_a_case(make_customer, make_alert, make_hit):
    a, b = make_customer(), make_customer()
    make_alert(a)
    make_alert(a, typology="FAN_OUT")
    make_hit(b)
    totals = group_new_items()
    assert totals == {"opened": 2, "joined": 0, "alerts": 2, "hits": 1}
    assert group_new_items() == {"opened": 0, "joined": 0, "alerts": 0, "hits": 0}


def test_a_raised_alert_signal_groups_the_alert_at_once(customer, make_alert):
    alert = make_alert(customer)
    alert_raised.send(Alert, alert_id=alert.pk, customer_id=customer.pk, typology=alert.typology)
    assert Case.objects.get(customer=customer).alert_links.get().alert_id == alert.pk


@pytest.mark.parametrize("severity", ["low", "medium", "high", "critical"])
def test_every_priority_has_a_default_sla_policy(db, severity):
    assert _terms(severity).amount > 0


def test_a_batch_of_raised_alerts_is_grouped_in_one_task(make_customer, make_alert, monkeypatch):
    from compliance.cases import tasks
    from compliance.monitoring.signals import alerts_raised

    a, b = make_customer(), make_customer()
    alerts = [make_alert(a), make_alert(a, typology="FAN_OUT"), make_alert(b)]
    calls = []
    real = tasks.group_items.delay
    monkeypatch.setattr(tasks.group_items, "delay", lambda **kw: calls.append(kw) or real(**kw))
    alerts_raised.send(Alert, alert_ids=[x.pk for x in alerts])
    assert len(calls) == 1 and len(calls[0]["alert_ids"]) == 3
    assert Case.objects.filter(customer__in=[a, b]).count() == 2
    assert Case.objects.get(customer=a).alert_links.count() == 2
