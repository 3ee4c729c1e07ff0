"""Working a case (assignment, notes, attachments, investigation) and the queue counts."""

import hashlib
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from compliance.cases import selectors
from compliance.cases.models import Case, CaseEvent, CaseNote
from compliance.cases.services import (
    add_attachment,
    add_note,
    assign_cases,
    escalate_case,
    group_into_cases,
    start_investigation,
)
from core import audit
from core.actors import Actor
from core.errors import InvalidTransition, ValidationFailed


@pytest.fixture
def case(customer, make_alert):
    group_into_cases(alert_ids=[make_alert(customer, typology="STRUCTURING").pk])
    return Case.objects.get(customer=customer)


def test_starting_an_investigation_gives_an_unassigned_case_to_the_officer(case, officers):
    start_investigation(case=case, actor=Actor.for_user(officers["analyst"]))
    case.refresh_from_db()
    assert case.status == Case.Status.INVESTIGATING and case.assignee == officers["analyst"]
    assert case.investigation_started_at is not None
    with pytest.raises(InvalidTransition):
        start_investigation(case=case, actor=Actor.for_user(officers["analyst"]))


def test_bulk_assignment_skips_closed_cases_and_records_each_hand_over(
    make_customer, make_alert, officers
):
    cases = []
    for _ in range(3):
        c = make_customer()
        group_into_cases(alert_ids=[make_alert(c).pk])
        cases.append(Case.objects.get(customer=c))
    Case.objects.filter(pk=cases[2].pk).update(
        status="closed", outcome="no_action", closed_at=timezone.now()
    )
    changed = assign_cases(
        case_ids=[c.pk for c in cases],
        assignee=officers["analyst2"],
        actor=Actor.for_user(officers["analyst"]),
    )
    assert {c.pk for c in changed} == {cases[0].pk, cases[1].pk}
    assert cases[0].events.filter(kind=CaseEvent.Kind.ASSIGNED).count() == 1
    assert audit.events_for(cases[0]).filter(action="case.assigned").exists()
    # Unassigning is assigning to nobody.
    assign_cases(case_ids=[cases[0].pk], assignee=None, actor=Actor.automated("t"))
    assert Case.objects.get(pk=cases[0].pk).assignee is None


def test_notes_are_append_only(case, officers):
    note = add_note(
        case=case, text="Customer called back.", actor=Actor.for_user(officers["analyst"])
    )
    note.text = "edited"
    with pytest.raises(ValueError):
        note.save()
    with pytest.raises(ValueError):
        note.delete()
    assert CaseNote.objects.get(pk=note.pk).text == "Customer called back."
    with pytest.raises(ValidationFailed):
        add_note(case=case, text="  ", actor=Actor.for_user(officers["analyst"]))


def test_an_attachment_is_stored_with_its_sha256(case, officers, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    content = b"%PDF-1.4 bank statement"
    upload = SimpleUploadedFile("statement.pdf", content, content_type="application/pdf")
    attachment = add_attachment(
        case=case,
        file=upload,
        description="HBL statement",
        actor=Actor.for_user(officers["analyst"]),
    )
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.size == len(content) and attachment.original_name == "statement.pdf"
    with attachment.file.open("rb") as stored:
        assert stored.read() == content
    assert case.events.filter(kind=CaseEvent.Kind.ATTACHMENT_ADDED).exists()


def test_an_empty_attachment_is_refused(case, officers, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationFailed):
        add_attachment(
            case=case,
            file=SimpleUploadedFile("empty.txt", b""),
            actor=Actor.for_user(officers["analyst"]),
        )


def test_queue_counts_for_the_dashboard(make_customer, make_alert, officers):
    now = timezone.now()
    late, mine, fresh = make_customer(), make_customer(), make_customer()
    group_into_cases(
        alert_ids=[make_alert(late, severity="critical").pk], now=now - timedelta(days=20)
    )
    group_into_cases(alert_ids=[make_alert(mine, typology="FAN_IN").pk])
    group_into_cases(alert_ids=[make_alert(fresh, typology="FAN_IN", severity="low").pk])
    analyst = officers["analyst"]
    start_investigation(case=Case.objects.get(customer=mine), actor=Actor.for_user(analyst))
    escalate_case(
        case=Case.objects.get(customer=mine),
        reason="Funnel account.",
        actor=Actor.for_user(analyst),
        propose_str=True,
    )

    counts = selectors.open_case_counts()
    assert counts["critical"]["open"] == 1 and counts["medium"]["escalated"] == 1
    assert counts["low"]["open"] == 1 and list(counts) == ["critical", "high", "medium", "low"]
    ageing = selectors.sla_ageing(now)
    assert ageing["critical"]["breached"] == 1 and ageing["low"]["on_track"] == 1
    assert selectors.open_cases_by_typology() == {"FAN_IN": 2, "STRUCTURING": 1}
    queues = selectors.queue_counts(analyst, now)
    assert queues == {
        "mine": 1,
        "unassigned": 2,
        "breaching": 1,
        "at_risk": 0,
        "escalated": 1,
        "awaiting_decision": 0,  # the analyst's own STR proposal is not theirs to decide
    }
    assert selectors.queue_counts(officers["mlro"], now)["awaiting_decision"] == 1
    work = {row["assignee"]: row for row in selectors.work_per_analyst(now)}
    assert work[analyst.username]["escalated"] == 1 and work[None]["total"] == 2
    assert [c.customer_id for c in selectors.my_cases(analyst)] == [mine.pk]
    assert [c.customer_id for c in selectors.breaching_sla(now)] == [late.pk]
