"""The dashboard and the Customer 360 page: staff of every role read them, anonymous visitors
go to the login, and a page costs a fixed number of queries however busy the customer."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import roles

pytestmark = pytest.mark.django_db

STAFF_ROLES = (roles.ANALYST, roles.MLRO, roles.REGULATOR, roles.AUDITOR, roles.ADMIN)
# Session, user, groups and permissions, the officer's saved views (sidebar), plus one query
# per figure or list on the page.
DASHBOARD_MAX_QUERIES = 25
# The network panel adds at most three per hop (two by default), its customers and ring alerts.
CUSTOMER_360_MAX_QUERIES = 27 + 3 * 2 + 2


def _360(customer) -> str:
    return reverse("workspace:customer-360", args=[customer.pk])


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_every_staff_role_reads_the_dashboard(officer_client, busy_customer, role):
    response = officer_client(role).get(reverse("workspace:dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="panel-alerts"' in page
    assert 'id="panel-sla"' in page
    assert 'id="panel-onboarding"' in page
    assert "<svg" in page


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_every_staff_role_reads_the_customer_360(officer_client, busy_customer, role):
    response = officer_client(role).get(_360(busy_customer))
    assert response.status_code == 200
    page = response.content.decode()
    for section in ("profile", "history", "documents", "verification", "risk", "screening"):
        assert f'id="{section}"' in page
    for section in ("transactions", "alerts", "cases", "filings"):
        assert f'id="{section}"' in page
    assert busy_customer.full_name in page
    assert "Checked deposit slip" not in page  # notes stay on the case; the 360 counts them


def test_the_admin_index_is_the_dashboard_with_the_roles_sidebar(officer_client, busy_customer):
    page = officer_client(roles.ANALYST).get(reverse("admin:index")).content.decode()
    assert 'id="workspace-dashboard"' in page
    # The sidebar lists the analyst's queues and casework, not the platform's settings.
    assert "Team cases" in page and reverse("admin:cases_case_changelist") in page
    assert reverse("admin:auth_user_changelist") not in page
    assert page.index("Team cases") < page.index('id="workspace-dashboard"')


@pytest.mark.parametrize("name", ["dashboard", "customer"])
def test_anonymous_visitors_are_sent_to_the_login(client, busy_customer, name):
    url = reverse("workspace:dashboard") if name == "dashboard" else _360(busy_customer)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_user_who_is_not_staff_is_sent_to_the_login(client, busy_customer, django_user_model):
    user = django_user_model.objects.create_user(username="exchange-user", password="x" * 16)
    client.force_login(user)
    response = client.get(_360(busy_customer))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_an_mlro_session_without_two_factor_is_logged_out(client, staff_user, busy_customer):
    client.force_login(staff_user(roles.MLRO))
    response = client.get(reverse("workspace:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_an_unknown_customer_is_not_found(officer_client, db):
    response = officer_client(roles.ANALYST).get(
        reverse("workspace:customer-360", args=[uuid.uuid4()])
    )
    assert response.status_code == 404


def test_the_customer_360_offers_no_form_to_change_anything(officer_client, busy_customer):
    page = officer_client(roles.REGULATOR).get(_360(busy_customer)).content.decode()
    assert 'method="post"' not in page.split('id="content-main"', 1)[1].lower()


def test_the_dashboard_costs_a_bounded_number_of_queries(
    officer_client, busy_customer, django_assert_max_num_queries
):
    client = officer_client(roles.ANALYST)
    with django_assert_max_num_queries(DASHBOARD_MAX_QUERIES):
        assert client.get(reverse("workspace:dashboard")).status_code == 200


def test_the_customer_360_costs_a_bounded_number_of_queries(
    officer_client, busy_customer, django_assert_max_num_queries
):
    client = officer_client(roles.ANALYST)
    with django_assert_max_num_queries(CUSTOMER_360_MAX_QUERIES):
        assert client.get(_360(busy_customer)).status_code == 200


def test_a_busy_customer_costs_the_same_queries_as_a_quiet_one(
    officer_client, busy_customer, quiet_customer
):
    client = officer_client(roles.ANALYST)
    counts = []
    for customer in (quiet_customer, busy_customer):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_360(customer)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_a_customer_with_nothing_yet_still_renders(officer_client, make_customer):
    response = officer_client(roles.ANALYST).get(_360(make_customer()))
    assert response.status_code == 200
    assert "No transactions." in response.content.decode()


@pytest.mark.parametrize("role", [roles.ANALYST, roles.REGULATOR])
def test_the_customer_admin_page_links_to_the_360(officer_client, busy_customer, role):
    url = reverse("admin:kyc_customer_change", args=[busy_customer.pk])
    page = officer_client(role).get(url).content.decode()
    assert f'href="{_360(busy_customer)}"' in page


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_every_sidebar_link_a_role_sees_opens_for_it(officer_client, rf, role, db):
    """Each page the sidebar offers a role answers 200 to that role (no link to a 403)."""
    from core.admin_navigation import NAVIGATION

    client = officer_client(role)
    request = rf.get("/admin/")
    request.user = _session_user(client)
    offered = [
        str(item["link"])
        for section in NAVIGATION
        for item in section["items"]
        if item["permission"](request)
    ]
    assert offered, role
    for link in offered:
        assert client.get(link).status_code == 200, (role, link)


def _session_user(client):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=client.session["_auth_user_id"])


def test_the_pages_added_since_the_workspace_are_in_the_sidebar():
    from core.admin_navigation import NAVIGATION

    links = {str(item["link"]) for section in NAVIGATION for item in section["items"]}
    for name in (
        "rule_quality_qualityperiod",
        "rule_quality_suppression",
        "screening_matcherconfiguration",
        "travel_rule_awaitingtransfer",
        "travel_rule_transfer",
        "travel_rule_travelrulepolicy",
        "network_linkkey",
        "monitoring_checkattempt",
        "core_deadletter",
        "core_loginlockout",
    ):
        assert reverse(f"admin:{name}_changelist") in links, name
