"""An officer's day in a real browser: the analyst works a structuring case and escalates it,
the MLRO (password + TOTP) approves the STR, a Regulator sees the result and can change nothing.

Customers and transactions are made through the services; the monitoring rules raise the
alerts and the cases app groups them, exactly as in production (Celery runs eagerly here).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core import roles

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NOTE = "Called the customer: deposits are from the sale of a plot; no documents offered."
GROUNDS = "Three cash deposits just under the CTR threshold in ten hours, unexplained."
APPROVAL = "Structuring pattern and no credible source of funds: file the STR."


def _customer(external_id: str, cnic: str, full_name: str):
    from core.actors import Actor
    from kyc import services

    today = timezone.localdate()
    return services.create_customer(
        actor=Actor.automated("tests"),
        data={
            "external_id": external_id,
            "customer_type": "individual",
            "full_name": full_name,
            "father_or_spouse_name": "Muhammad Akbar",
            "date_of_birth": date(1984, 5, 17),
            "gender": "M",
            "id_type": "CNIC",
            "id_number": cnic,
            "id_issue_date": today - timedelta(days=900),
            "id_expiry_date": today + timedelta(days=2000),
            "mobile": "03211234567",
            "email": f"{external_id.lower()}@example.pk",
            "permanent_address": {
                "line1": "Flat 4, Block C, Clifton",
                "city": "Karachi",
                "district": "Karachi South",
                "province": "Sindh",
                "postal_code": "75600",
                "country": "PK",
            },
            "occupation": "business_owner",
            "source_of_funds": "business_income",
            "purpose_of_account": "investment",
            "expected_monthly_turnover_pkr": Decimal("300000.00"),
            "is_pep_declared": False,
        },
    )


def _cash_deposits(customer, amounts_pkr: list[str], *, hours_apart: int = 5) -> None:
    from compliance.monitoring.services.ingest import ingest_bulk
    from core.actors import Actor

    start = timezone.now() - timedelta(days=2)
    ingest_bulk(
        actor=Actor.automated("tests"),
        items=[
            {
                "external_id": f"{customer.external_id}-D{i}",
                "customer": customer.external_id,
                "kind": "deposit",
                "channel": "cash",
                "asset": "PKR",
                "amount": amount,
                "amount_pkr": amount,
                "occurred_at": (start + timedelta(hours=hours_apart * i)).isoformat(),
            }
            for i, amount in enumerate(amounts_pkr)
        ],
    )


@pytest.fixture
def day(staff_user):
    """Two customers in the queue (structuring, large cash), and the three officers."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from compliance.cases.models import Case

    structurer = _customer("E2E-STRUCT", "42101-5550001-1", "Kamran Akbar Shah")
    _cash_deposits(structurer, ["1950000.00", "1900000.00", "1975000.00"])
    other = _customer("E2E-CASH", "42101-5550002-1", "Nadeem Akbar Khan")
    _cash_deposits(other, ["2500000.00"])

    case = Case.objects.get(customer=structurer)
    assert "STRUCTURING" in set(case.alert_links.values_list("alert__typology", flat=True))
    assert Case.objects.filter(customer=other).exists()

    mlro = staff_user(roles.MLRO)
    return {
        "case": case,
        "customer": structurer,
        "analyst": staff_user(roles.ANALYST),
        "mlro": mlro,
        "mlro_device": TOTPDevice.objects.create(user=mlro, name="phone", confirmed=True),
        "regulator": staff_user(roles.REGULATOR),
    }


