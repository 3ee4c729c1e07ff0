"""Transactions and alerts API (API.md "Transactions", "Alerts and cases"): parse, call one
service, answer."""

from __future__ import annotations

import uuid

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from compliance.monitoring import selectors, services
from compliance.monitoring.api.serializers import (
    AlertFilterSerializer,
    AlertSerializer,
    BulkInSerializer,
    BulkOutSerializer,
    CheckInSerializer,
    CheckOutSerializer,
    HoldReleasedSerializer,
    TransactionCreatedSerializer,
    TransactionFilterSerializer,
    TransactionInSerializer,
    TransactionListItemSerializer,
    TransactionSerializer,
)
from compliance.monitoring.api.shedding import arrival
from compliance.monitoring.models import Alert, AlertTransaction, Transaction
from core.errors import ValidationFailed

ERRORS = {
    400: OpenApiResponse(description='{"errors": {"field": ["message"]}, "code": "invalid"}'),
    404: OpenApiResponse(description='{"code": "not_found", "detail": "..."}'),
    409: OpenApiResponse(description='{"code": "conflict", "detail": "...", "id": "..."}'),
}


def _customer_filter(ref: str):
    """The customer's pk; an unknown reference filters to nothing (an empty page, not an
    error: a filter narrows a list, it does not assert that the customer exists)."""
    customer = selectors.resolve_customers([ref]).get(ref)
    return customer.pk if customer is not None else None


def _alerts_queryset() -> QuerySet[Alert]:
    return (
        selectors.visible_alerts()
        .select_related("rule", "rule_version")
        .prefetch_related(
            Prefetch("links", queryset=AlertTransaction.objects.only("alert_id", "transaction_id"))
        )
    )


class TransactionList(GenericAPIView):
    scope = "transactions"
    serializer_class = TransactionListItemSerializer
    queryset = Transaction.objects.none()  # for the schema; reads build their own

    @extend_schema(
        parameters=[
            OpenApiParameter("customer", str, description="The customer's id or external_id."),
            OpenApiParameter("status", str, enum=Transaction.Status.values),
            OpenApiParameter("external_id", str),
        ],
        responses={200: TransactionListItemSerializer(many=True), 400: ERRORS[400]},
    )
    def get(self, request: Request) -> Response:
        filters = TransactionFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        wanted = filters.validated_data
        rows = Transaction.objects.all()
        if "customer" in wanted:
            rows = rows.filter(customer_id=_customer_filter(wanted["customer"]))
        if "status" in wanted:
            rows = rows.filter(status=wanted["status"])
        if "external_id" in wanted:
            rows = rows.filter(external_id=wanted["external_id"])
        page = self.paginate_queryset(rows.order_by("-occurred_at", "-created_at"))
        return self.get_paginated_response(TransactionListItemSerializer(page, many=True).data)

    @extend_schema(
        request=TransactionInSerializer,
        responses={
            201: TransactionCreatedSerializer,
            200: OpenApiResponse(TransactionCreatedSerializer, "A retry of an identical POST."),
            400: ERRORS[400],
            409: ERRORS[409],
        },
    )
    def post(self, request: Request) -> Response:
        result = services.ingest_transaction(body=request.data, actor=request.actor)
        body = {"id": result.id, "external_id": result.external_id, "status": result.status}
        return Response(body, status=status.HTTP_201_CREATED if result.created else 200)


class TransactionBulk(APIView):
    scope = "transactions"

    @extend_schema(
        request=BulkInSerializer,
        responses={200: BulkOutSerializer, 400: ERRORS[400]},
        description="Each item is validated and stored on its own; a bad item never sinks the "
        "good ones. At most 1000 items.",
    )
    def post(self, request: Request) -> Response:
        data = request.data
        if not isinstance(data, dict) or set(data) != {"transactions"}:
            raise ValidationFailed(
                {"transactions": ['Send {"transactions": [...]} and nothing else.']}
            )
        results = services.ingest_bulk(items=data["transactions"], actor=request.actor)
        return Response({"results": [r.as_dict() for r in results]})


