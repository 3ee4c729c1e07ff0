"""Filing lifecycle: validation gate, four-eyes, submission, rejection and resubmission,
deadlines, automatic CTRs and overdue alerts."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from lxml import etree
from reporting_helpers import KARACHI, pkt

from core.actors import Actor
from core.audit import events_for
from core.errors import FourEyesViolation, InvalidTransition, NotPermitted, ValidationFailed
from core.models import ClosureDate
from reporting import services
from reporting.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def str_draft(customer, make_tx, make_case, link_alert, officers, as_actor):
    deposits = [
        make_tx(customer, amount=Decimal("1950000"), amount_pkr=Decimal("1950000"))
        for _ in range(2)
    ]
    case = make_case(customer)
    link_alert(case, deposits)
    return services.draft_str_from_case(case=case, actor=as_actor(officers["analyst"]))


def _to_approval(report, officers, as_actor):
    return services.submit_for_approval(report=report, actor=as_actor(officers["analyst"]))


# ------------------------------------------------------------------------- drafting and XML


def test_str_from_a_case_is_valid_goaml_with_the_case_transactions(str_draft):
    assert str_draft.status == Report.Status.DRAFT
    assert str_draft.validation_problems == []
    root = etree.fromstring(str_draft.xml.encode())
    assert root.findtext("report_code") == "STR"
    assert root.findtext("entity_reference") == str_draft.reference
    assert len(root.findall("transaction")) == 2
    assert root.findtext("report_indicators/indicator") == "ML-STRUCT"
    assert "PKR 1.9M" in root.findtext("reason")
    person = root.find("transaction/t_from_my_client/from_person")
    assert person.findtext("identification/type") == "CNIC"
    assert person.findtext("addresses/address/town") == "Lahore"


def test_drafting_from_the_same_case_twice_gives_the_same_report(str_draft, officers, as_actor):
    again = services.draft_str_from_case(case=str_draft.case, actor=as_actor(officers["mlro"]))

    assert again.pk == str_draft.pk
    assert Report.objects.filter(case=str_draft.case).count() == 1


def test_invalid_report_is_blocked_in_draft_with_a_readable_message(str_draft, officers, as_actor):
    services.update_draft(report=str_draft, actor=as_actor(officers["analyst"]), narrative="")

    with pytest.raises(ValidationFailed) as refused:
        _to_approval(str_draft, officers, as_actor)

    str_draft.refresh_from_db()
    assert str_draft.status == Report.Status.DRAFT
    messages = refused.value.errors["xml"]
    assert any(m.startswith("/report/reason: reason is required in STR reports") for m in messages)
    assert str_draft.validation_problems[0]["path"] == "/report/reason"


def test_a_customer_without_birthdate_names_the_missing_element(
    make_customer, make_tx, make_case, link_alert, officers, as_actor
):
    customer = make_customer(date_of_birth=None)
    case = make_case(customer)
    link_alert(case, [make_tx(customer)])
    report = services.draft_str_from_case(case=case, actor=as_actor(officers["analyst"]))

    paths = [p["path"] for p in report.validation_problems]
    assert "/report/transaction[1]/t_from_my_client/from_person/birthdate" in paths
    with pytest.raises(ValidationFailed):
        _to_approval(report, officers, as_actor)


# ---------------------------------------------------------------------------------- four-eyes


def test_self_approval_is_refused(str_draft, officers, as_actor):
    mlro = as_actor(officers["mlro"])
    report = services.update_draft(report=str_draft, actor=mlro, action_taken="Account frozen.")
    services.submit_for_approval(report=report, actor=mlro)

    with pytest.raises(FourEyesViolation, match="cannot approve"):
        services.approve(report=report, actor=mlro)

    report.refresh_from_db()
    assert report.status == Report.Status.PENDING_APPROVAL
    assert report.approved_by is None


def test_the_analyst_who_asked_for_approval_cannot_approve_either(str_draft, officers, as_actor):
    report = _to_approval(str_draft, officers, as_actor)

    with pytest.raises(FourEyesViolation):
        services.approve(report=report, actor=as_actor(officers["analyst"]))


def test_approval_needs_the_mlro_permission(str_draft, staff_user, officers, as_actor):
    report = _to_approval(str_draft, officers, as_actor)
    other_analyst = staff_user("Analyst")

    with pytest.raises(FourEyesViolation, match="approve_report"):
        services.approve(report=report, actor=as_actor(other_analyst))


def test_an_automated_actor_cannot_approve(str_draft, officers, as_actor):
    report = _to_approval(str_draft, officers, as_actor)

    with pytest.raises(FourEyesViolation):
        services.approve(report=report, actor=Actor.automated("tests"))


def test_a_draft_cannot_be_approved_or_submitted(str_draft, officers, as_actor):
    with pytest.raises(InvalidTransition):
        services.approve(report=str_draft, actor=as_actor(officers["mlro"]))
    with pytest.raises(InvalidTransition):
        services.submit(report=str_draft, actor=as_actor(officers["mlro"]))


# ------------------------------------------------------------------------- filing and outcome


def test_approved_str_is_filed_and_acknowledged_with_audit_trail(
    str_draft, officers, as_actor, goaml_drop_dir
):
    report = _to_approval(str_draft, officers, as_actor)
    services.approve(report=report, actor=as_actor(officers["mlro"]), reason="Grounds hold.")
    report = services.submit(report=report, actor=as_actor(officers["mlro"]))

    assert report.status == Report.Status.ACKNOWLEDGED
    assert report.fiu_ref_number.startswith("FMU-")
    filed = (goaml_drop_dir / f"{report.reference}.xml").read_bytes()
    assert filed == report.xml.encode()
    assert report.approved_by == officers["mlro"]
    actions = list(events_for(report).values_list("action", flat=True))
    assert actions == [
        "report.drafted",
        "report.regenerated",
        "report.regenerated",
        "report.submitted_for_approval",
        "report.approved",
        "report.submitted",
        "report.acknowledged",
    ]


def test_an_analyst_cannot_file_with_the_fmu(str_draft, officers, as_actor):
    report = _to_approval(str_draft, officers, as_actor)
    services.approve(report=report, actor=as_actor(officers["mlro"]))

    with pytest.raises(NotPermitted):
        services.submit(report=report, actor=as_actor(officers["analyst"]))


def test_xml_changed_after_approval_is_not_filed(str_draft, officers, as_actor):
    report = _to_approval(str_draft, officers, as_actor)
    services.approve(report=report, actor=as_actor(officers["mlro"]))
    Report.objects.filter(pk=report.pk).update(xml=report.xml.replace("Usman", "Someone"))

    with pytest.raises(InvalidTransition, match="SHA-256"):
        services.submit(report=report, actor=as_actor(officers["mlro"]))


def test_rejection_and_resubmission_as_a_new_version(str_draft, officers, as_actor):
    analyst, mlro = as_actor(officers["analyst"]), as_actor(officers["mlro"])
    marked = str_draft.narrative + "\nSANDBOX-REJECT: district of the customer's address missing"
    report = services.update_draft(report=str_draft, actor=analyst, narrative=marked)
    services.submit_for_approval(report=report, actor=analyst)
    services.approve(report=report, actor=mlro)
    rejected = services.submit(report=report, actor=mlro)

    assert rejected.status == Report.Status.REJECTED
    assert rejected.rejection_reason == "district of the customer's address missing"

    corrected = services.correct_and_resubmit(
        report=rejected,
        actor=analyst,
        reason="Address completed",
        narrative=str_draft.narrative.replace(marked, "").strip() or "Structuring below CTR.",
    )
    assert corrected.pk != rejected.pk
    assert (corrected.version, corrected.previous_version) == (2, rejected)
    assert corrected.reference == f"{rejected.reference}-V2"
    assert corrected.status == Report.Status.DRAFT
    assert corrected.due_at == rejected.due_at
    assert set(corrected.transactions.all()) == set(rejected.transactions.all())
    root = etree.fromstring(corrected.xml.encode())
    assert root.findtext("prev_rejected_ref_number") == rejected.reference

    services.submit_for_approval(report=corrected, actor=analyst)
    services.approve(report=corrected, actor=mlro)
    filed = services.submit(report=corrected, actor=mlro)
    assert filed.status == Report.Status.ACKNOWLEDGED
    rejected.refresh_from_db()
    assert rejected.status == Report.Status.REJECTED  # the rejected version stays as it was
    with pytest.raises(InvalidTransition):
        services.correct_and_resubmit(report=rejected, actor=analyst, reason="again")


def test_acknowledgement_recorded_by_hand(str_draft, officers, as_actor, settings):
    settings.GOAML_SUBMITTER = "reporting_helpers.SilentGoAML"
    mlro = as_actor(officers["mlro"])
    report = _to_approval(str_draft, officers, as_actor)
    services.approve(report=report, actor=mlro)
    report = services.submit(report=report, actor=mlro)
    assert report.status == Report.Status.SUBMITTED

    report = services.record_acknowledgement(
        report=report, actor=mlro, fiu_ref_number="FMU/2026/STR/00123"
    )
    assert report.status == Report.Status.ACKNOWLEDGED
    assert report.fiu_ref_number == "FMU/2026/STR/00123"
    with pytest.raises(InvalidTransition):
        services.record_rejection(report=report, actor=mlro, reason="late")


# ---------------------------------------------------------------------------------- deadlines


def test_str_due_date_counts_working_days_from_escalation_across_eid_and_weekend(
    customer, make_tx, make_case, link_alert, officers, as_actor
):
    # Escalated Thursday 2026-03-19, the eve of Eid ul-Fitr: Fri 20 and Sat 21 are Eid in the
    # holidays calendar, Sun 22 a Sunday, Mon 23 Pakistan Day, and the government announced
    # Tue 24 March as an extra Eid day (a closure held as data).
    ClosureDate.objects.create(date=date(2026, 3, 24), description="Eid ul-Fitr (announced)")
    case = make_case(customer, suspicion_formed_at=pkt(2026, 3, 19, 16, 0))
    link_alert(case, [make_tx(customer)])

    report = services.draft_str_from_case(case=case, actor=as_actor(officers["analyst"]))

    # Working days: Wed 25, Thu 26, Fri 27, Mon 30, Tue 31 March, Wed 1, Thu 2 April.
    assert report.suspicion_formed_at == pkt(2026, 3, 19, 16, 0)
    assert report.due_at == pkt(2026, 4, 2, 23, 59, 59).astimezone(UTC)


def test_overdue_report_alerts_the_mlro_once_a_day(str_draft, officers):
    Report.objects.filter(pk=str_draft.pk).update(due_at=datetime.now(UTC) - timedelta(hours=5))
    officers["mlro"].email = "mlro@example.pk"
    officers["mlro"].save()

    notices = services.alert_overdue()
    again = services.alert_overdue()

    assert [n.report_id for n in notices] == [str_draft.pk]
    assert again == []
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["mlro@example.pk"]
    assert str_draft.reference in mail.outbox[0].body
    assert "report.overdue_alerted" in events_for(str_draft).values_list("action", flat=True)


# ---------------------------------------------------------------------------------------- CTR


def test_cash_deposit_of_exactly_two_million_gets_a_ctr(customer, make_tx):
    tx = make_tx(customer, amount=Decimal("2000000.00"), amount_pkr=Decimal("2000000.00"))

    drafted = services.generate_ctrs()

    assert [set(r.transactions.all()) for r in drafted] == [{tx}]
    report = drafted[0]
    assert (report.kind, report.status, report.validation_problems) == ("CTR", "draft", [])
    root = etree.fromstring(report.xml.encode())
    assert root.findtext("transaction/amount_local") == "2000000.00"
    assert root.findtext("transaction/t_from_my_client/t_conductor/last_name") == "Tariq"
    assert root.findtext("report_indicators/indicator") == "CTR-CASH"


def test_cash_deposit_one_paisa_below_gets_no_ctr(customer, make_tx):
    make_tx(customer, amount=Decimal("1999999.99"), amount_pkr=Decimal("1999999.99"))

    assert services.generate_ctrs() == []


def test_bank_transfer_above_the_threshold_gets_no_ctr(customer, make_tx):
    make_tx(customer, channel="bank", amount_pkr=Decimal("5000000"), amount=Decimal("5000000"))

    assert services.generate_ctrs() == []


def test_ctr_generation_is_idempotent(customer, make_tx):
    make_tx(customer, kind="withdrawal", amount_pkr=Decimal("2500000"))

    first = services.generate_ctrs()
    second = services.generate_ctrs()

    assert len(first) == 1 and second == []
    assert Report.objects.filter(kind="CTR").count() == 1


def test_ctr_is_due_on_the_configured_schedule(customer, make_tx):
    tx = make_tx(customer, occurred_at=pkt(2026, 5, 21, 12, 40))  # Thursday

    report = services.draft_ctr_for_transaction(tx=tx)

    # 7 working days: Fri 22, Mon 25, (Eid al-Adha Tue 26 - Thu 28), Fri 29, Mon 1 ... Thu 4 June.
    assert report.due_at.astimezone(KARACHI).date() == date(2026, 6, 4)
