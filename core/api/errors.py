"""The one place where errors become HTTP responses, in API.md's shapes."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError, ValidationFailed


def _as_field_errors(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for field, value in detail.items():
            key = "non_field_errors" if field == "non_field_errors" else str(field)
            if isinstance(value, dict):
                for sub, messages in _as_field_errors(value).items():
                    out[f"{key}.{sub}"] = messages
            elif isinstance(value, list):
                flat: list[str] = []
                for index, item in enumerate(value):
                    if isinstance(item, dict):
                        for sub, messages in _as_field_errors(item).items():
                            out[f"{key}[{index}].{sub}"] = messages
                    else:
                        flat.append(str(item))
                if flat:
                    out[key] = flat
            else:
                out[key] = [str(value)]
        return out
    if isinstance(detail, list):
        return {"non_field_errors": [str(item) for item in detail]}
    return {"non_field_errors": [str(detail)]}


def invalid(errors: dict[str, list[str]]) -> Response:
    return Response({"errors": errors, "code": "invalid"}, status=status.HTTP_400_BAD_REQUEST)


def exception_handler(exc, context):
    if isinstance(exc, ValidationFailed):
        return invalid(exc.errors)
    if isinstance(exc, DomainError):
        body = {"code": exc.code, "detail": exc.detail, **exc.extra}
        return Response(body, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        errors = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return invalid({k: [str(m) for m in v] for k, v in errors.items()})
    if isinstance(exc, exceptions.ValidationError):
        return invalid(_as_field_errors(exc.detail))
    if isinstance(exc, exceptions.ParseError):
        return invalid({"body": [f"Malformed request body: {exc.detail}"]})
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return Response(
            {"code": "unsupported_media_type", "detail": str(exc.detail)},
            status=status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
        )
    if isinstance(exc, Http404 | exceptions.NotFound):
        return Response({"code": "not_found", "detail": "Not found."}, status=404)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        response.data = {
            "code": codes if isinstance(codes, str) else "error",
            "detail": str(exc.detail),
        }
    return response