class TransactionCheck(APIView):
    scope = "transactions"

    @extend_schema(
        request=CheckInSerializer,
        responses={
            200: CheckOutSerializer,
            400: ERRORS[400],
            409: OpenApiResponse(
                description="The external_id was already checked with a different body."
            ),
            503: OpenApiResponse(
                description='Overloaded: {"code": "overloaded", "detail": "..."} with '
                "Retry-After; nothing was decided or stored, try again."
            ),
        },
        description="Synchronous: may this transaction go ahead? Blocks frozen or rejected "
        "customers, sanctioned counterparties and tier limits; stored as an attempt. An allow "
        "for an outgoing movement places a hold on the daily and monthly limits. A replay with "
        "the same external_id and body gets the same answer (and no second hold). Answered "
        "within a time budget: past it the decision is the configured fail mode (review by "
        "default) with a reason of typology TIMEOUT.",
    )
    def post(self, request: Request) -> Response:
        outcome = services.check_transaction(
            body=request.data, actor=request.actor, started=arrival(request)
        )
        body = {"id": outcome.id, "decision": outcome.decision, "reasons": outcome.reasons}
        if outcome.hold is not None:
            body["hold"] = outcome.hold
        return Response(body)


class TransactionCheckRelease(APIView):
    scope = "transactions"

    @extend_schema(
        request=None,
        responses={200: HoldReleasedSerializer, 404: ERRORS[404], 409: ERRORS[409]},
        description="The exchange will not move the money: the check's hold stops counting "
        "against the customer's limits. Releasing again (or after expiry) changes nothing; a "
        "hold whose transaction was posted cannot be released (409). {id} is the check's id "
        "(or the hold's).",
    )
    def post(self, request: Request, ref: str) -> Response:
        hold = services.release_hold(ref=ref, actor=request.actor)
        return Response(released_body(hold))


def released_body(hold) -> dict:
    return {
        **services.hold_body(hold),
        "check": str(hold.check_attempt_id),
        "status": hold.status,
        "resolved_at": hold.resolved_at.isoformat() if hold.resolved_at else None,
    }


class TransactionDetail(APIView):
    scope = "transactions"

    @extend_schema(responses={200: TransactionSerializer, 404: ERRORS[404]})
    def get(self, request: Request, ref: str) -> Response:
        tx = selectors.find_transaction(ref)
        if tx is None:
            raise Http404
        alerts = _alerts_queryset().filter(links__transaction_id=tx.pk).distinct()
        return Response(TransactionSerializer(tx, context={"alerts": alerts}).data)


class AlertList(GenericAPIView):
    required_scope = "alerts:read"
    serializer_class = AlertSerializer
    queryset = Alert.objects.none()  # for the schema; reads build their own

    @extend_schema(
        parameters=[
            OpenApiParameter("customer", str, description="The customer's id or external_id."),
            OpenApiParameter("status", str, enum=Alert.Status.values),
            OpenApiParameter("typology", str),
            OpenApiParameter("severity", str, enum=["low", "medium", "high", "critical"]),
        ],
        responses={200: AlertSerializer(many=True), 400: ERRORS[400]},
    )
    def get(self, request: Request) -> Response:
        filters = AlertFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        wanted = filters.validated_data
        alerts = _alerts_queryset()
        if "customer" in wanted:
            alerts = alerts.filter(customer_id=_customer_filter(wanted["customer"]))
        for name in ("status", "typology", "severity"):
            if name in wanted:
                alerts = alerts.filter(**{name: wanted[name]})
        page = self.paginate_queryset(alerts.order_by("-created_at"))
        return self.get_paginated_response(AlertSerializer(page, many=True).data)


class AlertDetail(APIView):
    required_scope = "alerts:read"

    @extend_schema(responses={200: AlertSerializer, 404: ERRORS[404]})
    def get(self, request: Request, pk: str) -> Response:
        try:
            alert_id = uuid.UUID(pk)
        except ValueError:
            raise Http404 from None
        alert = _alerts_queryset().filter(pk=alert_id).first()
        if alert is None:
            raise Http404
        return Response(AlertSerializer(alert).data)
