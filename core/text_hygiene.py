"""Text the platform refuses: NUL bytes and lone surrogates, in any input, with a clear 400.

PostgreSQL text cannot hold a NUL byte, and a lone UTF-16 surrogate (``"\\ud800"`` in JSON) is
not a character at all: let through, either one turned a write or a look-up into a 500. They
are refused where requests come in: the path and query string (``TextHygieneMiddleware``),
form fields of API uploads, and every string and key of a JSON body (``core.api.parsers``),
each with the field it was found in. JSON bodies are also bounded in size (413) and nesting
depth (400), so a deeply nested body cannot exhaust the parser's recursion.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

_BAD = re.compile("[\x00\ud800-\udfff]")
MESSAGE = "Contains a NUL byte or an unpaired surrogate, which are not text."


def is_bad(text: str) -> bool:
    return bool(_BAD.search(text))


def bad_fields(data: Any, *, max_depth: int) -> tuple[dict[str, list[str]], bool]:
    """Field path -> messages for every bad string or key in a parsed JSON value, and whether
    the value nests deeper than ``max_depth`` (walked without recursion)."""
    errors: dict[str, list[str]] = {}
    stack: list[tuple[str, Any, int]] = [("", data, 1)]
    while stack:
        path, value, depth = stack.pop()
        if depth > max_depth:
            return errors, True
        if isinstance(value, str):
            if is_bad(value):
                errors[path or "body"] = [MESSAGE]
        elif isinstance(value, dict):
            for key, item in value.items():
                name = f"{path}.{key}" if path else str(key)
                if is_bad(str(key)):
                    errors[(path or "body")] = [MESSAGE]
                    continue
                stack.append((name, item, depth + 1))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", item, depth + 1) for i, item in enumerate(value))
    return errors, False


def _invalid(errors: dict[str, list[str]]) -> JsonResponse:
    return JsonResponse({"errors": errors, "code": "invalid"}, status=400)


def _bad_params(items: Iterable[tuple[str, list[str]]]) -> dict[str, list[str]]:
    return {
        key if not is_bad(key) else "query": [MESSAGE]
        for key, values in items
        if is_bad(key) or any(is_bad(v) for v in values)
    }


class TextHygieneMiddleware:
    """400 before any view runs when the path, the query string or an API form field is bad."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_bad(request.path_info) or is_bad(request.path):
            return _invalid({"path": [MESSAGE]})
        if errors := _bad_params(request.GET.lists()):
            return _invalid(errors)
        content_type = request.content_type or ""
        if (
            request.path_info.startswith("/api/")
            and content_type
            in (
                "multipart/form-data",
                "application/x-www-form-urlencoded",
            )
            and (errors := _bad_params(request.POST.lists()))
        ):
            return _invalid(errors)
        return self.get_response(request)
