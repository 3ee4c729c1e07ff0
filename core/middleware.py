"""Request id for the audit trail, and two-factor enforcement for privileged staff."""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-Id", "")[:64]
        request_id = incoming or uuid.uuid4().hex
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-Id"] = request_id
        return response


def requires_two_factor(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    required = set(settings.TWO_FACTOR_REQUIRED_GROUPS)
    return user.groups.filter(name__in=required).exists()


class EnforceTwoFactorMiddleware:
    """MLRO and Admin sessions without a verified TOTP device are logged out of the admin."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and request.path.startswith("/admin/")
            and not request.path.startswith("/admin/login/")
            and user.is_authenticated
            and not user.is_verified()
            and requires_two_factor(user)
        ):
            logout(request)
            return redirect(f"/admin/login/?next={request.path}")
        return self.get_response(request)
