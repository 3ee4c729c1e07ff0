"""``GET /customers/{id}/network/`` for the exchange's own risk engine: validate, read, answer."""

from __future__ import annotations

from dataclasses import asdict

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from compliance.network import selectors
from compliance.network.api.serializers import NetworkQuerySerializer, NetworkSerializer
from kyc.selectors import get_customer


class CustomerNetwork(APIView):
    scope = "customers"

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "id", str, OpenApiParameter.PATH,
                description="The customer's id (UUID) or the exchange's external_id.",
            ),
            NetworkQuerySerializer,
        ],
        responses={
            200: NetworkSerializer,
            400: OpenApiResponse(description='{"errors": {"hops": ["..."]}, "code": "invalid"}'),
            404: OpenApiResponse(description='{"code": "not_found", "detail": "..."}'),
        },
        description="The customer's links to other customers through shared identifiers and "
        "money flows, up to `hops` customers away. Identifiers shared by "
        "NETWORK_SUPER_NODE_HOLDERS customers or more (1,000 by default) are listed but not "
        "followed; past NETWORK_MAX_NODES nodes the answer is cut and `truncated` is true.",
    )  # fmt: skip
    def get(self, request: Request, id: str) -> Response:
        query = NetworkQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        customer = get_customer(id)
        found = selectors.neighbourhood(str(customer.pk), hops=query.validated_data.get("hops"))
        body = {
            "nodes": [
                {k: v for k, v in asdict(n).items() if k != "customer_id"}
                for n in sorted(found.nodes.values(), key=lambda n: (n.hop, n.kind, n.id))
            ],
            "edges": [
                {"source": e.source, "target": e.target, "reason": e.reason, "since": e.since}
                for e in found.edges
            ],
            "truncated": found.truncated,
        }
        return Response(NetworkSerializer(body).data)
