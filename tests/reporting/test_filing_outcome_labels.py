"""The FMU's answer to an STR reaches the outcome labels of the case's alerts (reporting calls
compliance's rule-quality service after the commit)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from compliance.cases.models import Case
from compliance.rule_quality.models import AlertLabel
from reporting import services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("answer", ["acknowledged", "rejected"])
def test_the_fmu_answer_is_on_the_alert_labels(
    answer, customer, make_tx, make_case, link_alert, officers, as_actor, settings,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    settings.GOAML_SUBMITTER = "reporting_helpers.SilentGoAML"
    case = make_case(customer)
    link_alert(case, [make_tx(customer, amount=Decimal("1950000"), amount_pkr=Decimal("1950000"))])
    # The MLRO's approval of the STR closes the case with that outcome (cases' own flow).
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.CLOSED, outcome=Case.Outcome.STR_FILED, closed_at=timezone.now()
    )
    mlro = as_actor(officers["mlro"])
    report = services.draft_str_from_case(case=case, actor=as_actor(officers["analyst"]))
    report = services.submit_for_approval(report=report, actor=as_actor(officers["analyst"]))
    services.approve(report=report, actor=mlro, reason="Grounds hold.")
    report = services.submit(report=report, actor=mlro)
    with django_capture_on_commit_callbacks(execute=True):
        if answer == "acknowledged":
            services.record_acknowledgement(report=report, actor=mlro, fiu_ref_number="FMU/1")
        else:
            services.record_rejection(report=report, actor=mlro, reason="Schema error.")
    label = AlertLabel.objects.get(case=case)
    assert (label.label, label.true_positive, label.filing) == ("str_filed", True, answer)
