"""Officers in the reports admin: edit a draft (audited), the lifecycle forms, the export."""

import pytest
from reporting_helpers import CHANGELIST, login

from core.audit import events_for
from reporting.models import Report

pytestmark = pytest.mark.django_db


def test_analyst_edits_a_draft_and_the_change_is_audited_and_revalidated(
    officers, customer, make_str
):
    draft = make_str(customer, filed=False)
    analyst = login(officers["analyst"])

    response = analyst.post(
        f"{CHANGELIST}{draft.pk}/change/",
        {
            "narrative": "",
            "action_taken": "Account frozen.",
            "indicators_text": "STRUCTURING, LARGE_CASH",
            "change_reason": "Narrative to be rewritten",
        },
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.indicators == ["STRUCTURING", "LARGE_CASH"]
    assert draft.validation_problems[0]["path"] == "/report/reason"
    edited = events_for(draft).get(action="report.edited")
    assert edited.reason == "Narrative to be rewritten"
    page = analyst.get(f"{CHANGELIST}{draft.pk}/change/").content.decode()
    assert "/report/reason" in page and "reason is required in STR reports" in page


def test_submit_for_approval_of_an_invalid_draft_shows_the_problem(officers, customer, make_str):
    draft = make_str(customer, filed=False)
    Report.objects.filter(pk=draft.pk).update(narrative="")
    analyst = login(officers["analyst"])

    form = analyst.get(f"{CHANGELIST}{draft.pk}/transition/submit_for_approval/")
    response = analyst.post(
        f"{CHANGELIST}{draft.pk}/transition/submit_for_approval/", {}, follow=True
    )

    assert form.status_code == 200
    assert "reason is required in STR reports" in response.content.decode()
    assert Report.objects.get(pk=draft.pk).status == Report.Status.DRAFT


def test_analyst_cannot_open_the_approval_form(officers, customer, make_str):
    draft = make_str(customer, filed=False)

    response = login(officers["analyst"]).get(f"{CHANGELIST}{draft.pk}/transition/approve/")

    assert response.status_code == 403


def test_mlro_records_a_rejection_and_starts_the_correction(officers, customer, make_str, settings):
    settings.GOAML_SUBMITTER = "reporting_helpers.SilentGoAML"
    filed = make_str(customer)
    assert filed.status == Report.Status.SUBMITTED
    mlro = login(officers["mlro"])

    mlro.post(
        f"{CHANGELIST}{filed.pk}/transition/record_rejection/",
        {"reason": "Conductor's CNIC missing"},
    )
    response = mlro.post(
        f"{CHANGELIST}{filed.pk}/transition/correct_and_resubmit/",
        {"reason": "CNIC added", "narrative": filed.narrative, "action_taken": ""},
    )

    filed.refresh_from_db()
    assert filed.status == Report.Status.REJECTED
    assert filed.rejection_reason == "Conductor's CNIC missing"
    corrected = Report.objects.get(previous_version=filed)
    assert response.url == f"{CHANGELIST}{corrected.pk}/change/"
    assert corrected.status == Report.Status.DRAFT


def test_inspection_export_form_and_date_range_download(officers, customer, make_str):
    make_str(customer)
    auditor = login(officers["mlro"])

    form = auditor.get(f"{CHANGELIST}inspection-export/")
    bad = auditor.post(f"{CHANGELIST}inspection-export/", {"date_from": "2026-01-01"})
    today = Report.objects.get().submitted_at.date().isoformat()
    good = auditor.post(f"{CHANGELIST}inspection-export/", {"date_from": today, "date_to": today})

    assert form.status_code == 200
    assert "Give a customer, or both dates" in bad.content.decode()
    assert good["Content-Type"] == "application/zip"
