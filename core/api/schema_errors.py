"""The error answers every operation can give, written into the OpenAPI document.

drf-spectacular documents the success answers a view declares; the errors come from one place
(``core.api.errors``) and apply everywhere, so they are added here, after generation, to every
operation that does not document them itself: an exchange that generates its client from the
document then knows each status it may get, and its body.
"""

from __future__ import annotations

ERROR_SCHEMA = {
    "type": "object",
    "description": "`code` names the error; `detail` says it for people; a 400 from field "
    "validation carries `errors`: field path -> messages.",
    "properties": {
        "code": {"type": "string"},
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "additionalProperties": True,
}
COMMON = {
    "400": "Invalid input (field messages in `errors`), or a malformed body.",
    "401": "No API key, or an unknown or revoked one.",
    "403": "The key lacks the scope this operation needs.",
    "404": "No such object (or page).",
    "413": "The request body is larger than the limit.",
    "415": "The body is not in a media type this operation accepts.",
    "429": "Over the API key's rate limit; retry after `Retry-After` seconds.",
}
WRITES = {"409": "Conflicts with the current state (a reused external_id, a transition)."}
HEADERS = {
    "429": {
        "Retry-After": {
            "schema": {"type": "integer"},
            "description": "Seconds until the key may call again.",
        }
    }
}


def add_error_responses(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR_SCHEMA)
    # Request bodies are strict: a field the contract does not know is refused (400), so the
    # document says that no other property is allowed.
    for name, component in components.items():
        if name.endswith("Request") and component.get("type") == "object":
            component.setdefault("additionalProperties", False)
    reference = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            wanted = dict(COMMON)
            if method != "get":
                wanted |= WRITES
            for status, description in wanted.items():
                entry = responses.setdefault(status, {"description": description})
                entry.setdefault("content", {"application/json": {"schema": reference}})
                if status in HEADERS:
                    entry.setdefault("headers", HEADERS[status])
    return result
