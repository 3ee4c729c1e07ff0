"""Travel-rule API for the exchange (scoped API keys): validate, call one service, answer."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from compliance.travel_rule import ivms101 as iv
from compliance.travel_rule import selectors
from compliance.travel_rule.api import serializers as s
from compliance.travel_rule.services import addresses, outgoing, records, wallets
from core.errors import ValidationFailed
from kyc.selectors import get_customer
from kyc.validation import COUNTRY_CODES

ERRORS = {
    400: OpenApiResponse(description='{"errors": {"field.path": ["message"]}, "code": "invalid"}'),
    404: OpenApiResponse(description='{"code": "not_found", "detail": "..."}'),
    409: OpenApiResponse(description='{"code": "conflict", "detail": "..."}'),
}
MAX_BODY_BYTES = 256 * 1024  # a travel-rule request is a few kilobytes


def _bounded(request: Request) -> None:
    """Refuse an oversized body before parsing it (400 on ``body``, never a 500)."""
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > MAX_BODY_BYTES:
        raise ValidationFailed({"body": [f"At most {MAX_BODY_BYTES} bytes (got {length})."]})


def _ownership(data: dict | None) -> wallets.Ownership | None:
    if data is None:
        return None
    proof = data.get("proof") or {}
    return wallets.Ownership(
        is_own_wallet=data.get("is_own_wallet", True),
        owner_name=data.get("owner_name", ""),
        proof_message=proof.get("message", ""),
        proof_signature=proof.get("signature", ""),
    )


class TransferCreate(APIView):
    scope = "travel_rule"

    @extend_schema(
        request=s.TransferInSerializer,
        responses={201: s.TransferSerializer, 200: s.TransferSerializer, **ERRORS},
        summary="Prepare (and send) the travel-rule message for a withdrawal",
        description=(
            "Call before broadcasting a crypto withdrawal. `status` says whether it may proceed: "
            "`ready` (counterparty approved, or sunrise/unhosted policy allows), `not_required` "
            "(below the thresholds), `awaiting_counterparty` (TRP inquiry sent; poll "
            "`GET /travel-rule/transfers/{id}/`), `review` (held for an officer by policy) or "
            "`rejected`, with `reasons`. Repeating an `external_id` with the same body returns "
            "200 and the same transfer; a different body is 409."
        ),
    )
    def post(self, request: Request) -> Response:
        _bounded(request)
        data = s.TransferInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        transfer, created = outgoing.prepare_outgoing_transfer(
            request=outgoing.OutgoingRequest(
                external_id=v["external_id"],
                customer=v["customer"],
                asset=v["asset"].upper(),
                amount=v["amount"],
                amount_pkr=v["amount_pkr"],
                beneficiary_wallet=v["beneficiary_wallet"],
                chain=v.get("chain", ""),
                originator_wallet=v.get("originator_wallet", ""),
                fiat_values={k.upper(): x for k, x in v.get("fiat_values", {}).items()},
                beneficiary=v.get("beneficiary"),
                beneficiary_name=v.get("beneficiary_name", ""),
                counterparty_vasp=v.get("counterparty_vasp", ""),
                travel_address=v.get("travel_address", ""),
                wallet_type=v["wallet_type"],
                ownership=_ownership(v.get("ownership")),
            ),
            actor=request.actor,
        )
        return Response(s.TransferSerializer(transfer).data, status=201 if created else 200)


class TransferDetail(APIView):
    scope = "travel_rule"

    @extend_schema(
        responses={200: s.TransferSerializer, **ERRORS}, summary="A travel-rule transfer"
    )
    def get(self, request: Request, pk: str) -> Response:
        return Response(s.TransferSerializer(selectors.get_transfer(pk)).data)


class TransferConfirm(APIView):
    scope = "travel_rule"

    @extend_schema(
        request=s.ConfirmInSerializer,
        responses={200: s.TransferSerializer, **ERRORS},
        summary="Record the broadcast txid and confirm it to the counterparty (TRP)",
    )
    def post(self, request: Request, pk: str) -> Response:
        data = s.ConfirmInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        transfer = outgoing.confirm_outgoing_transfer(
            transfer=selectors.get_transfer(pk, direction="outgoing"),
            txid=data.validated_data["txid"],
            actor=request.actor,
        )
        return Response(s.TransferSerializer(transfer).data)


class TransferIvms101(APIView):
    scope = "travel_rule"

    @extend_schema(
        responses={200: OpenApiResponse(description="IVMS101 IdentityPayload JSON"), **ERRORS},
        summary="Export a transfer's IVMS101 data (national identifiers masked)",
    )
    def get(self, request: Request, pk: str) -> Response:
        return Response(selectors.get_transfer(pk).ivms101_redacted)


class Ivms101Validate(APIView):
    scope = "travel_rule"

    @extend_schema(
        request={"application/json": OpenApiTypes.OBJECT},
        responses={200: OpenApiResponse(description='{"valid": true, "ivms101": {...}}'), **ERRORS},
        parameters=[
            OpenApiParameter(
                "for_transfer",
                bool,
                description="Require both parties, "
                "their accounts and the originating VASP (default true).",
            )
        ],
        summary="Import IVMS101 JSON: validate it and return it normalized",
    )
    def post(self, request: Request) -> Response:
        _bounded(request)
        from django.utils import timezone

        for_transfer = request.query_params.get("for_transfer", "true").lower() != "false"
        try:
            payload = iv.parse(
                request.data,
                countries=COUNTRY_CODES,
                today=timezone.localdate(),
                for_transfer=for_transfer,
            )
        except iv.Ivms101Error as exc:
            raise ValidationFailed(exc.errors) from None
        return Response({"valid": True, "ivms101": payload.to_json()})


class TravelAddressCreate(APIView):
    scope = "travel_rule"

    @extend_schema(
        request=s.TravelAddressInSerializer,
        responses={201: s.TravelAddressOutSerializer, **ERRORS},
        summary="Issue a TRP Travel Address for a customer's deposit wallet",
    )
    def post(self, request: Request) -> Response:
        data = s.TravelAddressInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        address, url = addresses.issue_travel_address(
            customer=get_customer(data.validated_data["customer"]),
            wallet_address=data.validated_data.get("wallet_address", ""),
            actor=request.actor,
        )
        return Response({"travel_address": address, "url": url}, status=201)


class WalletDeclarationCreate(APIView):
    scope = "travel_rule"

    @extend_schema(
        request=s.DeclarationInSerializer,
        responses={201: s.DeclarationOutSerializer, **ERRORS},
        summary="Record a customer's unhosted-wallet ownership declaration (and proof)",
    )
    def post(self, request: Request) -> Response:
        data = s.DeclarationInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        declaration = wallets.declare_wallet(
            customer=get_customer(v["customer"]),
            chain=v["chain"],
            address=v["address"],
            ownership=_ownership(v),
            actor=request.actor,
        )
        return Response(s.DeclarationOutSerializer(declaration).data, status=201)


class RegulatorRecords(APIView):
    scope = "travel_rule"

    @extend_schema(
        parameters=[s.RecordsQuerySerializer],
        responses={
            200: OpenApiResponse(
                description="JSON {period, threshold, count, records} or CSV (output=csv)"
            ),
            **ERRORS,
        },
        summary="Sender and recipient records above the PKR threshold, per period",
    )
    def get(self, request: Request):
        query = s.RecordsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        v = query.validated_data
        if v["date_to"] < v["date_from"]:
            raise ValidationFailed({"date_to": ["Not before date_from."]})
        data = records.records(date_from=v["date_from"], date_to=v["date_to"])
        if v["output"] == "csv":
            response = HttpResponse(records.as_csv(data), content_type="text/csv; charset=utf-8")
            name = f"travel-rule-{v['date_from']}-{v['date_to']}.csv"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        return Response(data)
