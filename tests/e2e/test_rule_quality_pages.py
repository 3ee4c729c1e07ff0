"""Rule quality in a real browser: the dashboard, a dry run of a draft (and a CEL mistake
shown with its position), two versions side by side, and a tuning run's chart.

Alerts come from the real intake and rules; cases are grouped and closed through the services,
so the labels and figures are the ones production would show.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from core import roles

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _cash(customer, amount: str, at) -> dict:
    return {
        "external_id": f"E2E-RQ-{customer.external_id}-{amount}-{at:%j%H%M}",
        "customer": customer.external_id,
        "kind": "deposit",
        "channel": "cash",
        "asset": "PKR",
        "amount": amount,
        "amount_pkr": amount,
        "occurred_at": at.isoformat(),
    }


def _reset_sequences() -> None:
    """The migrated rows come back with their ids after the flush, but the sequences start
    again at 1: move them past the rows (rule versions have integer ids)."""
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection

    models = [m for m in apps.get_models() if m._meta.app_label in ("monitoring", "rule_quality")]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


@pytest.fixture
def quality(staff_user):
    from compliance.cases.models import Case
    from compliance.cases.services import close_case, escalate_case
    from compliance.monitoring import services as monitoring
    from compliance.monitoring.models import Alert, Rule
    from compliance.rule_quality.services import stats, tuning
    from core.actors import Actor
    from kyc.models import Customer

    _reset_sequences()
    system = Actor.automated("tests")
    analyst = staff_user(roles.ANALYST)
    now = timezone.now()
    customers = [
        Customer.objects.create(
            external_id=f"E2E-RQ-{n}", full_name=f"Quality Customer {n}", status="approved"
        )
        for n in range(6)
    ]
    amounts = ["2500000.00", "2100000.00", "3200000.00", "2050000.00", "1800000.00", "900000.00"]
    for n, (customer, amount) in enumerate(zip(customers, amounts, strict=True)):
        monitoring.ingest_transaction(
            body=_cash(customer, amount, now - timedelta(days=20 - 3 * n)), actor=system
        )
    # As if raised when each deposit happened (the figures are bucketed by week).
    for alert in Alert.objects.prefetch_related("transactions"):
        Alert.objects.filter(pk=alert.pk).update(
            created_at=min(t.occurred_at for t in alert.transactions.all())
        )
    cases = {c.customer_id: c for c in Case.objects.all()}
    officer = Actor.for_user(analyst)
    escalate_case(case=cases[customers[2].pk], reason="Unexplained cash.", actor=officer)
    close_case(
        case=cases[customers[2].pk], outcome="monitor", reason="MLRO: watch closely.",
        actor=Actor.for_user(staff_user(roles.MLRO)),
    )  # fmt: skip
    for customer in customers[:2] + customers[3:4]:
        close_case(case=cases[customer.pk], outcome="no_action", reason="Salary.", actor=officer)
    stats.refresh_quality()

    large_cash = Rule.objects.get(code="PK-LARGE-CASH-CTR")
    draft = monitoring.add_rule_version(
        rule=large_cash, actor=system, params={"threshold_pkr": "1500000"}, note="catch more"
    )
    cel = monitoring.create_rule(
        code="e2e-cel", name="Big cash (CEL)", kind="expression", typology="BIG_CASH",
        severity="medium", actor=system, expression="tx.is_cash && tx.amount_pkr >= 1000000.0",
    )  # fmt: skip
    run = tuning.request_tuning(
        version=large_cash.active_version,
        grid={"threshold_pkr": ["1500000", "2000000", "2200000", "3000000"]},
        date_from=now - timedelta(days=30),
        date_to=now,
        actor=system,
    )
    return {
        "analyst": analyst,
        "customer": customers[5],
        "rule": large_cash,
        "draft": draft,
        "cel": cel.versions.get(),
        "run": run,
    }


def test_dashboard_dry_run_versions_and_tuning_chart(quality, new_page, log_in, artifacts_dir):
    from compliance.rule_quality.models import TuningRun

    page = new_page()
    log_in(page, quality["analyst"].username)

    page.goto("/admin/rule_quality/qualityperiod/")
    page.wait_for_selector("#rq-table")
    row = page.locator("#rq-table tr.rq-rule", has_text="PK-LARGE-CASH-CTR")
    assert row.count() == 1
    assert page.locator("svg.workspace-chart").count() == 2
    assert "0.250" in row.inner_text()  # one true positive in four labelled alerts
    page.screenshot(path=str(artifacts_dir / "rule-quality-dashboard.png"), full_page=True)

    # A dry run of the draft (PKR 1.5M) on a pasted PKR 1.8M cash deposit: one finding.
    page.goto(f"/admin/rule_quality/qualityperiod/dry-run/{quality['draft'].pk}/")
    payload = _cash(quality["customer"], "1800000.00", timezone.now())
    page.fill("#rq-payload", json.dumps(payload, indent=2))
    page.click("#rq-run")
    page.wait_for_selector("#rq-result")
    finding = page.locator("#rq-result tr.rq-finding")
    assert finding.count() == 1
    assert "PKR 1.5M CTR threshold" in finding.inner_text()
    page.screenshot(path=str(artifacts_dir / "rule-quality-dry-run.png"), full_page=True)

    # A CEL mistake is shown with where it is.
    page.goto(f"/admin/rule_quality/qualityperiod/dry-run/{quality['cel'].pk}/")
    page.fill("#rq-expression", "tx.is_cash && tx.amount_pkr >= ")
    page.fill("#rq-payload", json.dumps(payload))
    page.click("#rq-run")
    problem = page.wait_for_selector("#rq-problem")
    assert "line 1, column 32" in problem.inner_text()

    # Versions side by side: the threshold row is marked changed.
    page.goto(
        f"/admin/rule_quality/qualityperiod/rules/{quality['rule'].pk}/versions/?left=1&right=2"
    )
    changed = page.locator("#rq-diff tr.rq-changed", has_text="params.threshold_pkr")
    assert changed.count() == 1
    assert "2000000" in changed.inner_text() and "1500000" in changed.inner_text()
    page.screenshot(path=str(artifacts_dir / "rule-quality-versions.png"), full_page=True)

    # The tuning run (done by the eager Celery task): its chart marks current and suggested.
    run = TuningRun.objects.get(pk=quality["run"].pk)
    assert run.status == TuningRun.Status.DONE, run.error
    page.goto(f"/admin/rule_quality/tuningrun/{run.pk}/change/")
    page.wait_for_selector("#rq-tuning-chart svg")
    assert page.locator("#rq-tuning-table tr.rq-current").count() == 1
    assert page.locator("#rq-tuning-table tr.rq-suggested").count() == 1
    assert "suggested" in page.locator("#rq-tuning-chart").inner_html()
    page.screenshot(path=str(artifacts_dir / "rule-quality-tuning.png"), full_page=True)
