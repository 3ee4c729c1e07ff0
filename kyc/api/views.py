"""Customers API (API.md "Customers (KYC)"): validate, call one service, answer."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kyc import selectors, services
from kyc.api.serializers import (
    CustomerFilterSerializer,
    CustomerInSerializer,
    CustomerOutSerializer,
    CustomerPatchSerializer,
    DocumentSerializer,
    DocumentUploadSerializer,
    WalletInSerializer,
    WalletSerializer,
)
from kyc.models import Customer, RiskLevel

ERRORS = {
    400: OpenApiResponse(description='{"errors": {"field": ["message"]}, "code": "invalid"}'),
    404: OpenApiResponse(description='{"code": "not_found", "detail": "..."}'),
    409: OpenApiResponse(description='{"code": "conflict", "detail": "...", ...}'),
}


# API.md: "lookups accept either" the customer's UUID or the exchange's external_id.
CUSTOMER_ID = OpenApiParameter(
    "id",
    str,
    OpenApiParameter.PATH,
    description="The customer's id (UUID) or the exchange's external_id.",
)


def _customer_out(customer: Customer) -> dict:
    return CustomerOutSerializer(customer).data


def _fresh(customer: Customer) -> Customer:
    return selectors.get_customer(customer.pk)


class CustomerList(GenericAPIView):
    scope = "customers"
    serializer_class = CustomerOutSerializer
    queryset = Customer.objects.none()  # for the schema; reads go through the selector

    @extend_schema(
        parameters=[
            OpenApiParameter("external_id", str),
            OpenApiParameter("status", str, enum=Customer.Status.values),
            OpenApiParameter("risk_level", str, enum=RiskLevel.values),
            OpenApiParameter("customer_type", str, enum=["individual", "entity"]),
        ],
        responses={200: CustomerOutSerializer(many=True), 400: ERRORS[400]},
    )
    def get(self, request: Request) -> Response:
        filters = CustomerFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        customers = selectors.list_customers(**filters.validated_data)
        page = self.paginate_queryset(customers)
        return self.get_paginated_response(CustomerOutSerializer(page, many=True).data)

    @extend_schema(
        request=CustomerInSerializer,
        responses={
            201: CustomerOutSerializer,
            200: OpenApiResponse(CustomerOutSerializer, "A retry of an earlier identical POST."),
            400: ERRORS[400],
            409: OpenApiResponse(
                description="external_id reused with a different body, or the ID number "
                'belongs to a live customer: {"code": "conflict", "detail": "...", '
                '"existing_external_id": "U-1"}'
            ),
        },
    )
    def post(self, request: Request) -> Response:
        body = CustomerInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        customer, created = services.get_or_create_customer(
            actor=request.actor, data=body.validated_data
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(_customer_out(_fresh(customer)), status=code)


class CustomerDetail(APIView):
    scope = "customers"

    @extend_schema(
        parameters=[CUSTOMER_ID], responses={200: CustomerOutSerializer, 404: ERRORS[404]}
    )
    def get(self, request: Request, id: str) -> Response:
        customer = selectors.get_customer(id)
        return Response(_customer_out(customer))

    @extend_schema(
        parameters=[CUSTOMER_ID],
        request=CustomerPatchSerializer,
        responses={200: CustomerOutSerializer, **ERRORS},
        description="Profile changes are versioned; a change to a screened field rescreens.",
    )
    def patch(self, request: Request, id: str) -> Response:
        customer = selectors.get_customer(id)
        body = CustomerPatchSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        services.update_customer(
            customer=customer, actor=request.actor, changes=body.validated_data
        )
        return Response(_customer_out(_fresh(customer)))


class CustomerDocuments(APIView):
    scope = "customers"
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        parameters=[CUSTOMER_ID], responses={200: DocumentSerializer(many=True), 404: ERRORS[404]}
    )
    def get(self, request: Request, id: str) -> Response:
        customer = selectors.get_customer(id)
        return Response(DocumentSerializer(customer.documents.all(), many=True).data)

    @extend_schema(
        parameters=[CUSTOMER_ID],
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={201: DocumentSerializer, 200: DocumentSerializer, **ERRORS},
        description="JPEG, PNG or PDF, size-limited; the type is sniffed from the content. "
        "The same file and kind uploaded again returns the stored document (200).",
    )
    def post(self, request: Request, id: str) -> Response:
        customer = selectors.get_customer(id)
        body = DocumentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        document, created = services.upload_document(
            customer=customer,
            actor=request.actor,
            kind=body.validated_data["kind"],
            file=upload,
            original_name=getattr(upload, "name", ""),
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(DocumentSerializer(document).data, status=code)


class CustomerSubmit(APIView):
    scope = "customers"

    @extend_schema(
        parameters=[CUSTOMER_ID],
        request=None,
        responses={202: CustomerOutSerializer, 404: ERRORS[404], 409: ERRORS[409]},
        description="Starts verification, screening and risk scoring in the background.",
    )
    def post(self, request: Request, id: str) -> Response:
        customer = selectors.get_customer(id)
        services.submit_customer(customer=customer, actor=request.actor)
        return Response(_customer_out(_fresh(customer)), status=status.HTTP_202_ACCEPTED)


class CustomerWallets(APIView):
    scope = "customers"

    @extend_schema(
        parameters=[CUSTOMER_ID], responses={200: WalletSerializer(many=True), 404: ERRORS[404]}
    )
    def get(self, request: Request, id: str) -> Response:
        customer = selectors.get_customer(id)
        return Response(WalletSerializer(customer.wallets.all(), many=True).data)

    @extend_schema(
        parameters=[CUSTOMER_ID],
        request=WalletInSerializer,
        responses={201: WalletSerializer, 200: WalletSerializer, **ERRORS},
        description="Registers a self-hosted wallet (screened); registering it again is a 200.",
    )
    def post(self, request: Request, id: str) -> Response:
        customer = selectors.get_customer(id)
        body = WalletInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        wallet, created = services.register_wallet(
            customer=customer, actor=request.actor, **body.validated_data
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(WalletSerializer(wallet).data, status=code)
