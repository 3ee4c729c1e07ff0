from __future__ import annotations

from rest_framework import permissions
from rest_framework.request import Request


class HasScope(permissions.BasePermission):
    """The view names its scope (``scope = "customers"``); reads need ``:read``, writes ``:write``.

    A view may set ``required_scope`` to name the exact scope instead (e.g. ``"screening"``).
    """

    message = "This API key lacks the scope this endpoint needs."

    def has_permission(self, request: Request, view) -> bool:
        api_key = request.auth
        if api_key is None:
            return False
        required = getattr(view, "required_scope", None)
        if required is None:
            scope = getattr(view, "scope", None)
            if scope is None:
                return True  # authenticated-only endpoints such as whoami
            suffix = "read" if request.method in permissions.SAFE_METHODS else "write"
            required = f"{scope}:{suffix}"
        view.checked_scope = required
        return api_key.has_scope(required)
