"""Network rules through monitoring's rule lifecycle, one ring in one case, and the drawings."""

from __future__ import annotations

import pytest
from django.urls import reverse

from compliance.cases.models import Case, CaseAlert
from compliance.monitoring.models import Alert, Rule
from compliance.monitoring.services import rules as rule_services
from compliance.network import services
from compliance.network.models import RingMember
from core import roles
from core.errors import ValidationFailed

from .network_fixtures import ACTOR, T0, customer, hours, ingest, payment

pytestmark = pytest.mark.django_db


def _ring(n: int = 6, device: str = "ring-dev"):
    ring = [customer(onboarding_device_id=device) for _ in range(n)]
    services.update_customers([c.pk for c in ring])
    tx = [ingest(payment(m, T0 + hours(i))) for i, m in enumerate(ring)]
    services.update_transactions(tx)
    return ring


def test_network_rules_are_versioned_and_validated_like_other_rules():
    rule = Rule.objects.get(code="PK-NET-COLLECTOR")
    assert rule.kind == Rule.Kind.NETWORK and rule.active_version.template == "COLLECTOR"
    with pytest.raises(ValidationFailed) as bad:
        rule_services.add_rule_version(rule=rule, actor=ACTOR, params={"min_customers": 1})
    assert "params.min_customers" in bad.value.errors
    version = rule_services.add_rule_version(
        rule=rule, actor=ACTOR, params={"min_customers": 8, "window_hours": 168}, note="fewer"
    )
    assert version.number == 2
    created = rule_services.create_rule(
        code="NET-TEST", name="test", kind="network", typology="SHARED_IDENTIFIER",
        template="SHARED_IDENTIFIER", severity="low", actor=ACTOR,
        params={"kinds": ["email"], "min_customers": 2},
    )  # fmt: skip
    assert created.versions.get().params["kinds"] == ["email"]


def test_a_rule_in_shadow_records_without_raising(django_capture_on_commit_callbacks):
    Rule.objects.filter(kind="network").update(status=Rule.Status.SHADOW)
    with django_capture_on_commit_callbacks(execute=True):
        _ring()
    alerts = Alert.objects.filter(typology="COLLECTOR")
    assert alerts.count() == 1 and alerts.get().is_shadow
    assert not Case.objects.exists()


def test_the_rings_alerts_land_in_one_case(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ring = _ring()
    alerts = Alert.objects.filter(typology__in=["COLLECTOR", "SHARED_IDENTIFIER"])
    assert alerts.count() == 2
    assert Case.objects.count() == 1
    assert set(CaseAlert.objects.values_list("alert_id", flat=True)) == {a.pk for a in alerts}
    assert set(RingMember.objects.values_list("customer_id", flat=True)) == {c.pk for c in ring}


def test_the_customer_360_draws_the_network_with_links_and_reasons(officer_client):
    ring = _ring()
    page = officer_client(roles.ANALYST).get(
        reverse("workspace:customer-360", args=[ring[0].pk])
    ).content.decode()  # fmt: skip
    assert 'id="network"' in page and "<svg" in page
    for member in ring[1:]:
        assert reverse("workspace:customer-360", args=[member.pk]) in page
    assert "same onboarding device since" in page
    assert "Ring alerts naming this customer" in page


def test_a_large_component_is_summarized_not_drawn_whole(officer_client, settings):
    settings.NETWORK_DRAWN_NODES = 10
    crowd = [customer(permanent_address={"line1": "H 1 St 1", "city": "Quetta"}) for _ in range(30)]
    services.update_customers([c.pk for c in crowd])
    page = officer_client(roles.ANALYST).get(
        reverse("workspace:customer-360", args=[crowd[0].pk])
    ).content.decode()  # fmt: skip
    assert "more nodes not drawn" in page
    assert page.count('class="node customer"') == 9  # ten nodes: the address and nine people


def test_the_case_page_shows_the_network_and_every_ring_member(
    officer_client,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        ring = _ring()
    case = Case.objects.get()
    page = officer_client(roles.MLRO).get(
        reverse("admin:cases_case_change", args=[case.pk])
    ).content.decode()  # fmt: skip
    assert "Ring members named by this case" in page
    for member in ring:
        assert member.external_id in page


def test_a_network_rule_version_is_backtested_over_the_stored_graph():
    from compliance.monitoring.services import backtests

    ring = _ring(n=6)
    rule = Rule.objects.get(code="PK-NET-COLLECTOR")
    stricter = rule_services.add_rule_version(
        rule=rule, actor=ACTOR, params={"min_customers": 10, "window_hours": 168}
    )
    record = backtests.request_backtest(
        version=stricter, date_from=T0 - hours(24), date_to=T0 + hours(48), actor=ACTOR
    )
    done = backtests.run_backtest(backtest_id=record.pk)
    assert done.status == "done", done.error
    assert (done.hits, done.customers) == (0, 0)  # ten payers needed, six paid
    assert (done.live_hits, done.live_customers) == (1, len(ring))
    assert done.results["customers_only_live"] == len(ring)
