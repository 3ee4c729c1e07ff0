"""Dry runs, versions side by side with restore, suppressions and challengers, through the
real rules engine and the real intake."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rq_helpers import cash, ingest_and_evaluate

from compliance.cases.models import CaseAlert
from compliance.monitoring import services as monitoring
from compliance.monitoring.hooks import in_sample
from compliance.monitoring.models import Alert, CheckAttempt, Rule, Transaction
from compliance.rule_quality.models import SuppressedFinding
from compliance.rule_quality.services import challengers, dry_run, revisions, suppressions
from core.actors import Actor
from core.errors import FourEyesViolation, ValidationFailed
from core.models import AuditEvent, WebhookDelivery

SYSTEM = Actor.automated("tests")


@pytest.fixture
def large_cash(db):
    return Rule.objects.select_related("active_version").get(code="PK-LARGE-CASH-CTR")


def _stored():
    return (
        Transaction.objects.count(),
        Alert.objects.count(),
        CheckAttempt.objects.count(),
        AuditEvent.objects.count(),
        WebhookDelivery.objects.count(),
    )


# -- dry run ---------------------------------------------------------------------------------


def test_dry_run_on_a_pasted_transaction_finds_explains_and_stores_nothing(
    make_customer, large_cash
):
    customer = make_customer()
    version = monitoring.add_rule_version(
        rule=large_cash, actor=SYSTEM, params={"threshold_pkr": "1500000"}, note="draft"
    )
    before = _stored()
    runnable = dry_run.definition(version)
    hit = dry_run.on_transaction(runnable, cash(customer, "1800000.00", timezone.now()))
    miss = dry_run.on_transaction(runnable, cash(customer, "900000.00", timezone.now()))
    assert _stored() == before
    assert len(hit.findings) == 1 and miss.findings == []
    finding = hit.findings[0]
    assert "PKR 1.5M CTR threshold" in finding.explanation and finding.typology == "LARGE_CASH"
    assert finding.facts["threshold_pkr"] == "1500000"
    # The live version (PKR 2M) would not have fired: the draft is what ran.
    assert (
        dry_run.on_transaction(
            dry_run.definition(large_cash.active_version),
            cash(customer, "1800000.00", timezone.now()),
        ).findings
        == []
    )


def test_dry_run_over_a_customers_history(make_customer, large_cash):
    customer = make_customer()
    now = timezone.now()
    ingest_and_evaluate(
        cash(customer, "2500000.00", now - timedelta(days=5)),
        cash(customer, "1700000.00", now - timedelta(days=3)),
    )
    version = monitoring.add_rule_version(
        rule=large_cash, actor=SYSTEM, params={"threshold_pkr": "1600000"}, note="lower"
    )
    before = _stored()
    result = dry_run.on_customer(
        dry_run.definition(version),
        customer_id=customer.pk,
        date_from=now - timedelta(days=10),
        date_to=now,
    )
    assert _stored() == before
    assert result.evaluated == 2 and len(result.findings) == 2


def test_an_invalid_cel_expression_says_where(large_cash):
    rule = monitoring.create_rule(
        code="rq-cel", name="Big cash", kind="expression", typology="BIG_CASH",
        severity="medium", actor=SYSTEM, expression="tx.is_cash && tx.amount_pkr >= 1000000.0",
    )  # fmt: skip
    version = rule.versions.get()
    with pytest.raises(dry_run.DefinitionProblem) as err:
        dry_run.definition(version, expression="tx.is_cash &&\n  tx.amount_pkr >= ")
    assert (err.value.line, err.value.column) == (2, 20)
    assert "syntax error" in err.value.errors["expression"][0]
    with pytest.raises(dry_run.DefinitionProblem) as err:
        dry_run.definition(version, expression="tx.amount_pkr > 5.0 && tx.colour == 'red'")
    assert (err.value.line, err.value.column) == (1, 24)
    assert err.value.excerpt.endswith("^") and "unknown field tx.colour" in str(err.value)


# -- revisions -------------------------------------------------------------------------------


def test_diff_and_restore_as_a_draft_that_needs_four_eyes(large_cash, staff_user):
    maker, checker = staff_user("MLRO"), staff_user("MLRO")
    v1 = large_cash.active_version
    v2 = monitoring.add_rule_version(
        rule=large_cash, actor=SYSTEM, params={**v1.params, "threshold_pkr": "3000000"},
        severity="high", note="raise",
    )  # fmt: skip
    rows = {r.field: r for r in revisions.diff(v1, v2)}
    assert rows["params.threshold_pkr"].changed
    assert (rows["params.threshold_pkr"].left, rows["params.threshold_pkr"].right) == (
        "2000000",
        "3000000",
    )
    assert rows["severity"].changed and not rows["template"].changed
    # A parameter left to its default shows the default, not a blank.
    assert not rows["params.group_window_hours"].changed

    with pytest.raises(ValidationFailed):
        revisions.restore_as_draft(version=v1, actor=Actor.for_user(maker), reason=" ")
    v3 = revisions.restore_as_draft(version=v1, actor=Actor.for_user(maker), reason="undo")
    assert (v3.number, v3.params, v3.severity, v3.approved_at) == (3, v1.params, "medium", None)
    with pytest.raises(FourEyesViolation):
        monitoring.activate_rule_version(version=v3, actor=Actor.for_user(maker))
    monitoring.activate_rule_version(version=v3, actor=Actor.for_user(checker))
    large_cash.refresh_from_db()
    assert large_cash.active_version_id == v3.pk


# -- suppression -----------------------------------------------------------------------------


def test_a_suppressed_finding_is_recorded_but_never_routed(
    make_customer, large_cash, staff_user, django_capture_on_commit_callbacks
):
    officer = Actor.for_user(staff_user("Analyst"))
    quiet, other = make_customer(), make_customer()
    now = timezone.now()
    suppression = suppressions.suppress(
        rule=large_cash, customer=quiet, reason="Cash-heavy fuel station, reviewed.",
        ends_at=now + timedelta(days=30), actor=officer, starts_at=now - timedelta(days=1),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        earlier = now - timedelta(hours=2)
        ingest_and_evaluate(cash(quiet, "2500000.00", earlier), cash(other, "2500000.00", earlier))

    held = Alert.objects.get(customer=quiet, rule=large_cash)
    assert held.is_shadow and SuppressedFinding.objects.get(alert=held).suppression == suppression
    assert not CaseAlert.objects.filter(alert=held).exists()
    raised = Alert.objects.get(customer=other, rule=large_cash)
    assert not raised.is_shadow and CaseAlert.objects.filter(alert=raised).exists()
    assert AuditEvent.objects.filter(action="rule.suppressed", object_id=str(suppression.pk))

    suppressions.lift(suppression=suppression, reason="Reviewed again.", actor=officer)
    # Transactions after the lift raise again (event time: no transaction may be dated ahead).
    ingest_and_evaluate(cash(quiet, "2600000.00", timezone.now()))
    assert Alert.objects.filter(customer=quiet, rule=large_cash, is_shadow=False).count() == 1


def test_a_pair_suppression_only_covers_that_counterparty(make_customer, large_cash):
    customer = make_customer()
    now = timezone.now()
    suppressions.suppress(
        rule=large_cash, customer=customer, counterparty_key="PK36SCBL0000001123456702",
        reason="Own account at another bank.", ends_at=now + timedelta(days=7), actor=SYSTEM,
        starts_at=now - timedelta(hours=1),
    )  # fmt: skip
    ingest_and_evaluate(
        cash(
            customer,
            "2100000.00",
            now - timedelta(minutes=30),
            counterparty={"name": "Own", "iban": "PK36SCBL0000001123456702"},
        )
    )
    assert Alert.objects.get(customer=customer).is_shadow
    ingest_and_evaluate(
        cash(customer, "2100000.00", now,
             counterparty={"name": "Someone", "iban": "PK36SCBL0000001123456799"})
    )  # fmt: skip
    assert Alert.objects.filter(customer=customer, is_shadow=False).count() == 1


def test_a_suppression_needs_a_reason_and_an_end(make_customer, large_cash):
    customer = make_customer()
    with pytest.raises(ValidationFailed) as err:
        suppressions.suppress(rule=large_cash, customer=customer, reason="", actor=SYSTEM,
                              ends_at=timezone.now() + timedelta(days=1))  # fmt: skip
    assert "reason" in err.value.errors
    with pytest.raises(ValidationFailed) as err:
        suppressions.suppress(rule=large_cash, customer=customer, reason="x", actor=SYSTEM,
                              ends_at=timezone.now() - timedelta(days=1))  # fmt: skip
    assert "ends_at" in err.value.errors


# -- challengers -----------------------------------------------------------------------------


def test_rollout_is_stable_by_customer_and_near_its_percentage():
    ids = [f"00000000-0000-0000-0000-{n:012d}" for n in range(2000)]
    chosen = [i for i in ids if in_sample(i, 25)]
    assert 400 <= len(chosen) <= 600
    assert chosen == [i for i in ids if in_sample(i, 25)]
    assert all(in_sample(i, 100) for i in ids[:50])


def test_a_challenger_records_would_be_alerts_and_the_comparison_counts_them(
    make_customer, large_cash, staff_user
):
    maker, checker = staff_user("MLRO"), staff_user("MLRO")
    lower = monitoring.add_rule_version(
        rule=large_cash, actor=Actor.for_user(maker), params={"threshold_pkr": "1500000"},
        note="catch more",
    )  # fmt: skip
    challengers.start_challenger(
        version=lower, percent=100, actor=Actor.for_user(maker), reason="try it"
    )
    customers = [make_customer() for _ in range(3)]
    now = timezone.now()
    ingest_and_evaluate(
        cash(customers[0], "2500000.00", now),  # both find it
        cash(customers[1], "1800000.00", now),  # only the challenger
        cash(customers[2], "900000.00", now),  # neither
    )
    assert Alert.objects.filter(rule=large_cash, is_shadow=False).count() == 1
    shadow = Alert.objects.filter(rule=large_cash, is_shadow=True, rule_version=lower)
    assert shadow.count() == 2 and not CaseAlert.objects.filter(alert__in=shadow).exists()

    report = challengers.compare(
        rule=large_cash, date_from=now - timedelta(hours=1), date_to=now + timedelta(hours=1)
    )
    assert (report.overlap, report.extra, report.missed) == (1, 1, 0)
    assert (report.champion.episodes, report.challenger.episodes) == (1, 2)

    with pytest.raises(FourEyesViolation):
        challengers.promote(rule=large_cash, actor=Actor.for_user(maker), reason="better")
    challengers.promote(rule=large_cash, actor=Actor.for_user(checker), reason="better")
    large_cash.refresh_from_db()
    assert large_cash.active_version_id == lower.pk and large_cash.shadow_version_id is None


def test_a_partial_rollout_only_runs_for_its_customers(make_customer, large_cash):
    lower = monitoring.add_rule_version(
        rule=large_cash, actor=SYSTEM, params={"threshold_pkr": "1500000"}, note="catch more"
    )
    challengers.start_challenger(version=lower, percent=30, actor=SYSTEM, reason="try it")
    customers = [make_customer() for _ in range(20)]
    now = timezone.now()
    ingest_and_evaluate(*[cash(c, "1800000.00", now) for c in customers])
    seen = set(
        Alert.objects.filter(rule_version=lower, is_shadow=True).values_list(
            "customer_id", flat=True
        )
    )
    assert seen == {c.pk for c in customers if in_sample(str(c.pk), 30)}
    assert 0 < len(seen) < 20
