from __future__ import annotations

from django.db import connection
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import heartbeats
from core.api.serializers import WhoAmISerializer


class WhoAmI(APIView):
    """The first call an integrator makes: which key is this, and what may it do."""

    @extend_schema(responses=WhoAmISerializer)
    def get(self, request: Request) -> Response:
        api_key = request.auth
        return Response({"name": api_key.name, "scopes": list(api_key.scopes)})


def _broker_status() -> str:
    from celery import current_app

    with current_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


def _database_status() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


class Health(APIView):
    """Database, broker, worker (heartbeat) and beat (last tick); 503 names what is down."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(exclude=True)  # operational endpoint, not part of the v1 contract
    def get(self, request: Request) -> Response:
        result = {"status": "ok"}
        for name, probe in (("database", _database_status), ("broker", _broker_status)):
            try:
                result[name] = probe()
            except Exception as exc:  # noqa: BLE001 - health reports any failure
                result[name] = f"error: {exc.__class__.__name__}"
        for kind in (heartbeats.WORKER, heartbeats.BEAT):
            try:
                result[kind] = "ok" if heartbeats.alive(kind) else "down"
            except Exception as exc:  # noqa: BLE001
                result[kind] = f"error: {exc.__class__.__name__}"
        down = [name for name, value in result.items() if name != "status" and value != "ok"]
        if down:
            result["status"] = "error"
            result["down"] = down
        return Response(result, status=503 if down else 200)
