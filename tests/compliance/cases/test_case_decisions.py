"""Case decisions: reasons, escalation, and four eyes (maker is not checker) everywhere."""

import pytest
from django.db import IntegrityError, transaction

from compliance.cases.models import Case, CaseEvent, Decision
from compliance.cases.services import (
    approve_decision,
    close_case,
    escalate_case,
    group_into_cases,
    propose_freeze,
    propose_str_decision,
    propose_unfreeze,
    refuse_decision,
    start_investigation,
)
from compliance.cases.signals import str_approved
from core import audit
from core.actors import Actor
from core.errors import Conflict, FourEyesViolation, InvalidTransition, ValidationFailed
from core.models import WebhookDelivery, WebhookEndpoint
from kyc.models import Customer

REASON = "Structured cash deposits with no stated source; customer evasive on calls."


@pytest.fixture
def case(customer, make_alert):
    group_into_cases(alert_ids=[make_alert(customer, severity="high").pk])
    return Case.objects.get(customer=customer)


@pytest.fixture
def act(officers):
    return {name: Actor.for_user(user) for name, user in officers.items()}


@pytest.fixture
def escalated(case, act):
    start_investigation(case=case, actor=act["analyst"])
    return escalate_case(case=case, reason=REASON, actor=act["analyst"])


# --------------------------------------------------------------- closing and escalating


def test_closing_a_case_needs_a_reason(case, act):
    with pytest.raises(ValidationFailed) as err:
        close_case(case=case, outcome="no_action", reason="   ", actor=act["analyst"])
    assert "reason" in err.value.errors
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN


def test_an_analyst_closes_with_no_action_and_the_reason_is_kept(case, act):
    reason = "Known trader; watch 3 months."
    close_case(case=case, outcome="monitor", reason=reason, actor=act["analyst"])
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.outcome == "monitor"
    assert case.closing_reason == "Known trader; watch 3 months."
    assert case.closed_by == act["analyst"].user and case.closed_at is not None
    decision = case.decisions.get(kind=Decision.Kind.CLOSE)
    assert decision.status == Decision.Status.APPROVED and not decision.four_eyes


def test_str_filed_cannot_be_chosen_when_closing(case, act):
    with pytest.raises(ValidationFailed) as err:
        close_case(case=case, outcome="str_filed", reason=REASON, actor=act["mlro"])
    assert "outcome" in err.value.errors


def test_exiting_a_relationship_is_the_mlros_decision_and_closes_the_customer(case, act):
    with pytest.raises(Exception) as err:
        close_case(case=case, outcome="exit_relationship", reason=REASON, actor=act["analyst"])
    assert err.value.status == 403
    close_case(case=case, outcome="exit_relationship", reason=REASON, actor=act["mlro"])
    assert Customer.objects.get(pk=case.customer_id).status == Customer.Status.CLOSED


def test_escalation_forms_suspicion_and_starts_the_str_clock(escalated):
    escalated.refresh_from_db()
    assert escalated.status == Case.Status.ESCALATED
    assert escalated.suspicion_formed_at is not None
    assert escalated.suspicion_formed_at == escalated.escalated_at


def test_the_grounds_for_suspicion_become_the_narrative_when_none_is_written(escalated):
    escalated.refresh_from_db()
    assert escalated.narrative == REASON


def test_escalation_needs_a_reason(case, act):
    with pytest.raises(ValidationFailed):
        escalate_case(case=case, reason="", actor=act["analyst"])
    case.refresh_from_db()
    assert case.suspicion_formed_at is None


def test_an_analyst_cannot_close_an_escalated_case_but_the_mlro_can(escalated, act):
    with pytest.raises(Exception) as err:
        close_case(case=escalated, outcome="no_action", reason="x", actor=act["analyst"])
    assert err.value.status == 403
    close_case(case=escalated, outcome="monitor", reason="Explained.", actor=act["mlro"])
    assert Case.objects.get(pk=escalated.pk).status == Case.Status.CLOSED


def test_an_str_is_proposed_only_on_an_escalated_case(case, act):
    with pytest.raises(InvalidTransition):
        propose_str_decision(case=case, reason=REASON, actor=act["analyst"])


def test_escalating_with_an_str_proposal_leaves_it_awaiting_the_mlro(case, act):
    escalate_case(case=case, reason=REASON, actor=act["analyst"], propose_str=True)
    pending = case.decisions.get(status=Decision.Status.PROPOSED)
    assert pending.kind == Decision.Kind.STR_DECISION
    assert pending.proposed_by == act["analyst"].user


def test_a_pending_decision_blocks_closing(escalated, act):
    propose_str_decision(case=escalated, reason=REASON, actor=act["analyst"])
    with pytest.raises(Conflict):
        close_case(case=escalated, outcome="no_action", reason="x", actor=act["mlro"])


