"""Every role's day in a real browser, one flow per test, against the live server; where the
officers' clicks send work to Celery (STR drafting, freezes, filing), a real worker on this
engineer's broker runs it. Each test ends with a screenshot of its final state in var/e2e/.

Records are made through the services before the browser opens (``eager()``: tasks run in the
test's thread while the data is built); waits are on selectors and on the database, never sleeps.
"""

from __future__ import annotations

from datetime import date

import pytest
from e2e_data import check_body, customer, sanctions_list
from test_officers_day import _cash_deposits

from core import roles

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery-staple"


def _totp_user(staff_user, role: str):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = staff_user(role)
    return user, TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def _structuring_case(eager, name: str, cnic: str):
    from compliance.cases.models import Case

    with eager():
        person = customer(name, cnic=cnic)
        _cash_deposits(person, ["1950000.00", "1900000.00", "1975000.00"])
    return person, Case.objects.get(customer=person)


# ---------------------------------------------------------------------------- analyst


def test_analyst_works_an_alert_into_a_case_with_a_note_and_an_attachment_and_proposes_an_str(
    eager, staff_user, new_page, log_in, shot, tmp_path
):
    from compliance.cases.models import Case, CaseAttachment, CaseNote, Decision

    _person, case = _structuring_case(eager, "Kamran Akbar Shah", "42101-5550011-1")
    analyst = staff_user(roles.ANALYST)
    evidence = tmp_path / "deposit-slips.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    page = new_page()
    log_in(page, analyst.username)
    # The alert queue shows the structuring alert; the team's case queue holds its case.
    page.click("nav a:has-text('Alert queue')")
    page.wait_for_selector("#result_list")
    assert page.locator("#result_list tbody tr", has_text="STRUCTURING").count() >= 1
    # At the keyboard: j to the first row, a to assign it to me, then o to open it.
    page.click("nav a:has-text('Team cases')")
    page.wait_for_selector(f"#result_list >> text={case.reference}")
    page.keyboard.press("j")
    page.keyboard.press("a")
    page.wait_for_selector("text=Assigned to you: 1 of 1")
    page.keyboard.press("j")
    page.keyboard.press("o")
    page.wait_for_selector("a:has-text('Escalate to the MLRO')")

    page.locator("textarea[name$='-0-text']").fill("Customer says the cash is from a plot sale.")
    page.locator("input[type=file][name$='-0-file']").set_input_files(str(evidence))
    page.click("[name=_continue]")
    page.wait_for_selector("text=Customer says the cash is from a plot sale.")

    page.click("a:has-text('Escalate to the MLRO')")
    page.fill("#id_reason", "Three cash deposits just under the CTR threshold in ten hours.")
    assert page.is_checked("#id_propose_str")
    page.click("[name=confirm]")
    page.wait_for_selector("text=Escalate to the MLRO: done for 1 of 1")
    shot(page, "analyst-case-escalated")

    case.refresh_from_db()
    assert case.status == Case.Status.ESCALATED and case.assignee == analyst
    assert CaseNote.objects.filter(case=case, author=analyst).count() == 1
    assert CaseAttachment.objects.filter(case=case).count() == 1
    proposal = Decision.objects.get(case=case, kind=Decision.Kind.STR_DECISION)
    assert (proposal.status, proposal.proposed_by) == (Decision.Status.PROPOSED, analyst)


# ---------------------------------------------------------------------------- MLRO


