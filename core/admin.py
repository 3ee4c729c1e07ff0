from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html

from core import api_keys, audit, dead_letters, login_guard, outbound, webhooks
from core.actors import Actor

# Re-exported: admin modules have long imported these two from here.
from core.admin_base import NoDeleteAdmin, ReadOnlyAdmin, TabularInline
from core.models import (
    ApiKey,
    AuditEvent,
    ClosureDate,
    DeadLetter,
    LoginLockout,
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


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(max_length=500, assume_scheme="https")

    class Meta:
        model = WebhookEndpoint
        fields = ("name", "url", "event_types", "is_active")

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            outbound.resolve(url)
        except outbound.Refused as exc:
            raise forms.ValidationError(str(exc)) from None
        return url


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(NoDeleteAdmin):
    """The signing secret is made here, shown once (on creation or rotation), stored
    encrypted, and never displayed again, to any role."""

    form = WebhookEndpointForm
    list_display = ("name", "url", "is_active", "event_types", "secret_rotated_at")
    readonly_fields = ("secret_rotated_at", "previous_secret_until")
    actions = ["rotate_secret"]

    def save_model(self, request, obj, form, change) -> None:
        made = None
        if not change:
            made = webhooks.new_secret()
            obj.secret = made
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            cancelled = webhooks.cancel_queued(obj)
            messages.info(request, f"{cancelled} queued deliveries cancelled.")
        if made:
            messages.warning(request, f"Signing secret (shown once, copy it now): {made}")

    @admin.action(description="Rotate the signing secret", permissions=["change"])
    def rotate_secret(self, request, queryset):
        for endpoint in queryset:
            new = webhooks.rotate_secret(endpoint, actor=Actor.for_user(request.user))
            messages.warning(
                request,
                f"{endpoint.name}: new signing secret (shown once, copy it now): {new}. "
                f"The previous one also signs for {settings.WEBHOOK_SECRET_OVERLAP_HOURS:g} h.",
            )


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


@admin.register(DeadLetter)
class DeadLetterAdmin(ReadOnlyAdmin):
    """Items set aside by a batch task: what failed and why; retry puts them back."""

    list_display = ("last_failed_at", "kind", "item_id", "status", "attempts", "error")
    list_filter = ("status", "kind")
    search_fields = ("item_id", "error")
    readonly_fields = (
        "kind",
        "item_id",
        "status",
        "error",
        "details",
        "attempts",
        "created_at",
        "last_failed_at",
        "retried_at",
        "retried_by",
    )
    actions = ["retry"]

    @admin.action(description="Retry selected items", permissions=["change"])
    def retry(self, request, queryset):
        done = dead_letters.retry(list(queryset), actor=Actor.for_user(request.user))
        messages.success(request, f"{done} item(s) sent back to their pipeline.")

    def has_change_permission(self, request, obj=None) -> bool:
        # The action needs it; the form stays read-only (every field is in readonly_fields).
        return request.user.has_perm("core.change_deadletter")


@admin.register(LoginLockout)
class LoginLockoutAdmin(ReadOnlyAdmin):
    list_display = ("attempt_time", "username", "ip_address", "failures_since_start")
    search_fields = ("username", "ip_address")
    fields = ("username", "ip_address", "user_agent", "failures_since_start", "attempt_time")
    readonly_fields = fields
    actions = ["unlock"]

    @admin.action(description="Unlock (clear the failures)", permissions=["change"])
    def unlock(self, request, queryset):
        login_guard.unlock(list(queryset), actor=Actor.for_user(request.user))
        messages.success(request, "Unlocked.")

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("core.change_loginlockout")


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
