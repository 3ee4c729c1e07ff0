from __future__ import annotations

from rest_framework import serializers

from reporting.models import Report


class ReportFilterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Report.Kind.values, required=False)
    status = serializers.ChoiceField(choices=Report.Status.values, required=False)


class ReportOutSerializer(serializers.ModelSerializer):
    """API.md "Reports": {id, kind, status, reference, customer, due_at, submitted_at}."""

    customer = serializers.UUIDField(source="customer_id", allow_null=True, read_only=True)

    class Meta:
        model = Report
        fields = ["id", "kind", "status", "reference", "customer", "due_at", "submitted_at"]
        read_only_fields = fields
