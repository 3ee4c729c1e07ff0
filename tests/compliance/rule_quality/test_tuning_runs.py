"""A tuning run over stored history with labels from real case decisions: the Celery task
(eager here) fills in progress, the table and the suggestion; the suggestion becomes a draft."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rq_helpers import cash, ingest_and_evaluate

from compliance.cases.models import Case
from compliance.cases.services import close_case, escalate_case
from compliance.monitoring.models import Rule
from compliance.rule_quality.models import TuningRun
from compliance.rule_quality.services import tuning
from core.actors import Actor
from core.errors import InvalidTransition, ValidationFailed

SYSTEM = Actor.automated("tests")


@pytest.fixture
def large_cash(db):
    return Rule.objects.select_related("active_version").get(code="PK-LARGE-CASH-CTR")


def test_a_sweep_counts_labelled_outcomes_and_suggests_a_draft(
    make_customer, large_cash, act, django_capture_on_commit_callbacks
):
    now = timezone.now()
    genuine, innocent, quiet = make_customer(), make_customer(), make_customer()
    with django_capture_on_commit_callbacks(execute=True):
        ingest_and_evaluate(
            cash(genuine, "3500000.00", now - timedelta(days=10)),
            cash(innocent, "2100000.00", now - timedelta(days=9)),
            cash(quiet, "1200000.00", now - timedelta(days=8)),
        )
    cases = {c.customer_id: c for c in Case.objects.all()}
    with django_capture_on_commit_callbacks(execute=True):
        escalate_case(case=cases[genuine.pk], reason="Unexplained cash.", actor=act["analyst"])
        close_case(
            case=cases[genuine.pk], outcome="exit_relationship", reason="Exit.", actor=act["mlro"]
        )
        close_case(
            case=cases[innocent.pk], outcome="no_action", reason="Salary.", actor=act["analyst"]
        )

    with django_capture_on_commit_callbacks(execute=True):
        run = tuning.request_tuning(
            version=large_cash.active_version,
            grid={"threshold_pkr": ["1000000", 2000000, "3000000"]},
            date_from=now - timedelta(days=30),
            date_to=now,
            actor=SYSTEM,
        )
    run.refresh_from_db()
    assert run.status == TuningRun.Status.DONE, run.error
    assert (run.progress_done, run.progress_total) == (3, 3)
    table = {r["settings"]["threshold_pkr"]: r for r in run.results}
    assert set(table) == {"1000000", "2000000", "3000000"}
    assert (table["1000000"]["alerts"], table["1000000"]["true_positives"]) == (3, 1)
    assert (table["2000000"]["alerts"], table["2000000"]["false_positives"]) == (2, 1)
    assert (table["3000000"]["alerts"], table["3000000"]["true_positives"]) == (1, 1)
    assert tuning.current_settings(run) == {"threshold_pkr": "2000000"}
    assert run.suggested == {"threshold_pkr": "3000000"}

    draft = tuning.create_suggested_draft(run=run, actor=SYSTEM)
    assert draft.params["threshold_pkr"] == "3000000" and draft.approved_at is None
    assert draft.number == 2


def test_a_grid_must_be_valid_before_anything_runs(large_cash):
    now = timezone.now()
    for grid, problem in [
        ({}, "one or two"),
        ({"threshold_pkr": []}, "non-empty"),
        ({"threshold_pkr": ["-5"]}, "threshold_pkr"),
        ({"a": [1], "b": [1], "c": [1]}, "one or two"),
    ]:
        with pytest.raises(ValidationFailed) as err:
            tuning.request_tuning(
                version=large_cash.active_version, grid=grid, date_from=now - timedelta(days=1),
                date_to=now, actor=SYSTEM,
            )  # fmt: skip
        assert problem in str(err.value.errors["grid"])
    assert not TuningRun.objects.exists()


def test_no_draft_from_an_unfinished_run(large_cash):
    run = TuningRun.objects.create(
        rule_version=large_cash.active_version, grid={"threshold_pkr": ["1"]},
        date_from=timezone.now(), date_to=timezone.now(), requested_by_label="t",
    )  # fmt: skip
    with pytest.raises(InvalidTransition):
        tuning.create_suggested_draft(run=run, actor=SYSTEM)


def test_a_run_whose_worker_died_or_whose_message_was_lost_is_run_again(large_cash):
    from compliance.rule_quality.tasks import sweep_tuning

    now = timezone.now()

    def run(status: str, **times) -> TuningRun:
        return TuningRun.objects.create(
            rule_version=large_cash.active_version,
            grid={"threshold_pkr": ["1000000", "2000000"]},
            date_from=now - timedelta(days=30),
            date_to=now,
            requested_by_label="tests",
            status=status,
            **times,
        )

    died = run(TuningRun.Status.RUNNING, started_at=now - timedelta(hours=1), progress_done=1)
    lost = run(TuningRun.Status.QUEUED)
    TuningRun.objects.filter(pk=lost.pk).update(created_at=now - timedelta(hours=1))
    working = run(TuningRun.Status.RUNNING, started_at=now)
    fresh = run(TuningRun.Status.QUEUED)
    assert sweep_tuning() == 2  # the tasks run eagerly here
    for stranded in (died, lost):
        stranded.refresh_from_db()
        assert stranded.status == TuningRun.Status.DONE, stranded.error
        assert [r["settings"]["threshold_pkr"] for r in stranded.results] == [
            "1000000",
            "2000000",
        ]
    for untouched, status in ((working, "running"), (fresh, "queued")):
        untouched.refresh_from_db()
        assert untouched.status == status
