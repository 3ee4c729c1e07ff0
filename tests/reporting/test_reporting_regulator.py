"""The Regulator in the admin: filed reports only, read-only, no actions; exports and stats."""

import pytest
from reporting_helpers import CHANGELIST, login

from reporting.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed_and_draft(make_customer, make_str):
    return make_str(make_customer()), make_str(make_customer(), filed=False)


@pytest.fixture
def regulator(officers):
    return login(officers["regulator"])


def test_regulator_sees_filed_reports_only(regulator, filed_and_draft):
    filed, draft = filed_and_draft

    page = regulator.get(CHANGELIST).content.decode()

    assert filed.reference in page
    assert draft.reference not in page
    assert regulator.get(f"{CHANGELIST}{draft.pk}/change/").status_code == 302  # not found


def test_regulator_views_a_filed_report_read_only(regulator, filed_and_draft):
    filed, _ = filed_and_draft

    response = regulator.get(f"{CHANGELIST}{filed.pk}/change/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="_save"' not in page
    assert "transition/" not in page  # no lifecycle buttons
    assert "FMU-" in page  # the FMU's acknowledgement is visible


def test_regulator_cannot_change_or_add(regulator, filed_and_draft):
    filed, _ = filed_and_draft

    change = regulator.post(f"{CHANGELIST}{filed.pk}/change/", {"narrative": "rewritten"})
    add = regulator.get(f"{CHANGELIST}add/")

    assert change.status_code == 403
    assert add.status_code == 403
    assert Report.objects.get(pk=filed.pk).narrative != "rewritten"


def test_regulator_has_no_actions_and_no_transitions(regulator, filed_and_draft):
    filed, _ = filed_and_draft

    page = regulator.get(CHANGELIST).content.decode()
    transition = regulator.post(
        f"{CHANGELIST}{filed.pk}/transition/correct_and_resubmit/", {"reason": "x"}
    )
    bulk = regulator.post(
        CHANGELIST, {"action": "approve_selected", "_selected_action": [str(filed.pk)]}
    )

    assert 'name="action"' not in page
    assert transition.status_code == 403
    assert bulk.status_code in (200, 302, 403)
    assert Report.objects.filter(previous_version=filed).count() == 0


def test_regulator_downloads_the_filed_xml(regulator, filed_and_draft):
    filed, draft = filed_and_draft

    response = regulator.get(f"{CHANGELIST}{filed.pk}/xml/")

    assert response.status_code == 200
    assert response.content == filed.xml.encode()
    assert regulator.get(f"{CHANGELIST}{draft.pk}/xml/").status_code == 404


def test_regulator_opens_statistics_and_downloads_the_csv(regulator, filed_and_draft):
    page = regulator.get(f"{CHANGELIST}statistics/")
    csv = regulator.get(f"{CHANGELIST}statistics/?format=csv")

    assert page.status_code == 200
    assert b"<svg" in page.content
    assert csv.status_code == 200
    assert csv["Content-Type"] == "text/csv"
    assert b"filings,STR,filed,1" in csv.content


def test_regulator_exports_an_inspection_zip(regulator, filed_and_draft):
    filed, _ = filed_and_draft

    response = regulator.post(
        f"{CHANGELIST}inspection-export/", {"customer": filed.customer.external_id}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"


def test_regulator_cannot_edit_filing_settings(regulator):
    from reporting.models import FilingSettings

    settings_row = FilingSettings.objects.get()
    response = regulator.post(
        f"/admin/reporting/filingsettings/{settings_row.pk}/change/",
        {"str_working_days": 30, "ctr_schedule_days": 30, "ctr_threshold_pkr": "1"},
    )

    assert response.status_code == 403
    assert FilingSettings.objects.get().str_working_days == 7


def test_mlro_approves_through_the_admin_with_four_eyes(officers, make_customer, make_str):
    from core.actors import Actor
    from reporting import services

    draft = make_str(make_customer(), filed=False)
    services.submit_for_approval(report=draft, actor=Actor.for_user(officers["analyst"]))
    mlro = login(officers["mlro"])

    page = mlro.get(f"{CHANGELIST}{draft.pk}/change/").content.decode()
    response = mlro.post(f"{CHANGELIST}{draft.pk}/transition/approve/", {"reason": "Grounds hold."})

    assert "transition/approve/" in page
    assert response.status_code == 302
    assert Report.objects.get(pk=draft.pk).status == Report.Status.APPROVED
