"""The quality dashboard, its CSV export and the read-only API."""

import csv
import io

import pytest
from django.urls import reverse

from compliance.cases.models import Case
from compliance.cases.services import close_case, group_into_cases
from compliance.monitoring.models import Rule
from compliance.rule_quality.services import stats


@pytest.fixture
def labelled(make_customer, rule, make_alert, act, django_capture_on_commit_callbacks):
    """Three alerts of ``rule``: two dismissed (false positives), one still open."""
    customers = [make_customer() for _ in range(3)]
    alerts = [make_alert(c, rule) for c in customers]
    group_into_cases(alert_ids=[a.pk for a in alerts[:2]])
    with django_capture_on_commit_callbacks(execute=True):
        for case in Case.objects.all():
            close_case(case=case, outcome="no_action", reason="Fine.", actor=act["analyst"])
    stats.refresh_quality()
    return rule


def test_dashboard_shows_rules_versions_and_charts(client_for, officers, labelled):
    client = client_for(officers["mlro"])
    response = client.get(reverse("admin:rule_quality_qualityperiod_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    assert labelled.code in page and "v1 (live)" in page
    assert page.count('<svg class="workspace-chart"') == 2
    assert 'id="rq-table"' in page


def test_dashboard_flags_a_rule_below_its_floor(client_for, officers, labelled):
    from compliance.rule_quality.models import PrecisionFloor

    PrecisionFloor.objects.filter(rule__isnull=True).update(min_dispositioned=2)
    client = client_for(officers["analyst"])
    page = client.get(reverse("admin:rule_quality_qualityperiod_changelist")).content.decode()
    assert 'id="rq-flagged"' in page and "below 0.100" in page


def test_csv_export_quotes_formula_like_cells(client_for, officers, labelled):
    Rule.objects.filter(pk=labelled.pk).update(code="=cmd-rule")
    client = client_for(officers["mlro"])
    response = client.get(reverse("admin:rule_quality_export"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {r["rule"] for r in rows} == {"'=cmd-rule"}
    whole = next(r for r in rows if r["version"] == "all")
    assert (whole["alerts"], whole["dispositioned"], whole["precision"]) == ("3", "2", "0.000")
    assert whole["open_backlog"] == "1"


def test_api_lists_quality_per_rule_and_version(make_api_client, labelled):
    client = make_api_client(["alerts:read"])
    response = client.get("/api/v1/rules/quality/", {"rule": labelled.code})
    assert response.status_code == 200
    body = response.json()
    assert [(r["rule"], r["version"]) for r in body] == [(labelled.code, None), (labelled.code, 1)]
    assert body[0]["precision"] == "0.000" and body[0]["alerts"] == 3


def test_api_refuses_bad_filters_and_missing_scope(make_api_client, labelled):
    response = make_api_client(["alerts:read"]).get("/api/v1/rules/quality/", {"start": ""})
    assert response.status_code == 400
    assert "start" in response.json()["errors"]
    response = make_api_client(["alerts:read"]).get("/api/v1/rules/quality/", {"period": "year"})
    assert response.status_code == 400 and "period" in response.json()["errors"]
    assert make_api_client(["customers:read"]).get("/api/v1/rules/quality/").status_code == 403


def test_api_reads_the_current_week_or_month_when_no_start_is_given(make_api_client, labelled):
    client = make_api_client(["alerts:read"])
    for period in ("week", "month"):
        response = client.get("/api/v1/rules/quality/", {"period": period, "rule": labelled.code})
        assert response.status_code == 200
        whole = response.json()[0]  # the alerts were raised just now
        assert (whole["rule"], whole["version"], whole["alerts"]) == (labelled.code, None, 3)