def test_an_undecided_screening_hit_blocks_closing(customer, make_hit, act):
    group_into_cases(hit_ids=[make_hit(customer).pk])
    case = Case.objects.get(customer=customer)
    with pytest.raises(Conflict) as err:
        close_case(case=case, outcome="no_action", reason="Not our man.", actor=act["analyst"])
    assert err.value.extra["undecided_hits"] == 1


def test_only_one_pending_decision_of_a_kind(escalated, act):
    propose_str_decision(case=escalated, reason=REASON, actor=act["analyst"])
    with pytest.raises(Conflict):
        propose_str_decision(case=escalated, reason=REASON, actor=act["analyst2"])


# --------------------------------------------------------------- STR decision, four eyes


def test_an_analyst_cannot_approve_an_str_decision(escalated, act):
    decision = propose_str_decision(case=escalated, reason=REASON, actor=act["analyst"])
    with pytest.raises(FourEyesViolation):
        approve_decision(decision=decision, reason="Agreed.", actor=act["analyst2"])
    assert Decision.objects.get(pk=decision.pk).status == Decision.Status.PROPOSED


def test_the_mlro_cannot_approve_an_str_they_proposed(escalated, act):
    decision = propose_str_decision(case=escalated, reason=REASON, actor=act["mlro"])
    with pytest.raises(FourEyesViolation):
        approve_decision(decision=decision, reason="Agreed.", actor=act["mlro"])
    with pytest.raises(FourEyesViolation):
        refuse_decision(decision=decision, reason="Changed my mind.", actor=act["mlro"])
    assert Decision.objects.get(pk=decision.pk).status == Decision.Status.PROPOSED


def test_a_second_officer_approves_the_str_the_case_closes_and_reporting_is_told(
    escalated, act, django_capture_on_commit_callbacks
):
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    str_approved.connect(receiver)
    try:
        decision = propose_str_decision(case=escalated, reason=REASON, actor=act["analyst"])
        with django_capture_on_commit_callbacks(execute=True):
            approve_decision(decision=decision, reason="Grounds are clear.", actor=act["mlro"])
    finally:
        str_approved.disconnect(receiver)

    decision.refresh_from_db()
    assert decision.status == Decision.Status.APPROVED
    assert decision.decided_by == act["mlro"].user and decision.decision_reason
    case = Case.objects.get(pk=escalated.pk)
    assert case.status == Case.Status.CLOSED and case.outcome == Case.Outcome.STR_FILED
    assert received == [{"signal": str_approved, "case_id": case.pk, "decision_id": decision.pk}]


def test_a_refused_str_leaves_the_case_escalated(escalated, act):
    decision = propose_str_decision(case=escalated, reason=REASON, actor=act["analyst"])
    refuse_decision(decision=decision, reason="Activity matches payroll.", actor=act["mlro"])
    assert Decision.objects.get(pk=decision.pk).status == Decision.Status.REFUSED
    assert Case.objects.get(pk=escalated.pk).status == Case.Status.ESCALATED
    with pytest.raises(InvalidTransition):
        approve_decision(decision=decision, reason="Second thoughts.", actor=act["mlro2"])


def test_approving_needs_a_reason(escalated, act):
    decision = propose_str_decision(case=escalated, reason=REASON, actor=act["analyst"])
    with pytest.raises(ValidationFailed):
        approve_decision(decision=decision, reason="", actor=act["mlro"])


