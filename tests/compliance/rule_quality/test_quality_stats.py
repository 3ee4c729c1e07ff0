"""The pre-aggregated figures (SQL) agree with the plain-Python arithmetic on labelled alerts
from real case decisions, per version, per rule, by week, month and all time."""

from datetime import timedelta
from decimal import Decimal

from compliance.cases.models import Case
from compliance.cases.services import close_case, escalate_case, group_into_cases
from compliance.monitoring.models import Alert, RuleVersion
from compliance.rule_quality import metrics, selectors
from compliance.rule_quality.models import AlertLabel, QualityPeriod
from compliance.rule_quality.services import stats


def _facts() -> list[metrics.AlertFacts]:
    labels = {row.alert_id: row for row in AlertLabel.objects.all()}
    out = []
    for a in Alert.objects.filter(is_shadow=False):
        label = labels.get(a.pk)
        out.append(
            metrics.AlertFacts(
                rule_id=str(a.rule_id),
                version_id=a.rule_version_id,
                customer_id=str(a.customer_id),
                created_at=a.created_at,
                status=a.status,
                label=label.label if label else "",
                true_positive=label.true_positive if label else False,
                dispositioned_at=label.dispositioned_at if label else None,
                filing=label.filing if label else "",
            )
        )
    return out


def test_sql_aggregates_match_the_python_arithmetic(
    make_customer, rule, make_alert, act, days_ago, django_capture_on_commit_callbacks
):
    v2 = RuleVersion.objects.create(
        rule=rule, number=2, template="STRUCTURING", params={"min_count": 4},
        severity="high", created_by_label="tests",
    )  # fmt: skip
    customers = [make_customer() for _ in range(4)]
    # Two customers' alerts dismissed, one escalated (true positive), one left open; over
    # several weeks and both versions.
    for i, customer in enumerate(customers):
        make_alert(customer, rule, created_at=days_ago(40 - 7 * i))
        make_alert(customer, rule, version=v2, created_at=days_ago(3 + i))
        make_alert(customer, rule, version=v2, is_shadow=True)  # never counted
    group_into_cases(
        alert_ids=list(Alert.objects.filter(is_shadow=False).values_list("pk", flat=True))
    )
    cases = {c.customer_id: c for c in Case.objects.all()}
    with django_capture_on_commit_callbacks(execute=True):
        for customer in customers[:2]:
            close_case(
                case=cases[customer.pk], outcome="no_action", reason="Salary.", actor=act["analyst"]
            )
        escalate_case(case=cases[customers[2].pk], reason="Unexplained cash.", actor=act["analyst"])
        close_case(
            case=cases[customers[2].pk], outcome="monitor", reason="MLRO: watch.", actor=act["mlro"]
        )

    written = stats.refresh_quality()
    expected = metrics.summarise(_facts())
    stored = {
        (str(r.rule_id), r.rule_version_id, r.period, r.period_start): r
        for r in QualityPeriod.objects.all()
    }
    assert written == len(stored) == len(expected)
    fields = ("alerts", "customers", "in_case", "dispositioned", "true_positives", "str_filed",
              "fmu_acknowledged", "open_backlog", "median_hours_to_disposition")  # fmt: skip
    for key, counts in expected.items():
        for name in fields:
            assert getattr(stored[key], name) == getattr(counts, name), (key, name)

    rows = selectors.quality_rows(rule_code=rule.code)
    whole = rows[0]
    assert whole.version is None and whole.figures.alerts == 8
    assert whole.figures.dispositioned == 6 and whole.figures.true_positives == 2
    assert whole.figures.precision == Decimal("0.333")
    assert [r.version for r in rows[1:]] == [2, 1]
    assert rows[2].live is True


def test_a_rule_below_its_floor_is_flagged(
    make_customer, rule, make_alert, act, days_ago, django_capture_on_commit_callbacks
):
    from compliance.rule_quality.models import PrecisionFloor

    PrecisionFloor.objects.filter(rule__isnull=True).update(
        floor=Decimal("0.5"), min_dispositioned=2
    )
    for _ in range(2):
        customer = make_customer()
        alert = make_alert(customer, rule, created_at=days_ago(2))
        group_into_cases(alert_ids=[alert.pk])
        with django_capture_on_commit_callbacks(execute=True):
            close_case(
                case=Case.objects.get(customer=customer),
                outcome="no_action",
                reason="Fine.",
                actor=act["analyst"],
            )
    stats.refresh_quality()
    whole = selectors.quality_rows(rule_code=rule.code)[0]
    assert whole.figures.precision == Decimal("0.000")
    assert whole.figures.below_floor is True
    assert timedelta(0) < timedelta(hours=float(whole.figures.median_hours_to_disposition))
