"""The officers' workspace in the admin: queues by role, assign-to-me, saved views, and forms
that neither act twice on a double click nor overwrite a case that changed meanwhile."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from compliance.cases.admin.case_admin import CaseAdmin
from compliance.cases.models import Case, CaseEvent
from compliance.cases.services import assign_cases, group_into_cases
from core import audit
from core.actors import Actor
from core.admin_base import dropdown_filter
from core.models import SavedFilter

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(customer, make_alert):
    group_into_cases(alert_ids=[make_alert(customer, severity="high").pk])
    return Case.objects.get(customer=customer)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    if user.groups.filter(name__in=["MLRO", "Admin"]).exists():
        device = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*value="([^"]*)"', page).group(1)


def escalate_url(case) -> str:
    return reverse("admin:cases_case_step", args=["escalate"]) + f"?ids={case.pk}"


# ------------------------------------------------------------------ navigation by role


@pytest.mark.parametrize(
    ("role", "shown", "hidden_links"),
    [
        ("analyst", ["Team cases", "Hits to decide", "goAML reports"], ["Staff users"]),
        ("regulator", ["goAML reports", "Inspection export", "Audit trail"], ["Team cases"]),
        ("auditor", ["Verify the audit chain", "Cases"], ["Staff users", "Team cases"]),
    ],
)
def test_each_role_sees_its_own_sections(officers, role, shown, hidden_links):
    page = login(officers[role]).get(reverse("admin:index")).content.decode()
    assert 'id="workspace-dashboard"' in page  # the dashboard is the landing page
    for title in shown:
        assert title in page
    for title in hidden_links:
        assert title not in page


def test_the_auditor_verifies_the_audit_chain_in_the_admin(officers, case):
    page = login(officers["auditor"]).get(reverse("admin:core_auditevent_verify"))
    assert page.status_code == 200
    assert "Audit chain intact" in page.content.decode()


def test_list_filters_become_dropdowns():
    admin_instance = CaseAdmin(Case, None)
    kinds = {type(spec).__name__ if not isinstance(spec, tuple) else spec[1].__name__
             for spec in admin_instance.list_filter}  # fmt: skip
    assert "ChoicesDropdownFilter" in kinds  # status, priority, outcome
    assert dropdown_filter("not_a_field", Case) == "not_a_field"


# ------------------------------------------------------------------ queues


def test_assign_to_me_from_the_queue_audits_each_case(officers, case, customer, make_alert):
    analyst = officers["analyst"]
    client = login(analyst)
    response = client.post(
        reverse("admin:cases_case_changelist") + "?queue=unassigned",
        {"action": "assign_to_me_selected", "_selected_action": [str(case.pk)], "index": "0"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assignee == analyst
    assert audit.events_for(case).filter(action="case.assigned").count() == 1
    mine = client.get(reverse("admin:cases_case_changelist") + "?queue=mine").content.decode()
    assert case.reference in mine


def test_an_officer_saves_a_view_and_finds_it_in_the_sidebar(officers, case):
    client = login(officers["analyst"])
    response = client.post(
        reverse("workspace:save-view"),
        {"name": "Breaching first", "url": "/admin/cases/case/?queue=breaching&o=7"},
    )
    saved = SavedFilter.objects.get(user=officers["analyst"])
    assert response.status_code == 302 and response.url == saved.url
    assert saved.url == "/admin/cases/case/?queue=breaching&o=7"
    page = client.get(reverse("admin:index")).content.decode()
    assert "Breaching first" in page and "queue=breaching&amp;o=7" in page
    # Someone else's sidebar does not show it; a link off the admin is refused.
    assert "Breaching first" not in login(officers["analyst2"]).get("/admin/").content.decode()
    client.post(reverse("workspace:save-view"), {"name": "x", "url": "https://evil.example/"})
    assert SavedFilter.objects.filter(name="x").count() == 0


# ------------------------------------------------------------------ bad input


def test_a_double_click_on_escalate_escalates_once(officers, case):
    client = login(officers["analyst"])
    page = client.get(escalate_url(case)).content.decode()
    form = {
        "ids": str(case.pk),
        "seen": hidden(page, "seen"),
        "once": hidden(page, "once"),
        "reason": "Structured deposits.",
        "propose_str": "on",
    }
    first = client.post(escalate_url(case), form)
    second = client.post(escalate_url(case), form)

    assert first.status_code == second.status_code == 302
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.ESCALATED).count() == 1
    assert case.decisions.count() == 2  # the escalation and one STR proposal, not two
    messages = [str(m) for m in second.wsgi_request._messages]
    assert any("already sent" in m for m in messages)


def test_a_step_on_a_case_that_changed_meanwhile_is_refused_with_a_conflict(officers, case):
    client = login(officers["analyst"])
    page = client.get(escalate_url(case)).content.decode()
    assign_cases(
        case_ids=[case.pk],
        assignee=officers["analyst2"],
        actor=Actor.for_user(officers["analyst2"]),
    )
    response = client.post(
        escalate_url(case),
        {
            "ids": str(case.pk),
            "seen": hidden(page, "seen"),
            "once": hidden(page, "once"),
            "reason": "Structured deposits.",
        },
    )
    assert response.status_code == 200
    assert "changed since you opened this page" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN


def test_saving_a_case_page_that_went_stale_is_a_conflict_not_an_overwrite(officers, case):
    client = login(officers["analyst"])
    url = reverse("admin:cases_case_change", args=[case.pk])
    page = client.get(url).content.decode()
    management = dict(
        re.findall(
            r'name="([\w-]+-(?:TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)"[^>]*value="(\d*)"', page
        )
    )
    seen = hidden(page, "seen_version")
    assign_cases(
        case_ids=[case.pk],
        assignee=officers["analyst2"],
        actor=Actor.for_user(officers["analyst2"]),
    )

    response = client.post(
        url,
        {**management, "summary": case.summary, "narrative": "Mine.", "seen_version": seen,
         "_continue": "1"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "This case changed since you opened it" in response.content.decode()
    case.refresh_from_db()
    assert case.narrative != "Mine."


def test_a_step_with_ids_that_are_not_cases_is_not_a_server_error(officers):
    response = login(officers["analyst"]).get(
        reverse("admin:cases_case_step", args=["close"]) + "?ids=not-a-uuid"
    )
    assert response.status_code == 302
