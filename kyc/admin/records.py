"""Evidence around a customer (documents, verifications, versions, wallets), periodic
reviews, and the limits and review frequencies compliance may change (each change audited)."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from core import audit
from core.actors import Actor
from core.admin import NoDeleteAdmin, ReadOnlyAdmin
from kyc.models import (
    CustomerDocument,
    CustomerVersion,
    CustomerWallet,
    IdentityVerification,
    PeriodicReview,
    ReviewPolicy,
    Tier,
)
from kyc.reviews import complete_review


def _pre(data) -> str:
    return format_html("<pre style='white-space:pre-wrap'>{}</pre>", json.dumps(data, indent=2))


def document_url(document: CustomerDocument) -> str:
    return reverse("admin:kyc_customerdocument_file", args=[document.pk])


@admin.register(CustomerDocument)
class CustomerDocumentAdmin(ReadOnlyAdmin):
    list_display = ("customer", "kind", "content_type", "size_bytes", "created_at", "view_link")
    list_filter = ("kind", "content_type")
    search_fields = ("customer__external_id", "sha256")
    list_select_related = ("customer",)
    exclude = ("file",)
    readonly_fields = ("view_link",)

    @admin.display(description="File")
    def view_link(self, obj):
        return format_html('<a href="{}" target="_blank">view</a>', document_url(obj))

    def get_urls(self):
        extra = [
            path(
                "<uuid:pk>/file/",
                self.admin_site.admin_view(self.file_view),
                name="kyc_customerdocument_file",
            )
        ]
        return extra + super().get_urls()

    def file_view(self, request, pk):
        """Stream the stored file to an officer allowed to view documents; audited."""
        document = get_object_or_404(CustomerDocument.objects.select_related("customer"), pk=pk)
        if not self.has_view_permission(request, document):
            raise PermissionDenied
        audit.record(
            actor=Actor.for_user(request.user),
            action="customer.document_viewed",
            obj=document.customer,
            after={"document": str(document.pk), "kind": document.kind},
        )
        response = FileResponse(document.file.open("rb"), content_type=document.content_type)
        response["Content-Disposition"] = f'inline; filename="{document.kind}.{document.extension}"'
        response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
        return response


@admin.register(IdentityVerification)
class IdentityVerificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "customer", "provider", "result_code")
    list_filter = ("result_code", "provider")
    search_fields = ("customer__external_id", "reference")
    list_select_related = ("customer",)
    readonly_fields = ("raw_view",)

    @admin.display(description="Raw response")
    def raw_view(self, obj):
        return _pre(obj.raw_response)


@admin.register(CustomerVersion)
class CustomerVersionAdmin(ReadOnlyAdmin):
    list_display = ("customer", "version", "changed_at", "actor_label")
    search_fields = ("customer__external_id",)
    list_select_related = ("customer",)


@admin.register(CustomerWallet)
class CustomerWalletAdmin(ReadOnlyAdmin):
    list_display = ("customer", "chain", "address", "created_at")
    list_filter = ("chain",)
    search_fields = ("address", "customer__external_id")


class CompleteReviewForm(forms.Form):
    outcome = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "cols": 80}))


@admin.register(PeriodicReview)
class PeriodicReviewAdmin(ReadOnlyAdmin):
    list_display = ("customer", "trigger", "status", "due_date", "overdue", "completed_at")
    list_filter = ("status", "trigger", "due_date")
    search_fields = ("customer__external_id",)
    list_select_related = ("customer",)
    actions = ["complete_selected"]

    @admin.display(boolean=True)
    def overdue(self, obj):
        return obj.is_overdue

    def has_change_permission(self, request, obj=None) -> bool:
        # Needed for the completion action; the fields themselves stay read-only.
        return request.user.has_perm("kyc.change_periodicreview")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    @admin.action(description="Complete selected reviews…", permissions=["change"])
    def complete_selected(self, request, queryset):
        form = CompleteReviewForm(request.POST if "outcome" in request.POST else None)
        if form.is_valid():
            actor = Actor.for_user(request.user)
            for review in queryset.filter(status=PeriodicReview.Status.OPEN):
                complete_review(review=review, actor=actor, outcome=form.cleaned_data["outcome"])
            messages.success(request, "Reviews completed; next reviews scheduled.")
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Complete reviews: record the outcome",
            "opts": self.model._meta,
            "form": form,
            "queryset": queryset,
            "action": "complete_selected",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/kyc/periodicreview/complete.html", context)


class AuditedDataAdmin(NoDeleteAdmin):
    """Limits and review frequencies are compliance settings: every change is audited."""

    def save_model(self, request, obj, form, change):
        before = {f: form.initial.get(f) for f in form.changed_data} if change else None
        super().save_model(request, obj, form, change)
        audit.record(
            actor=Actor.for_user(request.user),
            action=f"{obj._meta.model_name}.changed" if change else f"{obj._meta.model_name}.added",
            obj=obj,
            before=before,
            after={f: form.cleaned_data.get(f) for f in form.changed_data},
        )


@admin.register(Tier)
class TierAdmin(AuditedDataAdmin):
    list_display = (
        "name",
        "code",
        "rank",
        "per_transaction_limit_pkr",
        "daily_limit_pkr",
        "monthly_limit_pkr",
    )


@admin.register(ReviewPolicy)
class ReviewPolicyAdmin(AuditedDataAdmin):
    list_display = ("risk_level", "review_months", "id_expiry_notice_days")