def test_an_officers_day_from_structuring_alert_to_approved_str(
    day, new_page, log_in, totp_code, artifacts_dir
):
    from compliance.cases.models import Case, Decision

    case = day["case"]

    # The analyst logs in: the dashboard is the admin's home page.
    page = new_page()
    log_in(page, day["analyst"].username)
    page.wait_for_selector("#panel-alerts svg")
    page.screenshot(path=str(artifacts_dir / "dashboard.png"), full_page=True)

    # The work queue: unassigned cases, then the one raised by the structuring alert.
    page.click("#figure-unassigned a")
    page.wait_for_selector("#result_list")
    row = page.locator("#result_list tbody tr", has_text="STRUCTURING")
    assert row.count() == 1
    row.locator("th a").click()
    page.wait_for_selector(f"text={case.reference}")

    # The customer 360, through the customer's page.
    page.click(f"#content-main a:has-text('{day['customer'].external_id}')")
    page.click("a:has-text('Customer 360')")
    page.wait_for_selector("#transactions svg")
    assert page.locator("#alerts tbody tr", has_text="STRUCTURING").count() == 1
    assert page.locator("#cases tbody tr", has_text=case.reference).count() == 1
    page.screenshot(path=str(artifacts_dir / "customer-360.png"), full_page=True)

    # Back to the case: a note, then the escalation with an STR proposal.
    page.locator("#cases tbody tr", has_text=case.reference).locator("a").first.click()
    page.wait_for_selector(f"text={case.reference}")
    page.locator("textarea[name$='-0-text']").fill(NOTE)  # the "add a note" form
    page.click("[name=_continue]")
    page.wait_for_selector(f"text={NOTE}")

    page.click("a:has-text('Escalate to the MLRO')")
    page.fill("#id_reason", GROUNDS)
    assert page.is_checked("#id_propose_str")
    page.click("[name=confirm]")
    page.wait_for_selector("text=Escalate to the MLRO: done for 1 of 1")
    case.refresh_from_db()
    assert case.status == Case.Status.ESCALATED

    # The MLRO logs in with password and TOTP and approves the STR decision.
    mlro_page = new_page()
    log_in(mlro_page, day["mlro"].username, otp=totp_code(day["mlro_device"]))
    mlro_page.click("#figure-decisions a")
    mlro_page.wait_for_selector("#result_list")
    mlro_page.locator("#result_list tbody tr", has_text="File an STR").locator("th a").click()
    mlro_page.click("a:has-text('Approve')")
    mlro_page.fill("#id_reason", APPROVAL)
    mlro_page.click("[name=confirm]")
    mlro_page.wait_for_selector("text=done for 1 of 1")

    decision = Decision.objects.get(case=case, kind=Decision.Kind.STR_DECISION)
    assert decision.status == Decision.Status.APPROVED
    assert decision.decided_by == day["mlro"]
    case.refresh_from_db()
    assert (case.status, case.outcome) == (Case.Status.CLOSED, Case.Outcome.STR_FILED)

    # A Regulator sees the closed case and the approved decision, and can change nothing.
    regulator = new_page()
    log_in(regulator, day["regulator"].username)
    regulator.goto(f"/admin/cases/case/{case.pk}/change/")
    regulator.wait_for_selector(f"text={case.reference}")
    assert regulator.locator("text=STR filed").count() >= 1
    assert regulator.locator("text=Approved").count() >= 1
    assert regulator.locator("input[name=_save], input[name=_continue]").count() == 0
    assert regulator.locator("a:has-text('Escalate')").count() == 0
    regulator.screenshot(path=str(artifacts_dir / "regulator-case.png"), full_page=True)
    for url in (
        f"/admin/cases/case/step/add_note/?ids={case.pk}",
        f"/admin/cases/decision/step/approve/?ids={decision.pk}",
    ):
        assert regulator.goto(url).status == 403
    # Even a well-formed POST (with its CSRF token) to the change page is refused.
    token = next(c["value"] for c in regulator.context.cookies() if c["name"] == "csrftoken")
    refused = regulator.request.post(
        f"/admin/cases/case/{case.pk}/change/",
        form={"summary": "edited by a regulator", "csrfmiddlewaretoken": token},
        headers={"X-CSRFToken": token},
    )
    assert refused.status == 403
    case.refresh_from_db()
    assert case.summary != "edited by a regulator"
