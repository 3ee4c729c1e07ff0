"""Matcher configuration as versioned data: proposed by one person, activated by another
(four eyes, audited), used by screening once active, compared in shadow on a rescreen."""

from __future__ import annotations

import pytest
from screening_fixtures import *  # noqa: F403
from screening_helpers import entry

from compliance.screening import index, selectors
from compliance.screening.matcher_config import MatcherConfig, default_config
from compliance.screening.models import MatcherConfiguration
from compliance.screening.services import matcher_configs
from core.actors import Actor
from core.errors import FourEyesViolation, NotPermitted, ValidationFailed
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def mlro(staff_user):
    return Actor.for_user(staff_user("MLRO"))


@pytest.fixture
def other_mlro(staff_user):
    return Actor.for_user(staff_user("MLRO"))


def test_the_shipped_default_is_active_after_migration():
    row = MatcherConfiguration.objects.get(is_active=True)
    assert row.origin == "shipped default"
    assert MatcherConfig.from_dict(row.values) == default_config()
    assert selectors.active_matcher_config() == default_config()


def test_a_version_is_activated_by_a_second_person_and_audited(mlro, other_mlro):
    version = matcher_configs.propose_matcher_config(
        values={**default_config().to_dict(), "threshold": 0.9}, actor=mlro, note="stricter"
    )
    assert not version.is_active
    with pytest.raises(FourEyesViolation):
        matcher_configs.activate_matcher_config(version=version, actor=mlro)
    matcher_configs.activate_matcher_config(version=version, actor=other_mlro, reason="ok")
    assert MatcherConfiguration.objects.get(is_active=True).pk == version.pk
    assert selectors.active_matcher_config().threshold == 0.9
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"matcher_config.proposed", "matcher_config.activated"} <= actions


def test_an_analyst_can_neither_propose_nor_activate(mlro, staff_user):
    analyst = Actor.for_user(staff_user("Analyst"))
    with pytest.raises(NotPermitted):
        matcher_configs.propose_matcher_config(values={"threshold": 0.9}, actor=analyst)
    version = matcher_configs.propose_matcher_config(values={"threshold": 0.9}, actor=mlro)
    with pytest.raises(NotPermitted):
        matcher_configs.activate_matcher_config(version=version, actor=analyst)


@pytest.mark.parametrize(
    "values",
    [{"threshold": 3}, {"threshold": "high"}, {"weight_of_everything": 1}, {"dob_conflict_cut": 1}],
)
def test_bad_values_are_refused_per_field(mlro, values):
    with pytest.raises(ValidationFailed) as refused:
        matcher_configs.propose_matcher_config(values=values, actor=mlro)
    assert all(key.startswith("values.") for key in refused.value.errors)


def test_a_stored_version_is_immutable(mlro):
    version = matcher_configs.propose_matcher_config(values={"threshold": 0.9}, actor=mlro)
    version.values = {"threshold": 0.6}
    with pytest.raises(ValueError):
        version.save()


def test_activation_changes_what_the_search_reports(mlro, other_mlro, import_house):
    import_house([entry("UN-7", "Tahir Anwar Khan", list="UN")])
    index.invalidate()
    assert [m.ref for m in index.search_name(_query("Tahir Anwar Kahn"))] == ["UN-7"]
    version = matcher_configs.propose_matcher_config(
        values={**default_config().to_dict(), "threshold": 0.95}, actor=mlro
    )
    matcher_configs.activate_matcher_config(version=version, actor=other_mlro)
    index.invalidate()
    assert index.search_name(_query("Tahir Anwar Kahn")) == []


def test_shadow_comparison_reports_the_hits_a_candidate_would_add_and_drop(
    mlro, import_house, make_customer
):
    import_house([entry("UN-8", "Tahir Anwar Khan", list="UN")])
    customer = make_customer(full_name="Tahir Anwar Kahn")  # a typo: about 0.93
    make_customer(full_name="Ayesha Siddiqui")
    stricter = matcher_configs.propose_matcher_config(
        values={**default_config().to_dict(), "threshold": 0.95}, actor=mlro
    )
    report = matcher_configs.compare_in_shadow(version=stricter, actor=mlro)
    assert report.subjects >= 2
    assert [d["customer_id"] for d in report.dropped] == [str(customer.pk)]
    assert report.added == []
    stored = MatcherConfiguration.objects.get(pk=stricter.pk).shadow_report
    assert stored["dropped_count"] == 1 and stored["dropped"][0]["entry"] == "UN-8"
    assert customer.screening_hits.count() == 0  # nothing stored as a hit


def _query(name: str):
    from compliance.screening.matcher import Query

    return Query(name=name)
