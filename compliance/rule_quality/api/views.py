"""Rule quality, read-only (scope ``alerts:read``): the pre-aggregated figures per rule and
version for all time, one week or one month."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from compliance.rule_quality import reports, selectors
from compliance.rule_quality.api.serializers import (
    QualityFilterSerializer,
    RuleQualitySerializer,
)


class RuleQualityList(APIView):
    required_scope = "alerts:read"

    @extend_schema(
        operation_id="rules_quality_list",
        summary="Quality of each monitoring rule and rule version",
        parameters=[QualityFilterSerializer],
        responses={
            200: RuleQualitySerializer(many=True),
            400: OpenApiResponse(
                description='{"errors": {"field": ["message"]}, "code": "invalid"}'
            ),
        },
    )
    def get(self, request: Request) -> Response:
        filters = QualityFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        wanted = filters.validated_data
        rows = selectors.quality_rows(
            period=wanted.get("period", "all"),
            start=wanted.get("start"),
            rule_code=wanted.get("rule", ""),
        )
        return Response(RuleQualitySerializer([reports.as_dict(r) for r in rows], many=True).data)