def test_the_database_refuses_a_self_approval_that_slips_past_the_service(escalated, act):
    decision = propose_str_decision(case=escalated, reason=REASON, actor=act["mlro"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(
            status="approved", decided_by=act["mlro"].user, decided_at=decision.proposed_at
        )


# --------------------------------------------------------------- freeze / unfreeze


def test_an_officer_cannot_approve_a_freeze_they_proposed(case, act):
    decision = propose_freeze(case=case, reason=REASON, actor=act["mlro"])
    with pytest.raises(FourEyesViolation):
        approve_decision(decision=decision, reason="Freeze.", actor=act["mlro"])
    assert Customer.objects.get(pk=case.customer_id).status == Customer.Status.APPROVED


def test_an_analyst_cannot_approve_a_freeze(case, act):
    decision = propose_freeze(case=case, reason=REASON, actor=act["analyst"])
    with pytest.raises(FourEyesViolation):
        approve_decision(decision=decision, reason="Freeze.", actor=act["analyst2"])


def test_an_approved_freeze_freezes_the_customer_and_tells_the_exchange(case, act):
    WebhookEndpoint.objects.create(name="exchange", url="https://exchange.example/hook", secret="s")
    decision = propose_freeze(case=case, reason="Confirmed UN 1267 match.", actor=act["analyst"])
    approve_decision(decision=decision, reason="Match confirmed; freeze now.", actor=act["mlro"])

    assert Customer.objects.get(pk=case.customer_id).status == Customer.Status.FROZEN
    assert WebhookDelivery.objects.filter(event_type="customer.frozen").count() == 1
    assert case.events.filter(kind=CaseEvent.Kind.CUSTOMER_FROZEN).exists()


def test_an_officer_cannot_approve_an_unfreeze_they_proposed(case, act):
    freeze = propose_freeze(case=case, reason=REASON, actor=act["analyst"])
    approve_decision(decision=freeze, reason="Freeze.", actor=act["mlro"])
    unfreeze = propose_unfreeze(case=case, reason="Name cleared by UN.", actor=act["mlro2"])
    with pytest.raises(FourEyesViolation):
        approve_decision(decision=unfreeze, reason="Lift.", actor=act["mlro2"])
    assert Customer.objects.get(pk=case.customer_id).status == Customer.Status.FROZEN


def test_a_second_officer_lifts_the_freeze_back_to_the_previous_status(case, act):
    freeze = propose_freeze(case=case, reason=REASON, actor=act["analyst"])
    approve_decision(decision=freeze, reason="Freeze.", actor=act["mlro"])
    unfreeze = propose_unfreeze(case=case, reason="Delisted on 1 March.", actor=act["analyst"])
    # Any MLRO other than the proposer may approve; here a second one does.
    approve_decision(decision=unfreeze, reason="Delisting verified.", actor=act["mlro2"])
    assert Customer.objects.get(pk=case.customer_id).status == Customer.Status.APPROVED


def test_a_freeze_is_not_proposed_for_a_customer_already_frozen(case, act):
    freeze = propose_freeze(case=case, reason=REASON, actor=act["analyst"])
    approve_decision(decision=freeze, reason="Freeze.", actor=act["mlro"])
    with pytest.raises(InvalidTransition):
        propose_freeze(case=case, reason=REASON, actor=act["analyst"])


# --------------------------------------------------------------- the record


def test_every_decision_is_in_the_audit_trail_and_on_the_timeline(escalated, act):
    decision = propose_str_decision(case=escalated, reason=REASON, actor=act["analyst"])
    approve_decision(decision=decision, reason="Grounds are clear.", actor=act["mlro"])

    case_actions = list(audit.events_for(escalated).values_list("action", flat=True))
    assert case_actions == [
        "case.opened",
        "case.alert_linked",
        "case.investigation_started",
        "case.escalated",
        "case.closed",
    ]
    decision_events = audit.events_for(decision)
    assert [e.action for e in decision_events] == [
        "case.str_decision_proposed",
        "case.str_decision_approved",
    ]
    approved = decision_events.last()
    assert approved.actor_user == act["mlro"].user and approved.reason == "Grounds are clear."
    kinds = list(escalated.events.values_list("kind", flat=True))
    assert kinds[-4:] == [
        CaseEvent.Kind.ESCALATED,
        CaseEvent.Kind.DECISION_PROPOSED,
        CaseEvent.Kind.DECISION_APPROVED,
        CaseEvent.Kind.CLOSED,
    ]


# --------------------------------------------------------------- the other four-eyes rules


def test_rule_activation_refuses_the_maker_as_checker(officers):
    from compliance.monitoring.services import activate_rule_version, create_rule

    mlro = Actor.for_user(officers["mlro"])
    rule = create_rule(
        code="cases-four-eyes-large-cash",
        name="Large cash",
        kind="template",
        typology="LARGE_CASH",
        template="LARGE_CASH",
        severity="high",
        actor=mlro,
    )
    version = rule.versions.get()
    with pytest.raises(FourEyesViolation):
        activate_rule_version(version=version, actor=mlro, reason="Go live.")
    activate_rule_version(version=version, actor=Actor.for_user(officers["mlro2"]), reason="Go.")


def test_true_match_confirmation_refuses_the_proposer_as_checker(customer, make_hit, officers):
    from compliance.screening.models import ScreeningHit
    from compliance.screening.services import confirm_true_match, mark_true_match

    hit = make_hit(customer)
    mlro = Actor.for_user(officers["mlro"])
    mark_true_match(hit=hit, actor=mlro, reason="Same name, DOB and CNIC as the UN entry.")
    with pytest.raises(FourEyesViolation):
        confirm_true_match(hit=hit, actor=mlro, reason="Confirmed.")
    with pytest.raises(FourEyesViolation):
        confirm_true_match(hit=hit, actor=Actor.for_user(officers["analyst"]), reason="Yes.")
    assert ScreeningHit.objects.get(pk=hit.pk).status == ScreeningHit.Status.PENDING_CONFIRMATION
    confirm_true_match(hit=hit, actor=Actor.for_user(officers["mlro2"]), reason="Confirmed.")
    assert ScreeningHit.objects.get(pk=hit.pk).status == ScreeningHit.Status.TRUE_MATCH
