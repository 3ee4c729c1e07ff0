"""Reporting drafts on the events of the apps below it, and its demo is idempotent."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.utils import timezone
from reporting_helpers import confirmed_hit

from compliance.cases.models import Decision
from compliance.cases.signals import str_approved
from compliance.monitoring.signals import large_cash_detected
from compliance.screening.signals import true_match_confirmed
from reporting import demo
from reporting.models import Report

pytestmark = pytest.mark.django_db


def test_large_cash_detected_drafts_the_ctr_once(customer, make_tx):
    tx = make_tx(customer, amount_pkr=Decimal("3000000"))

    large_cash_detected.send(sender=None, transaction_id=tx.pk)
    large_cash_detected.send(sender=None, transaction_id=tx.pk)

    report = Report.objects.get(kind="CTR")
    assert list(report.transactions.all()) == [tx]


def test_str_approved_drafts_the_str_with_the_proposer_as_maker(
    customer, make_tx, make_case, link_alert, officers
):
    case = make_case(customer)
    link_alert(case, [make_tx(customer, amount_pkr=Decimal("1900000"))])
    now = timezone.now()
    decision = Decision.objects.create(
        case=case,
        kind=Decision.Kind.STR_DECISION,
        status=Decision.Status.APPROVED,
        proposed_by=officers["analyst"],
        proposed_by_label="analyst",
        proposed_at=now,
        reason="Structuring below the CTR threshold",
        decided_by=officers["mlro"],
        decided_by_label="mlro",
        decided_at=now,
    )

    str_approved.send(sender=None, case_id=case.pk, decision_id=decision.pk)

    report = Report.objects.get(case=case)
    assert (report.kind, report.status, report.prepared_by) == ("STR", "draft", officers["analyst"])
    assert report.due_at is not None


def test_true_match_confirmed_drafts_an_str_f(customer, make_tx, officers):
    make_tx(customer, kind="transfer_out", channel="crypto", asset="USDT",
            amount=Decimal("1000"), amount_pkr=Decimal("280000"))  # fmt: skip
    hit = confirmed_hit(customer, officers["mlro"])

    true_match_confirmed.send(sender=None, hit_id=hit.pk)

    report = Report.objects.get(screening_hit=hit)
    assert report.kind == "STR-F"
    assert "matches" in report.narrative
    assert report.indicators == ["TFS_MATCH"]
    assert report.validation_problems == []


def test_demo_is_idempotent(make_customer, staff_user):
    staff_user("Analyst", username="analyst")
    staff_user("MLRO", username="mlro")
    for n in range(3):
        make_customer(external_id=f"DEMO-U-{n:04d}")

    demo.seed(stdout=StringIO())
    first = set(Report.objects.values_list("pk", "status"))
    out = StringIO()
    demo.seed(stdout=out)

    assert set(Report.objects.values_list("pk", "status")) == first
    assert len(first) == 3
    assert Report.objects.filter(kind="STR", status="acknowledged").count() == 1
    assert Report.objects.filter(kind="CTR", status="acknowledged").count() == 1
    assert Report.objects.filter(status="pending_approval").count() == 1
    assert "STR filed and acknowledged" in out.getvalue()


def test_beat_tasks_draft_ctrs_and_alert_on_overdue_filings(customer, make_tx, settings):
    from reporting import tasks

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_tx(customer, occurred_at=timezone.now() - timedelta(days=30))

    assert tasks.generate_ctrs.delay().get() == 1
    assert tasks.generate_ctrs.delay().get() == 0
    assert tasks.alert_overdue.delay().get() == 1  # 7 working days have passed
    assert tasks.alert_overdue.delay().get() == 0  # once a day
