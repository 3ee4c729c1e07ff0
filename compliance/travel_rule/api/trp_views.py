"""The TRP endpoints counterparties call (TRP 3.1.0). No API key: VASPs authenticate with
mutual TLS at the edge and with their message signature here (``signature`` header, checked
against the key in our VASP directory). Answers carry our signature over the same request."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from compliance.travel_rule import conf
from compliance.travel_rule.protocols import signing, trp
from compliance.travel_rule.services import incoming
from core.errors import DomainError, ValidationFailed

MAX_BODY_BYTES = 256 * 1024


def _headers(request: HttpRequest) -> dict[str, str]:
    return {k.lower(): v for k, v in request.headers.items()}


def _respond(request: HttpRequest, status: int, body: dict | None) -> HttpResponse:
    raw = json.dumps(body).encode() if body is not None else b""
    response = HttpResponse(raw, status=status, content_type="application/json")
    request_id = request.headers.get("request-identifier", "")
    response["api-version"] = trp.API_VERSION
    response["request-identifier"] = request_id
    response[signing.HEADER] = signing.sign(
        conf.signing_key(), conf.self_code(), trp.RESPONSE_METHOD, request.path, request_id, raw
    )
    return response


@method_decorator(csrf_exempt, name="dispatch")
class _TrpView(View, ABC):
    """A TRP endpoint: bounded body, our signature on every answer; ``handle`` says what."""

    http_method_names = ["post"]

    @abstractmethod
    def handle(self, request: HttpRequest, body: bytes, **kwargs) -> tuple[int, dict | None]:
        """The answer's status and body for this endpoint."""

    def post(self, request: HttpRequest, **kwargs) -> HttpResponse:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > MAX_BODY_BYTES:
            return _respond(
                request,
                413,
                {"errors": {"body": [f"At most {MAX_BODY_BYTES} bytes."]}, "code": "invalid"},
            )
        try:
            status, body = self.handle(request, request.body, **kwargs)
        except ValidationFailed as exc:
            return _respond(request, 400, {"errors": exc.errors, "code": "invalid"})
        except DomainError as exc:
            return _respond(request, exc.status, {"code": exc.code, "detail": exc.detail})
        return _respond(request, status, body)


class Inquiry(_TrpView):
    def handle(self, request, body, token: str = ""):
        answer = incoming.receive_inquiry(
            token=token, headers=_headers(request), path=request.path, body=body
        )
        return answer.status, answer.body


class Callback(_TrpView):
    def handle(self, request, body, pk: str = ""):
        incoming.receive_resolution(
            transfer_id=pk, headers=_headers(request), path=request.path, body=body
        )
        return 200, {}


class Confirmation(_TrpView):
    def handle(self, request, body, pk: str = ""):
        incoming.receive_confirmation(
            transfer_id=pk, headers=_headers(request), path=request.path, body=body
        )
        return 200, {}


def identity(request: HttpRequest) -> JsonResponse:
    """TRP discoverability: who we are and the key that signs our messages."""
    return JsonResponse(
        {"name": conf.self_name(), "code": conf.self_code(), "publicKey": conf.public_key_pem()}
    )