def test_mlro_with_totp_edits_and_approves_the_str_it_validates_is_filed_and_acknowledged(
    eager, staff_user, stack, new_page, log_in, totp_code, shot, wait_until
):
    """The MLRO approves the analyst's STR proposal (the worker drafts the STR), edits the
    draft and sends it for approval; being its editor, the same MLRO's approval is refused
    (four eyes), and a second MLRO approves and files it; the FMU acknowledges it."""
    from compliance.cases.services import escalate_case
    from core.actors import Actor
    from reporting.models import Report

    _person, case = _structuring_case(eager, "Nadeem Akbar Khan", "42101-5550012-1")
    analyst = staff_user(roles.ANALYST)
    with eager():
        escalate_case(case=case, reason="Structured cash deposits.", actor=Actor.for_user(analyst),
                      propose_str=True)  # fmt: skip
    mlro, device = _totp_user(staff_user, roles.MLRO)
    second_mlro, second_device = _totp_user(staff_user, roles.MLRO)

    page = new_page()
    log_in(page, mlro.username, otp=totp_code(device))
    page.click("nav a:has-text('Decisions (four eyes)')")
    page.locator("#result_list tbody tr", has_text="File an STR").locator("th a").click()
    page.click("a:has-text('Approve')")
    page.fill("#id_reason", "Structuring and no credible source of funds: file the STR.")
    page.click("[name=confirm]")
    page.wait_for_selector("text=done for 1 of 1")

    # The worker drafts the STR from the approved decision; it validates against the schema.
    report = wait_until(lambda: Report.objects.filter(case=case).first(), "the STR draft")
    assert report.validation_problems == []
    page.goto(f"/admin/reporting/report/{report.pk}/change/")
    page.fill("textarea[name=narrative]", report.narrative + " Customer offered no documents.")
    page.fill("input[name=change_reason]", "Added the customer's answer.")
    page.click("[name=_continue]")
    page.wait_for_selector("text=Customer offered no documents.")
    page.click("a:has-text('Submit for approval')")
    page.click("#content-main [type=submit]")
    page.wait_for_selector("text=is now pending approval")
    page.click("a:has-text('Approve (MLRO)')")
    page.fill("#id_reason", "Reviewed.")
    page.click("#content-main [type=submit]")
    page.wait_for_selector("text=another MLRO must")  # four eyes: the editor cannot approve

    page = new_page()
    log_in(page, second_mlro.username, otp=totp_code(second_device))
    page.goto(f"/admin/reporting/report/{report.pk}/change/")
    page.click("a:has-text('Approve (MLRO)')")
    page.fill("#id_reason", "Narrative and XML reviewed; grounds are clear.")
    page.click("#content-main [type=submit]")
    page.wait_for_selector("text=is now approved")
    page.click("a:has-text('File with the FMU')")
    page.click("#content-main [type=submit]")
    page.wait_for_selector("text=is now acknowledged")
    shot(page, "mlro-str-acknowledged")
    report.refresh_from_db()
    assert report.status == Report.Status.ACKNOWLEDGED
    assert report.approved_by == second_mlro and report.fiu_ref_number
    assert "Customer offered no documents." in report.xml


def test_mlro_approves_a_pep_onboarding_that_the_proposer_cannot(
    eager, staff_user, new_page, log_in, totp_code, shot
):
    from compliance.onboarding.models import OnboardingAssessment
    from compliance.onboarding.services import assess_customer

    with eager():
        pep = customer(
            "Sardar Ahmed Khan",
            cnic="42101-5550013-1",
            submit=True,
            is_pep_declared=True,
            pep_details="Member Provincial Assembly, Sindh",
        )
        assessment = OnboardingAssessment.objects.filter(customer=pep).order_by(
            "-started_at"
        ).first() or assess_customer(pep.pk)
    assert assessment.status == OnboardingAssessment.Status.IN_REVIEW and assessment.edd_required
    analyst = staff_user(roles.ANALYST)
    mlro, device = _totp_user(staff_user, roles.MLRO)

    page = new_page()
    log_in(page, analyst.username)
    page.click("nav a:has-text('Onboarding reviews')")
    page.locator("#result_list tbody tr", has_text=pep.full_name).locator("th a").click()
    page.click("a:has-text('Record EDD')")
    page.fill("#id_evidence", "Agricultural land income, land record (fard) seen.")
    page.click("#content-main [type=submit]")
    page.wait_for_selector("text=recorded")
    # The proposer cannot approve: the MLRO's form is refused to the analyst.
    refused = page.goto(
        f"/admin/compliance/onboardingassessment/{assessment.pk}/decide/approve_after_edd/"
    )
    assert refused.status == 403

    page = new_page()
    log_in(page, mlro.username, otp=totp_code(device))
    page.goto(f"/admin/compliance/onboardingassessment/{assessment.pk}/change/")
    page.click("a:has-text('MLRO approval after EDD')")
    page.fill("#id_reason", "Wealth evidenced; PEP relationship accepted with enhanced monitoring.")
    page.click("#content-main [type=submit]")
    page.wait_for_selector("text=recorded")
    shot(page, "mlro-pep-approved")
    assessment.refresh_from_db()
    assert assessment.status == OnboardingAssessment.Status.APPROVED
    assert (assessment.prepared_by, assessment.approved_by) == (analyst, mlro)


