"""The rule tools in the admin: dry-run page, versions page with restore, challenger page,
tuning request, suppressions and the precision floor (through their services)."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rq_helpers import cash

from compliance.monitoring import services as monitoring
from compliance.monitoring.models import Alert, Rule
from compliance.rule_quality.models import PrecisionFloor, Suppression, TuningRun
from core.actors import Actor
from core.models import AuditEvent

SYSTEM = Actor.automated("tests")


@pytest.fixture
def large_cash(db):
    return Rule.objects.select_related("active_version").get(code="PK-LARGE-CASH-CTR")


def test_dry_run_page_shows_findings_and_stores_nothing(
    client_for, officers, large_cash, make_customer
):
    customer = make_customer()
    client = client_for(officers["analyst"])
    url = reverse("admin:rule_quality_dry_run", args=[large_cash.active_version.pk])
    assert client.get(url).status_code == 200
    alerts = Alert.objects.count()
    response = client.post(url, {
        "mode": "transaction", "params": json.dumps(large_cash.active_version.params),
        "payload": json.dumps(cash(customer, "2500000.00", timezone.now())), "expression": "",
    })  # fmt: skip
    page = response.content.decode()
    assert 'class="rq-finding"' in page and "CTR threshold" in page
    assert Alert.objects.count() == alerts

    response = client.post(url, {"mode": "transaction", "params": "{", "payload": "{}"})
    assert "not valid JSON" in response.content.decode()


def test_versions_page_compares_and_restores_a_draft(client_for, officers, large_cash):
    v2 = monitoring.add_rule_version(
        rule=large_cash, actor=SYSTEM, params={"threshold_pkr": "3000000"}
    )
    client = client_for(officers["mlro"])
    url = reverse("admin:rule_quality_versions", args=[large_cash.pk])
    page = client.get(url, {"left": 1, "right": 2}).content.decode()
    assert 'class="rq-changed"' in page and "3000000" in page
    response = client.post(
        reverse("admin:rule_quality_restore", args=[large_cash.active_version.pk]),
        {"reason": "the raise missed cases"},
    )
    assert response.status_code == 302
    v3 = large_cash.versions.get(number=3)
    assert v3.params == large_cash.active_version.params and v3.approved_at is None
    assert v2.number == 2


def test_challenger_page_starts_a_rollout(client_for, officers, large_cash):
    lower = monitoring.add_rule_version(
        rule=large_cash, actor=SYSTEM, params={"threshold_pkr": "1500000"}
    )
    client = client_for(officers["mlro"])
    url = reverse("admin:rule_quality_challenger", args=[large_cash.pk])
    client.post(url, {"version": lower.number, "percent": "20", "reason": "try lower"})
    large_cash.refresh_from_db()
    assert large_cash.shadow_version_id == lower.pk
    page = client.get(url).content.decode()
    assert "on 20% of customers" in page and 'id="rq-comparison"' in page


def test_tuning_request_page_queues_a_run(
    client_for, officers, large_cash, django_capture_on_commit_callbacks
):
    client = client_for(officers["mlro"])
    url = reverse("admin:rule_quality_tune", args=[large_cash.active_version.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"grid": '{"threshold_pkr": ["1500000", "2000000"]}', "days": "30"}
        )
    run = TuningRun.objects.get()
    assert response.status_code == 302 and run.status == TuningRun.Status.DONE
    page = client.get(
        reverse("admin:rule_quality_tuningrun_change", args=[run.pk])
    ).content.decode()
    assert 'id="rq-tuning-table"' in page
    bad = client.post(url, {"grid": '{"threshold_pkr": "x"}', "days": "30"})
    assert bad.status_code == 200 and "a non-empty list of values" in bad.content.decode()
    assert TuningRun.objects.count() == 1


def test_suppression_added_in_the_admin_goes_through_the_service(
    client_for, officers, large_cash, make_customer
):
    customer = make_customer()
    client = client_for(officers["analyst"])
    ends = (timezone.localtime() + timedelta(days=10)).strftime("%Y-%m-%d %H:%M:%S")
    response = client.post(reverse("admin:rule_quality_suppression_add"), {
        "rule": large_cash.pk, "customer": customer.pk, "counterparty_key": "",
        "reason": "Reviewed: fuel station takings.", "ends_at_0": ends[:10], "ends_at_1": ends[11:],
        "ends_at": ends,
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    suppression = Suppression.objects.get()
    assert suppression.created_by_label == officers["analyst"].username
    assert AuditEvent.objects.filter(action="rule.suppressed").count() == 1


def test_precision_floor_change_needs_a_decider_and_is_audited(client_for, officers):
    floor = PrecisionFloor.objects.get(rule__isnull=True)
    url = reverse("admin:rule_quality_precisionfloor_change", args=[floor.pk])
    refused = client_for(officers["analyst"]).post(
        url, {"floor": "0.9", "min_dispositioned": "1", "reason": "x"}
    )
    assert refused.status_code == 403
    response = client_for(officers["mlro"]).post(
        url, {"floor": "0.250", "min_dispositioned": "30", "reason": "Board appetite."}
    )
    assert response.status_code == 302
    floor.refresh_from_db()
    assert floor.floor == Decimal("0.250")
    assert AuditEvent.objects.filter(action="rule_precision_floor.changed").count() == 1
