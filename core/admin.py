from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html

from core import api_keys, audit
from core.actors import Actor

# Re-exported: admin modules have long imported these two from here.
from core.admin_base import NoDeleteAdmin, ReadOnlyAdmin, TabularInline
from core.models import (
    ApiKey,
    AuditEvent,
    ClosureDate,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "occurred_at", "actor_label", "action", "object_type", "object_repr")
    list_filter = ("action", "actor_type", "object_type")
    search_fields = ("action", "actor_label", "object_id", "object_repr", "reason", "request_id")
    date_hierarchy = "occurred_at"
    list_per_page = 100

    def get_urls(self):
        verify = self.admin_site.admin_view(self.verify_view)
        return [
            path("verify/", verify, name="core_auditevent_verify"),
            *super().get_urls(),
        ]

    def verify_view(self, request):
        """Recompute the hash chain, as ``manage.py verify_audit_chain`` does (read-only)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        report = audit.verify_chain()
        context = {
            **self.admin_site.each_context(request),
            "title": "Audit chain",
            "opts": self.model._meta,
            "report": report,
        }
        return TemplateResponse(request, "admin/core/auditevent/verify.html", context)


@admin.register(ApiKey)
class ApiKeyAdmin(NoDeleteAdmin):
    list_display = ("name", "prefix", "scopes", "created_at", "last_used_at", "revoked_at")
    readonly_fields = (
        "prefix",
        "key_hash",
        "created_at",
        "last_used_at",
        "revoked_at",
        "created_by",
    )
    fields = ("name", "scopes", *readonly_fields)
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False  # keys are created with `manage.py create_api_key`, which prints them once

    @admin.action(description="Revoke selected keys")
    def revoke(self, request, queryset):
        for api_key in queryset:
            api_keys.revoke_api_key(api_key=api_key, actor=Actor.for_user(request.user))
        messages.success(request, f"Revoked {queryset.count()} key(s).")


class WebhookAttemptInline(TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("attempted_at", "status_code", "error", "duration_ms")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(NoDeleteAdmin):
    list_display = ("name", "url", "is_active", "event_types")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "event_type",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
    )
    list_filter = ("status", "event_type")
    inlines = [WebhookAttemptInline]
    readonly_fields = ("pretty_body",)

    @admin.display(description="Body")
    def pretty_body(self, obj):
        return format_html("<pre>{}</pre>", obj.body)


@admin.register(ClosureDate)
class ClosureDateAdmin(NoDeleteAdmin):
    """Announced closures: case SLAs and filing deadlines both skip these days."""

    list_display = ("date", "description")
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        before = {f: form.initial.get(f) for f in form.changed_data} if change else None
        super().save_model(request, obj, form, change)
        audit.record(
            actor=Actor.for_user(request.user),
            action=f"core.closuredate.{'changed' if change else 'added'}",
            obj=obj,
            before=before,
            after={f: str(form.cleaned_data.get(f)) for f in form.changed_data},
        )