# ---------------------------------------------------------------------------- screening


def _listed_customer(eager, tmp_path, name: str, cnic: str):
    from compliance.screening.models import ScreeningHit
    from compliance.screening.services import screen_customer

    with eager():
        sanctions_list(tmp_path, [{"entry_id": "UN-E2E-1", "list": "UN", "kind": "person",
                                   "name": "Muhammad Tahir Anwar",
                                   "date_of_birth": "1971-03-05"}])  # fmt: skip
        person = customer(name, cnic=cnic, date_of_birth=date(1971, 3, 5))
        screen_customer(customer=person)
    hit = ScreeningHit.objects.filter(customer=person).first()
    assert hit is not None and hit.status in ScreeningHit.UNDECIDED
    return person, hit


def test_analyst_clears_a_hit_as_false_positive_and_it_stays_cleared_on_rescreen(
    eager, staff_user, new_page, log_in, shot, tmp_path
):
    from compliance.screening.models import ScreeningHit
    from compliance.screening.services import screen_customer

    person, hit = _listed_customer(eager, tmp_path, "Mohd Tahir Anwar", "42101-5550014-1")
    analyst = staff_user(roles.ANALYST)

    page = new_page()
    log_in(page, analyst.username)
    page.click("nav a:has-text('Hits to decide')")
    row = page.locator("#result_list tbody tr", has_text=person.external_id)
    row.locator("input.action-select").check()
    page.select_option("select[name=action]", "false_positive")
    page.click("button[name=index]")
    page.fill("#id_reason", "Different father's name and CNIC on NADRA verisys.")
    page.click("#content-main [type=submit]")
    page.wait_for_selector("text=Mark false positive")

    with eager():
        screen_customer(customer=person)  # the rescreen
    page.click("nav a:has-text('Hits to decide')")
    page.wait_for_load_state()
    shot(page, "analyst-hit-cleared")
    hit.refresh_from_db()
    assert hit.status == ScreeningHit.Status.FALSE_POSITIVE
    assert not ScreeningHit.objects.filter(customer=person, status__in=ScreeningHit.UNDECIDED)
    assert page.locator("#result_list tbody tr", has_text=person.external_id).count() == 0


def test_a_confirmed_true_match_freezes_the_customer_blocks_a_check_and_drafts_an_str_f(
    eager,
    staff_user,
    stack,
    new_page,
    log_in,
    totp_code,
    shot,
    wait_until,
    tmp_path,
    make_api_client,
):
    from kyc.models import Customer
    from reporting.models import Report

    person, hit = _listed_customer(eager, tmp_path, "Muhammad Tahir Anwar", "42101-5550015-1")
    analyst = staff_user(roles.ANALYST)
    mlro, device = _totp_user(staff_user, roles.MLRO)

    page = new_page()
    log_in(page, analyst.username)
    page.goto(f"/admin/screening/screeninghit/decide/true_match/?ids={hit.pk}")
    page.fill("#id_reason", "Name, date of birth and nationality match the UN notice.")
    page.click("#content-main [type=submit]")
    page.wait_for_selector("text=Propose true match")

    page = new_page()
    log_in(page, mlro.username, otp=totp_code(device))
    page.goto(f"/admin/screening/screeninghit/decide/confirm/?ids={hit.pk}")
    page.fill("#id_reason", "Confirmed against the UN consolidated list.")
    page.click("#content-main [type=submit]")
    page.wait_for_selector("text=Confirm true match")

    person.refresh_from_db()
    assert person.status == Customer.Status.FROZEN
    blocked = make_api_client().post("/api/v1/transactions/check/", check_body(person),
                                     format="json")  # fmt: skip
    assert blocked.status_code == 200 and blocked.json()["decision"] == "block"
    strf = wait_until(lambda: Report.objects.filter(screening_hit=hit).first(), "the STR-F")
    assert strf.kind == Report.Kind.STR_F and strf.validation_problems == []
    page.goto(f"/admin/reporting/report/{strf.pk}/change/")
    page.wait_for_selector(f"text={strf.reference}")
    shot(page, "true-match-strf-draft")


# ---------------------------------------------------------------------------- admin


