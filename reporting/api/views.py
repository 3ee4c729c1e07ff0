"""Reports API (API.md "Reports"), for systems holding the ``reports:read`` scope.

The exchange's own key must not hold this scope: the existence of an STR is never shown to the
exchange (tipping-off, AMLA 2010 s.34); it is meant for the regulator's inspection tools.
"""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from reporting import selectors
from reporting.api.serializers import ReportFilterSerializer, ReportOutSerializer
from reporting.models import Report


class ReportList(GenericAPIView):
    required_scope = "reports:read"
    serializer_class = ReportOutSerializer
    queryset = Report.objects.none()  # for the schema; the selector reads

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=Report.Kind.values),
            OpenApiParameter("status", str, enum=Report.Status.values),
        ],
        responses={
            200: ReportOutSerializer(many=True),
            400: OpenApiResponse(description='{"errors": {...}, "code": "invalid"}'),
        },
    )
    def get(self, request: Request) -> Response:
        filters = ReportFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        reports = selectors.list_reports(**filters.validated_data)
        page = self.paginate_queryset(reports)
        return self.get_paginated_response(ReportOutSerializer(page, many=True).data)


class ReportXml(GenericAPIView):
    required_scope = "reports:read"
    queryset = Report.objects.none()  # for the schema; the selector reads

    @extend_schema(
        responses={
            (200, "application/xml"): OpenApiResponse(
                OpenApiTypes.STR, description="The goAML XML exactly as built and filed."
            ),
            404: OpenApiResponse(description="No such report, or no XML yet."),
        },
    )
    def get(self, request: Request, pk: str) -> HttpResponse:
        report = selectors.get_report(pk)
        if not report.xml:
            return Response({"code": "not_found", "detail": "This report has no XML yet."}, 404)
        response = HttpResponse(report.xml.encode(), content_type="application/xml; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{report.reference}.xml"'
        response["X-Content-SHA256"] = report.xml_sha256
        return response
