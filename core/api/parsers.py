"""The API's JSON parser: bounded in size and depth, and refusing text that is not text."""

from __future__ import annotations

import json

from django.conf import settings
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser

from core.errors import ValidationFailed
from core.text_hygiene import bad_fields


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "request_too_large"


class CleanJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_BODY_BYTES
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and declared.isdigit() and int(declared) > limit:
            raise RequestTooLarge(f"The request body is larger than {limit} bytes.")
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise RequestTooLarge(f"The request body is larger than {limit} bytes.")
        try:
            data = json.loads(raw.decode(settings.DEFAULT_CHARSET), parse_constant=_no_constants)
        except RecursionError:
            raise exceptions.ParseError("JSON nested too deeply.") from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None
        errors, too_deep = bad_fields(data, max_depth=settings.API_MAX_JSON_DEPTH)
        if too_deep:
            raise exceptions.ParseError(
                f"JSON nested deeper than {settings.API_MAX_JSON_DEPTH} levels."
            )
        if errors:
            raise ValidationFailed(errors)
        return data


def _no_constants(name: str):
    raise ValueError(f"{name} is not a JSON number")
