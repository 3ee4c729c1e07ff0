"""Outcome labels come from real case decisions (grouping, closing, escalating, the MLRO's STR
approval) and from the FMU's answer to the filing, with no extra click."""

import pytest

from compliance.cases.models import Case
from compliance.cases.services import (
    approve_decision,
    close_case,
    escalate_case,
    group_into_cases,
    start_investigation,
)
from compliance.rule_quality.labels import label_for
from compliance.rule_quality.models import AlertLabel
from compliance.rule_quality.services import labels
from core.models import AuditEvent

REASON = "Cash deposits under the threshold with no stated source of funds."


def _case_of(alert) -> Case:
    group_into_cases(alert_ids=[alert.pk])
    return Case.objects.get(customer_id=alert.customer_id, status=Case.Status.OPEN)


@pytest.mark.parametrize(
    ("outcome", "escalated", "label", "positive"),
    [
        ("no_action", False, "false_positive", False),
        ("monitor", False, "closed_no_action", False),
        ("no_action", True, "escalated_no_str", True),
        ("exit_relationship", False, "exit_relationship", True),
        ("str_filed", True, "str_filed", True),
    ],
)
def test_label_for_each_outcome(outcome, escalated, label, positive):
    assert label_for(outcome=outcome, escalated=escalated) == (label, positive)


def test_a_dismissed_case_labels_its_alerts_false_positive(
    make_customer, rule, make_alert, act, django_capture_on_commit_callbacks
):
    customer = make_customer()
    first, second = make_alert(customer, rule), make_alert(customer, rule)
    group_into_cases(alert_ids=[first.pk, second.pk])
    case = Case.objects.get(customer=customer)
    with django_capture_on_commit_callbacks(execute=True):
        close_case(case=case, outcome="no_action", reason="Salary credits.", actor=act["analyst"])

    rows = {row.alert_id: row for row in AlertLabel.objects.filter(case=case)}
    assert set(rows) == {first.pk, second.pk}
    for row in rows.values():
        assert (row.label, row.true_positive) == ("false_positive", False)
        assert row.rule_version_id == rule.active_version_id
        assert row.dispositioned_at == Case.objects.get(pk=case.pk).closed_at
    assert AuditEvent.objects.filter(action="alert.labelled").count() == 2


def test_an_str_approved_by_the_mlro_and_acknowledged_by_the_fmu(
    make_customer, rule, make_alert, act, django_capture_on_commit_callbacks
):
    customer = make_customer()
    alert = make_alert(customer, rule)
    case = _case_of(alert)
    start_investigation(case=case, actor=act["analyst"])
    escalate_case(case=case, reason=REASON, actor=act["analyst"], propose_str=True)
    decision = case.decisions.get(kind="str_decision")
    with django_capture_on_commit_callbacks(execute=True):
        approve_decision(decision=decision, reason="File it.", actor=act["mlro"])

    row = AlertLabel.objects.get(alert=alert)
    assert (row.label, row.true_positive, row.filing) == ("str_filed", True, "")

    assert labels.record_filing_outcome(case_id=case.pk, acknowledged=True) == 1
    row.refresh_from_db()
    assert row.filing == "acknowledged" and row.filing_at is not None


def test_labelling_again_changes_nothing_and_the_sweeper_catches_lost_signals(
    make_customer, rule, make_alert, act, django_capture_on_commit_callbacks
):
    from compliance.cases import signals

    customer = make_customer()
    alert = make_alert(customer, rule)
    case = _case_of(alert)
    signals.case_closed.disconnect(dispatch_uid="rule-quality-case-closed")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            close_case(case=case, outcome="monitor", reason="Watch.", actor=act["analyst"])
    finally:
        from compliance.rule_quality import receivers

        receivers.connect()
    assert not AlertLabel.objects.filter(alert=alert).exists()
    assert labels.label_missing() == 1
    assert AlertLabel.objects.get(alert=alert).label == "closed_no_action"
    assert labels.label_cases([case.pk]) == 0
    assert labels.label_missing() == 0
