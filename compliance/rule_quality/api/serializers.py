from rest_framework import serializers

PERIODS = ("all", "week", "month")


class QualityFilterSerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=PERIODS, required=False, default="all")
    start = serializers.DateField(
        required=False, help_text="The week's Monday or the month's 1st (Asia/Karachi)."
    )
    rule = serializers.SlugField(required=False, help_text="A rule code.")

    def validate(self, attrs):
        if attrs.get("period", "all") != "all" and "start" not in attrs:
            raise serializers.ValidationError({"start": ["required with a week or month period"]})
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
