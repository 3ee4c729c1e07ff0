"""Screening API (API.md "Screening"): a name or a wallet against the active lists.

Lookups only: nothing is stored, so an exchange may call them on its own check paths; both
answer from the in-memory index without a database round trip between its refreshes.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from compliance.screening import index
from compliance.screening.api.serializers import (
    SearchInSerializer,
    SearchOutSerializer,
    WalletScreeningInSerializer,
    WalletScreeningOutSerializer,
)
from compliance.screening.matcher import Query

ERRORS = {
    400: OpenApiResponse(description='{"errors": {"field": ["message"]}, "code": "invalid"}'),
    403: OpenApiResponse(description="The API key lacks the screening scope."),
}


class ScreeningSearch(APIView):
    required_scope = "screening"

    @extend_schema(
        request=SearchInSerializer,
        responses={200: SearchOutSerializer, **ERRORS},
        summary="Screen a name against the watchlists",
    )
    def post(self, request: Request) -> Response:
        data = SearchInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        query = Query(
            name=values["name"],
            kind=values["kind"],
            date_of_birth=values.get("date_of_birth") or None,
            nationality=values.get("nationality") or None,
            id_number=values.get("id_number") or None,
        )
        matches = index.search_name(query, threshold=values.get("threshold"))
        return Response(SearchOutSerializer({"matches": matches}).data)


class WalletScreening(APIView):
    required_scope = "screening"

    @extend_schema(
        request=WalletScreeningInSerializer,
        responses={200: WalletScreeningOutSerializer, **ERRORS},
        summary="Check a wallet address against the listed addresses",
    )
    def post(self, request: Request) -> Response:
        data = WalletScreeningInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        matches = index.wallet_lookup(data.validated_data["chain"], data.validated_data["address"])
        body = {"sanctioned": bool(matches), "matches": matches}
        return Response(WalletScreeningOutSerializer(body).data)
