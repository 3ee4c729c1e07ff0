"""Rules as data: the default pack, versions, four-eyes activation, CEL rules, shadow, backtest."""

from __future__ import annotations

from datetime import timedelta

import pytest
from monitoring_fixtures import *  # noqa: F403
from monitoring_fixtures import T0, cash_deposit, evaluate_pending, ingest, make_customer, tx_body

from compliance.monitoring import services
from compliance.monitoring.models import Alert, Backtest, Rule, RuleVersion
from core.actors import Actor
from core.audit import events_for
from core.errors import FourEyesViolation, NotPermitted, ValidationFailed

pytestmark = pytest.mark.django_db

API_TYPOLOGIES = {
    "STRUCTURING",
    "LARGE_CASH",
    "RAPID_MOVEMENT",
    "VELOCITY",
    "PROFILE_DEVIATION",
    "DORMANT_REACTIVATION",
    "FAN_IN",
    "FAN_OUT",
    "SANCTIONED_COUNTERPARTY",
    "HIGH_RISK_JURISDICTION",
    "TRAVEL_RULE_MISSING",
    "TIER_LIMIT",
    "ROUND_AMOUNTS",
}


@pytest.fixture
def maker(staff_user):
    """Admins edit rules (add and change) but cannot activate them."""
    return Actor.for_user(staff_user("Admin"))


@pytest.fixture
def checker(staff_user):
    return Actor.for_user(staff_user("MLRO"))


def structuring_rule() -> Rule:
    return Rule.objects.get(code="PK-STRUCTURING-CTR")


def test_the_default_pack_covers_every_typology_of_the_contract_and_runs():
    live = Rule.objects.filter(status=Rule.Status.ACTIVE, active_version__isnull=False)
    assert set(live.values_list("typology", flat=True)) >= API_TYPOLOGIES
    blocking = live.filter(active_version__blocking=True).values_list("typology", flat=True)
    assert set(blocking) == {"SANCTIONED_COUNTERPARTY", "TIER_LIMIT"}


def test_editing_a_rule_adds_a_version_and_leaves_the_live_one_running(maker):
    rule = structuring_rule()
    v2 = services.add_rule_version(
        rule=rule, actor=maker, params={"min_count": 4}, note="fewer false positives"
    )
    rule.refresh_from_db()
    assert v2.number == 2 and v2.params == {"min_count": 4}
    assert rule.active_version.number == 1
    assert v2.created_by == maker.user and v2.approved_at is None
    assert events_for(rule).filter(action="rule.version_added").exists()


def test_a_rule_version_cannot_be_changed_once_written(maker):
    version = structuring_rule().active_version
    version.severity = "low"
    with pytest.raises(ValueError, match="immutable"):
        version.save()


def test_parameters_are_validated_by_the_typology_with_field_messages(maker):
    with pytest.raises(ValidationFailed) as refused:
        services.add_rule_version(
            rule=structuring_rule(),
            actor=maker,
            params={"threshold_pkr": 2000000.0, "min_count": 1, "colour": "red"},
        )
    errors = refused.value.errors
    assert "decimal string" in errors["params.threshold_pkr"][0]
    assert errors["params.min_count"] and errors["params.colour"] == ["unknown parameter"]
    assert structuring_rule().versions.count() == 1


def test_the_maker_of_a_version_cannot_activate_it(staff_user):
    mlro = Actor.for_user(staff_user("MLRO"))
    version = services.add_rule_version(rule=structuring_rule(), actor=mlro, params={})
    with pytest.raises(FourEyesViolation):
        services.activate_rule_version(version=version, actor=mlro)


def test_activation_needs_the_activate_rule_permission(maker, staff_user):
    version = services.add_rule_version(rule=structuring_rule(), actor=maker, params={})
    other_admin = Actor.for_user(staff_user("Admin"))
    with pytest.raises(NotPermitted):
        services.activate_rule_version(version=version, actor=other_admin)


def test_analysts_cannot_edit_rules(staff_user):
    analyst = Actor.for_user(staff_user("Analyst"))
    with pytest.raises(NotPermitted):
        services.add_rule_version(rule=structuring_rule(), actor=analyst, params={})


def test_a_second_person_activates_the_version_and_alerts_name_it(maker, checker, customer):
    rule = structuring_rule()
    v2 = services.add_rule_version(rule=rule, actor=maker, params={"min_count": 2})
    services.activate_rule_version(version=v2, actor=checker, reason="two is enough")
    v2.refresh_from_db()
    assert v2.approved_by == checker.user and v2.approved_at is not None
    event = events_for(rule).get(action="rule.version_activated")
    assert event.actor_user == checker.user and event.after["active_version"] == 2
    ingest(cash_deposit(customer, "1900000.00", T0))
    ingest(cash_deposit(customer, "1950000.00", T0 + timedelta(hours=5)))
    evaluate_pending()
    alert = Alert.objects.get(typology="STRUCTURING")
    assert alert.rule_version == v2


