from __future__ import annotations

from django.conf import settings
from django.db import connection
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.serializers import WhoAmISerializer


class WhoAmI(APIView):
    """The first call an integrator makes: which key is this, and what may it do."""

    @extend_schema(responses=WhoAmISerializer)
    def get(self, request: Request) -> Response:
        api_key = request.auth
        return Response({"name": api_key.name, "scopes": list(api_key.scopes)})


def _broker_status() -> str:
    if not settings.CELERY_BROKER_URL:
        return "eager"
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


class Health(APIView):
    """Liveness for load balancers: the database and the broker answer."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(exclude=True)  # operational endpoint, not part of the v1 contract
    def get(self, request: Request) -> Response:
        result = {"status": "ok", "database": "ok", "broker": "ok"}
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception as exc:  # noqa: BLE001 - health reports any failure
            result["database"] = f"error: {exc.__class__.__name__}"
        try:
            result["broker"] = _broker_status()
        except Exception as exc:  # noqa: BLE001
            result["broker"] = f"error: {exc.__class__.__name__}"
        healthy = result["database"] == "ok" and result["broker"] in {"ok", "eager"}
        result["status"] = "ok" if healthy else "error"
        return Response(result, status=200 if healthy else 503)
