"""Role limits on cases: Analysts work cases, the MLRO decides, Regulators and Auditors only read.

Proved twice: through the admin (what a browser can do) and through the services (what any
caller can do), since the services hold the rules."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from compliance.cases.models import Case, CaseNote, Decision, SlaPolicy
from compliance.cases.services import (
    add_note,
    approve_decision,
    assign_cases,
    close_case,
    escalate_case,
    group_into_cases,
    propose_freeze,
    propose_str_decision,
    save_sla_policy,
    start_investigation,
)
from core import audit
from core.actors import Actor
from core.errors import FourEyesViolation, NotPermitted

READ_ONLY_ROLES = ["regulator", "auditor"]


@pytest.fixture
def case(customer, make_alert):
    group_into_cases(alert_ids=[make_alert(customer, severity="high").pk])
    return Case.objects.get(customer=customer)


@pytest.fixture
def browser(officers):
    """``browser("analyst")``: an admin session for that officer (MLROs with a verified TOTP)."""

    def login(name: str) -> Client:
        user = officers[name]
        client = Client()
        client.force_login(user)
        if name.startswith("mlro"):
            device = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    return login


def change_url(case):
    return f"/admin/cases/case/{case.pk}/change/"


def step_url(name, *objects, model="case"):
    return f"/admin/cases/{model}/step/{name}/?ids={','.join(str(o.pk) for o in objects)}"


# ------------------------------------------------------------------ Analyst


def test_an_analyst_works_the_queue_and_the_case_page(browser, case):
    client = browser("analyst")
    queue = client.get("/admin/cases/case/?queue=unassigned")
    assert queue.status_code == 200 and case.reference in queue.text
    page = client.get(change_url(case))
    assert page.status_code == 200
    assert "Start investigation" in page.text and "Escalate to the MLRO" in page.text
    assert 'name="_save"' in page.text


def test_an_analyst_escalates_from_the_case_page_with_a_reason(browser, case, officers):
    client = browser("analyst")
    form = client.get(step_url("escalate", case))
    assert form.status_code == 200 and "Grounds for suspicion" in form.text
    response = client.post(
        step_url("escalate", case),
        {"ids": str(case.pk), "reason": "Deposits structured under the CTR threshold.",
         "propose_str": "on"},
    )  # fmt: skip
    assert response.status_code == 302 and response.url == change_url(case)
    case.refresh_from_db()
    assert case.status == Case.Status.ESCALATED and case.suspicion_formed_at
    assert case.decisions.get(status="proposed").proposed_by == officers["analyst"]


def test_an_analyst_adds_a_note_on_the_case_page(browser, case):
    client = browser("analyst")
    page = client.get(change_url(case)).text
    note_field = re.search(r'name="([\w-]+-0-text)"', page).group(1)
    response = client.post(
        change_url(case),
        {
            **_management_forms(page),
            "summary": case.summary,
            "narrative": "Customer says the cash is from a shop.",
            note_field: "Called the customer; no documents offered.",
            "_continue": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CaseNote.objects.get(case=case).text == "Called the customer; no documents offered."
    case.refresh_from_db()
    assert case.narrative == "Customer says the cash is from a shop."


def test_an_analyst_cannot_open_the_approval_form_nor_approve_in_the_service(
    browser, case, officers
):
    escalate_case(case=case, reason="x", actor=Actor.for_user(officers["analyst"]))
    decision = propose_str_decision(
        case=case, reason="Suspicious.", actor=Actor.for_user(officers["analyst"])
    )
    client = browser("analyst2")
    assert client.get(step_url("approve", decision, model="decision")).status_code == 403
    assert (
        client.post(step_url("approve", decision, model="decision"), {"reason": "ok"}).status_code
        == 403
    )
    with pytest.raises(FourEyesViolation):
        approve_decision(decision=decision, reason="ok", actor=Actor.for_user(officers["analyst2"]))
    assert Decision.objects.get(pk=decision.pk).status == Decision.Status.PROPOSED


def test_an_analyst_cannot_change_an_sla_policy(browser, officers):
    policy = SlaPolicy.objects.get(priority="high")
    response = browser("analyst").post(
        f"/admin/cases/slapolicy/{policy.pk}/change/",
        {"unit": "working_days", "amount": "9", "at_risk_after": "0.75", "change_reason": "x"},
    )
    assert response.status_code == 403
    with pytest.raises(NotPermitted):
        save_sla_policy(policy=policy, actor=Actor.for_user(officers["analyst"]), reason="x")


def test_bulk_assignment_from_the_queue(browser, make_customer, make_alert, officers):
    cases = []
    for _ in range(3):
        customer = make_customer()
        group_into_cases(alert_ids=[make_alert(customer).pk])
        cases.append(Case.objects.get(customer=customer))
    client = browser("analyst")
    action = client.post(
        "/admin/cases/case/",
        {"action": "assign_selected", "_selected_action": [str(c.pk) for c in cases[:2]]},
    )
    assert action.status_code == 302 and "/step/assign/" in action.url
    assert client.get(action.url).status_code == 200
    ids = ",".join(str(c.pk) for c in cases[:2])
    done = client.post(action.url, {"ids": ids, "assignee": officers["analyst2"].pk})
    assert done.status_code == 302
    assigned = set(Case.objects.filter(assignee=officers["analyst2"]).values_list("pk", flat=True))
    assert assigned == {cases[0].pk, cases[1].pk}
    mine = browser("analyst2").get("/admin/cases/case/?queue=mine").text
    assert cases[0].reference in mine and cases[2].reference not in mine


def test_the_breaching_queue_lists_overdue_cases_only(browser, make_customer, make_alert):
    late, fresh = make_customer(), make_customer()
    group_into_cases(alert_ids=[make_alert(late).pk], now=timezone.now() - timedelta(days=30))
    group_into_cases(alert_ids=[make_alert(fresh).pk])
    text = browser("analyst").get("/admin/cases/case/?queue=breaching").text
    assert Case.objects.get(customer=late).reference in text
    assert Case.objects.get(customer=fresh).reference not in text


# ------------------------------------------------------------------ MLRO


def test_the_mlro_approves_an_str_from_the_admin(browser, case, officers):
    escalate_case(
        case=case, reason="Layering.", actor=Actor.for_user(officers["analyst"]), propose_str=True
    )
    decision = case.decisions.get(status="proposed")
    client = browser("mlro")
    page = client.get(change_url(case))
    assert page.status_code == 200 and "Approve" in page.text
    response = client.post(
        step_url("approve", decision, model="decision"),
        {"ids": str(decision.pk), "reason": "Grounds are clear; file it."},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.outcome == Case.Outcome.STR_FILED


def test_the_mlro_changes_an_sla_policy_with_a_reason_audited(browser):
    policy = SlaPolicy.objects.get(priority="high")
    response = browser("mlro").post(
        f"/admin/cases/slapolicy/{policy.pk}/change/",
        {
            "unit": "working_hours",
            "amount": "6",
            "at_risk_after": "0.50",
            "description": "Tighter after the inspection.",
            "change_reason": "SBP inspection finding 4.2.",
        },
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert (policy.unit, policy.amount) == ("working_hours", 6)
    event = audit.events_for(policy).get()
    assert event.reason == "SBP inspection finding 4.2."
    assert event.before["unit"] == "working_days" and event.after["amount"] == 6


def test_nobody_deletes_a_case(browser, case):
    assert browser("mlro").get(f"/admin/cases/case/{case.pk}/delete/").status_code == 403


# ------------------------------------------------------------------ Regulator and Auditor


@pytest.mark.parametrize("role", READ_ONLY_ROLES)
def test_read_only_roles_see_cases_without_any_way_to_change_them(browser, case, role):
    client = browser(role)
    assert client.get("/admin/cases/case/").status_code == 200
    page = client.get(change_url(case))
    assert page.status_code == 200
    assert 'name="_save"' not in page.text and "Escalate to the MLRO" not in page.text
    assert "notes-new-TOTAL_FORMS" not in page.text
    assert client.get("/admin/cases/decision/").status_code == 200


@pytest.mark.parametrize("role", READ_ONLY_ROLES)
def test_read_only_roles_get_403_on_every_admin_write(browser, case, officers, role):
    escalate_case(
        case=case, reason="x", actor=Actor.for_user(officers["analyst"]), propose_str=True
    )
    decision = case.decisions.get(status="proposed")
    policy = SlaPolicy.objects.get(priority="low")
    client = browser(role)
    assert client.post(change_url(case), {"summary": "changed"}).status_code == 403
    assert client.get("/admin/cases/case/add/").status_code == 403
    assert client.get("/admin/cases/decision/add/").status_code == 403
    assert client.get(step_url("close", case)).status_code == 403
    assert (
        client.post(step_url("close", case), {"outcome": "no_action", "reason": "x"}).status_code
        == 403
    )
    assert (
        client.post(step_url("approve", decision, model="decision"), {"reason": "x"}).status_code
        == 403
    )
    assert client.post(f"/admin/cases/slapolicy/{policy.pk}/change/", {}).status_code == 403
    bulk = client.post(
        "/admin/cases/case/", {"action": "close_selected", "_selected_action": [str(case.pk)]}
    )
    assert bulk.status_code in (200, 302) and "/step/" not in bulk.get("Location", "")
    case.refresh_from_db()
    assert case.status == Case.Status.ESCALATED and case.summary != "changed"


@pytest.mark.parametrize("role", READ_ONLY_ROLES)
def test_read_only_roles_are_refused_by_every_case_service(case, officers, role):
    actor = Actor.for_user(officers[role])
    refusals = [
        lambda: add_note(case=case, text="x", actor=actor),
        lambda: start_investigation(case=case, actor=actor),
        lambda: assign_cases(case_ids=[case.pk], assignee=officers["analyst"], actor=actor),
        lambda: escalate_case(case=case, reason="x", actor=actor),
        lambda: close_case(case=case, outcome="no_action", reason="x", actor=actor),
        lambda: propose_freeze(case=case, reason="x", actor=actor),
    ]
    for attempt in refusals:
        with pytest.raises(NotPermitted):
            attempt()
    case.refresh_from_db()
    assert case.notes.count() == 0 and case.assignee is None and case.status == "open"
    escalate_case(case=case, reason="x", actor=Actor.for_user(officers["analyst"]))
    decision = propose_str_decision(
        case=case, reason="x", actor=Actor.for_user(officers["analyst"])
    )
    with pytest.raises(FourEyesViolation):
        approve_decision(decision=decision, reason="x", actor=actor)


def test_a_read_only_role_cannot_be_assigned_cases(case, officers):
    with pytest.raises(Exception) as err:
        assign_cases(case_ids=[case.pk], assignee=officers["regulator"], actor=Actor.automated("t"))
    assert "assignee" in err.value.errors


def _management_forms(page: str) -> dict:
    """The inline formsets' management fields as the case page rendered them."""
    return dict(
        re.findall(
            r'name="([\w-]+-(?:TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)"[^>]*value="(\d*)"', page
        )
    )
