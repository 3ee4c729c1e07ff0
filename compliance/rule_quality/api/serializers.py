from django.utils import timezone
from rest_framework import serializers

from compliance.rule_quality import metrics
from core.api.serializers import QueryParametersMixin

PERIODS = ("all", "week", "month")


class QualityFilterSerializer(QueryParametersMixin, serializers.Serializer):
    period = serializers.ChoiceField(
        choices=PERIODS, required=False, default="all", help_text="Default all (start ignored)."
    )
    start = serializers.DateField(
        required=False,
        help_text="The week's Monday or the month's 1st (Asia/Karachi); with a week or month "
        "period and no start, the current one.",
    )
    rule = serializers.SlugField(required=False, help_text="A rule code.")

    def validate(self, attrs: dict) -> dict:
        period = attrs.get("period", "all")
        if period == "all":
            attrs.pop("start", None)
        elif "start" not in attrs:
            attrs["start"] = metrics.period_start(timezone.now(), period)
        return attrs


class RuleQualitySerializer(serializers.Serializer):
    """One rule (``version`` null: all its versions) or one version of it, for the period."""

    rule = serializers.CharField()
    version = serializers.IntegerField(allow_null=True)
    live = serializers.BooleanField(help_text="This version is the one that raises alerts.")
    alerts = serializers.IntegerField()
    customers = serializers.IntegerField()
    alert_to_case_rate = serializers.DecimalField(max_digits=5, decimal_places=3, allow_null=True)
    str_conversion = serializers.DecimalField(max_digits=5, decimal_places=3, allow_null=True)
    precision = serializers.DecimalField(
        max_digits=5,
        decimal_places=3,
        allow_null=True,
        help_text="True positives over labelled (dispositioned) alerts.",
    )
    precision_floor = serializers.DecimalField(max_digits=4, decimal_places=3, allow_null=True)
    below_floor = serializers.BooleanField()
    median_hours_to_disposition = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True
    )
    alerts_per_1000_customers = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True
    )
    open_backlog = serializers.IntegerField()
    dispositioned = serializers.IntegerField()
    true_positives = serializers.IntegerField()
    str_filed = serializers.IntegerField()
    fmu_acknowledged = serializers.IntegerField()