def test_admin_proposes_a_rule_parameter_change_and_a_second_officer_activates_it(
    staff_user, new_page, log_in, totp_code, shot
):
    from compliance.monitoring.models import Rule

    rule = Rule.objects.get(code="PK-STRUCTURING-CTR")
    admin, admin_device = _totp_user(staff_user, roles.ADMIN)
    mlro, mlro_device = _totp_user(staff_user, roles.MLRO)

    page = new_page()
    log_in(page, admin.username, otp=totp_code(admin_device))
    page.click("nav a:has-text('Monitoring rules')")
    page.locator("#result_list tbody tr", has_text="PK-STRUCTURING-CTR").locator("th a").click()
    page.fill("textarea[name=params]", '{"min_count": 4}')
    page.fill("[name=note]", "Four deposits, not three: fewer false positives.")
    page.click("[name=_save]")
    page.wait_for_url("**/admin/monitoring/rule/")
    version = rule.versions.get(number=2)
    rule.refresh_from_db()
    assert rule.active_version.number == 1  # proposed, not live

    page = new_page()
    log_in(page, mlro.username, otp=totp_code(mlro_device))
    page.goto("/admin/monitoring/ruleversion/?q=PK-STRUCTURING-CTR")
    # The proposed version is the one the admin made (the first came with the rule pack).
    row = page.locator("#result_list tbody tr", has_text=admin.username)
    row.locator("input.action-select").check()
    page.select_option("select[name=action]", "activate")
    page.click("button[name=index]")
    page.wait_for_selector("#result_list")
    shot(page, "rule-version-activated")
    rule.refresh_from_db()
    assert rule.active_version == version


# ---------------------------------------------------------------------------- oversight


def test_regulator_sees_filings_and_the_inspection_export_and_no_write_action(
    eager, staff_user, new_page, log_in, shot
):
    from core.actors import Actor
    from reporting import services

    person, case = _structuring_case(eager, "Bilal Ahmed Qureshi", "42101-5550016-1")
    analyst = Actor.for_user(staff_user(roles.ANALYST))
    mlro = Actor.for_user(staff_user(roles.MLRO))
    with eager():
        deposits = [tx for link in case.alert_links.all() for tx in link.alert.transactions.all()]
        report = services.draft_str_for_transactions(
            customer=person,
            transactions=deposits,
            actor=analyst,
            narrative="Three cash deposits just under the CTR threshold in ten hours.",
            indicators=["STRUCTURING"],
        )
        report = services.submit_for_approval(report=report, actor=analyst)
        report = services.approve(report=report, actor=mlro, reason="Grounds are clear.")
        report = services.submit(report=report, actor=mlro)
    regulator = staff_user(roles.REGULATOR)

    page = new_page()
    log_in(page, regulator.username)
    sidebar = " ".join(page.locator("nav").all_inner_texts())
    assert "goAML reports" in sidebar and "Inspection export" in sidebar
    for hidden in ("Team cases", "Customers", "Transactions", "Staff users"):
        assert hidden not in sidebar
    page.click("nav a:has-text('Inspection export')")
    page.wait_for_selector("input[name=date_from]")
    page.click("nav a:has-text('goAML reports')")
    page.wait_for_selector(f"#result_list >> text={report.reference}")
    assert page.locator("select[name=action]").count() == 0  # no bulk write actions
    shot(page, "regulator-filings")
    assert page.goto(f"/admin/reporting/report/{report.pk}/transition/approve/").status == 403


def test_auditor_verifies_the_audit_chain_from_the_admin(staff_user, new_page, log_in, shot):
    auditor = staff_user(roles.AUDITOR)
    page = new_page()
    log_in(page, auditor.username)
    page.click("nav a:has-text('Verify the audit chain')")
    page.wait_for_selector("#chain-intact")
    assert "events verified" in page.inner_text("#chain-intact")
    shot(page, "auditor-audit-chain")


def test_a_lockout_after_failed_logins(staff_user, new_page, settings, shot):
    analyst = staff_user(roles.ANALYST)
    page = new_page()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.goto("/admin/login/?next=/admin/")
        page.fill("#id_username", analyst.username)
        page.fill("#id_password", "not-the-password")
        page.click("#login-form [type=submit]")
        page.wait_for_load_state()
    # Locked: even the right password is refused now.
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", analyst.username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form [type=submit]")
    page.wait_for_selector("text=locked")
    shot(page, "lockout")
    assert page.locator("#workspace-dashboard").count() == 0
