"""Shared by the rule-quality admin pages."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse

from core.errors import DomainError, ValidationFailed

VIEW_PERMISSION = "monitoring.view_rule"


def report(request: HttpRequest, exc: DomainError) -> None:
    if isinstance(exc, ValidationFailed):
        text = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.errors.items())
    else:
        text = exc.detail or str(exc)
    messages.error(request, text)


def page(request: HttpRequest, template: str, title: str, **context) -> TemplateResponse:
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied
    return TemplateResponse(
        request,
        template,
        {**admin.site.each_context(request), "title": title, **context},
    )