def test_switching_a_rule_off_needs_a_checker_and_a_reason(maker, checker, customer):
    rule = structuring_rule()
    with pytest.raises(ValidationFailed):
        services.set_rule_status(rule=rule, status="disabled", actor=checker, reason=" ")
    with pytest.raises(NotPermitted):
        services.set_rule_status(rule=rule, status="disabled", actor=maker, reason="noisy")
    services.set_rule_status(rule=rule, status="disabled", actor=checker, reason="noisy")
    for amount, hours in (("1850000.00", 0), ("1920000.00", 20), ("1980000.00", 40)):
        ingest(cash_deposit(customer, amount, T0 + timedelta(hours=hours)))
    evaluate_pending()
    assert not Alert.objects.filter(typology="STRUCTURING").exists()


def test_a_cel_expression_rule_runs_once_activated(maker, checker, customer):
    rule = services.create_rule(
        code="NIGHT-CASH",
        name="Cash at night",
        kind="expression",
        typology="NIGHT_CASH",
        expression="tx.is_cash && tx.local_hour >= 23 && tx.amount_pkr >= 500000",
        severity="medium",
        actor=maker,
    )
    assert rule.status == Rule.Status.DISABLED
    services.activate_rule_version(version=rule.latest_version, actor=checker)
    night = T0.replace(hour=18, minute=30)  # 23:30 in Karachi
    ingest(cash_deposit(customer, "600000.00", night))
    ingest(cash_deposit(customer, "600000.00", T0))  # 10:00 in Karachi
    evaluate_pending()
    alert = Alert.objects.get(typology="NIGHT_CASH")
    assert alert.transactions.count() == 1 and "Cash at night" in alert.explanation


def test_an_unsafe_or_unknown_expression_is_refused(maker):
    for expression in (
        "__import__('os').system('true')",
        "tx.amount_pkr > 1 && customer.password == 'x'",
        "tx.amount_pkr",
        "tx.amount_pkr >",
    ):
        with pytest.raises(ValidationFailed) as refused:
            services.create_rule(
                code=f"BAD-{abs(hash(expression))}",
                name="bad",
                kind="expression",
                typology="CUSTOM",
                expression=expression,
                severity="low",
                actor=maker,
            )
        assert "expression" in refused.value.errors
    assert not Rule.objects.filter(code__startswith="BAD-").exists()


def test_a_shadow_version_records_would_be_alerts_without_raising_them(maker, customer):
    rule = structuring_rule()
    candidate = services.add_rule_version(rule=rule, actor=maker, params={"min_count": 2})
    services.run_version_in_shadow(version=candidate, actor=maker, reason="try two")
    ingest(cash_deposit(customer, "1900000.00", T0))
    ingest(cash_deposit(customer, "1950000.00", T0 + timedelta(hours=5)))
    evaluate_pending()
    shadow = Alert.objects.get(typology="STRUCTURING")
    assert shadow.is_shadow and shadow.rule_version == candidate
    assert not Alert.objects.filter(typology="STRUCTURING", is_shadow=False).exists()


def test_a_shadow_rule_alerts_are_hidden_from_the_api(api_client, checker, customer):
    rule = Rule.objects.get(code="PK-LARGE-CASH-CTR")
    services.set_rule_status(rule=rule, status="shadow", actor=checker, reason="watch only")
    ingest(cash_deposit(customer, "2500000.00", T0))
    evaluate_pending()
    assert Alert.objects.get(typology="LARGE_CASH").is_shadow
    assert api_client.get("/api/v1/alerts/?typology=LARGE_CASH").json()["count"] == 0


def test_a_backtest_reports_hits_customers_and_overlap_with_the_live_version(
    maker, customer, django_capture_on_commit_callbacks
):
    quiet = make_customer()
    for who in (customer, quiet):
        ingest(cash_deposit(who, "1900000.00", T0))
        ingest(cash_deposit(who, "1950000.00", T0 + timedelta(hours=5)))
    for amount, hours in (("1850000.00", 30), ("1920000.00", 40)):
        ingest(cash_deposit(customer, amount, T0 + timedelta(hours=hours)))
    ingest(tx_body(quiet, amount_pkr="5000.00", at=T0 + timedelta(days=1)))
    rule = structuring_rule()
    candidate = services.add_rule_version(rule=rule, actor=maker, params={"min_count": 2})
    with django_capture_on_commit_callbacks(execute=True):
        backtest = services.request_backtest(
            version=candidate,
            date_from=T0 - timedelta(days=1),
            date_to=T0 + timedelta(days=5),
            actor=maker,
        )
    backtest.refresh_from_db()
    assert backtest.status == Backtest.Status.DONE, backtest.error
    assert backtest.transactions_evaluated == 7
    assert backtest.customers == 2 and backtest.hits == 2
    assert backtest.live_version == rule.active_version
    assert backtest.live_customers == 1 and backtest.overlap_customers == 1
    assert backtest.results["customers_only_candidate"] == 1
    assert backtest.results["samples"]


def test_rule_versions_keep_their_history(maker, checker):
    rule = structuring_rule()
    v2 = services.add_rule_version(rule=rule, actor=maker, params={"min_count": 4})
    services.activate_rule_version(version=v2, actor=checker)
    v3 = services.add_rule_version(rule=rule, actor=maker, severity="critical")
    assert v3.params == {"min_count": 4} and v3.severity == "critical"
    assert list(RuleVersion.objects.filter(rule=rule).values_list("number", flat=True)) == [
        3,
        2,
        1,
    ]
