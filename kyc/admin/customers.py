"""The officers' customer file: queues, the customer page, decisions with reasons.

Profiles are read-only here (changes come from the exchange and are versioned); officers act
through decisions (approve, reject, request information, send to review), each on a form that
requires a reason and calls the service, which writes the audit trail. ID numbers are masked;
users holding ``kyc.reveal_id_number`` may reveal one, and each reveal is audited.

Deciding here and on compliance's onboarding-assessment pages agree: the approve and reject
services announce an officer's decision (``kyc.signals.customer_decided``), and compliance
closes the assessment still in review with it; approval first runs the guards compliance
registers with kyc (``register_approval_guard``), so a customer with an undecided screening
hit is refused here as it is there. kyc imports nothing of compliance for either.
"""

from __future__ import annotations

import json
from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from core import audit
from core.actors import Actor
from core.admin import NoDeleteAdmin
from core.admin_base import TabularInline
from core.errors import DomainError
from kyc import services
from kyc.admin.records import document_url
from kyc.models import (
    BeneficialOwner,
    Customer,
    CustomerDocument,
    CustomerVersion,
    CustomerWallet,
    IdentityVerification,
    PeriodicReview,
    RiskLevel,
    Tier,
)

DECISIONS = {
    # name: (label, service, permission needed)
    "approve": ("Approve", services.approve_customer, "kyc.change_customer"),
    "reject": ("Reject", services.reject_customer, "kyc.change_customer"),
    "request_information": (
        "Request information",
        services.request_information,
        "kyc.change_customer",
    ),
    "send_to_review": ("Send to review", services.send_to_review, "kyc.change_customer"),
}
# Freezing and lifting a freeze are case decisions with four eyes (compliance's case admin).


class DecisionForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text="Recorded in the audit trail. For an information request this text is sent "
        "to the exchange: say what is needed, never why.",
    )
    tier = forms.ModelChoiceField(
        queryset=Tier.objects.all(),
        required=False,
        to_field_name="code",
        help_text="Approval only; defaults to Standard.",
    )


class OverdueReviewFilter(admin.SimpleListFilter):
    title = "periodic review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue"), ("due_30", "Due within 30 days")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.filter(next_review_due__lt=today)
        if self.value() == "due_30":
            return queryset.filter(next_review_due__range=(today, today + timedelta(days=30)))
        return queryset


class ReadOnlyInline(TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class BeneficialOwnerInline(ReadOnlyInline):
    model = BeneficialOwner
    fields = (
        "full_name",
        "id_type",
        "id_number_masked",
        "date_of_birth",
        "nationality",
        "ownership_pct",
        "is_pep_declared",
        "removed_at",
    )
    readonly_fields = fields


class VersionInline(ReadOnlyInline):
    model = CustomerVersion
    verbose_name_plural = "profile history (versions)"
    fields = ("version", "changed_at", "actor_label", "reason", "changes_view")
    readonly_fields = fields

    @admin.display(description="What changed")
    def changes_view(self, obj):
        return format_html_join(
            "",
            "<div><b>{}</b>: {} → {}</div>",
            ((k, json.dumps(v[0]), json.dumps(v[1])) for k, v in sorted(obj.changes.items())),
        )


class DocumentInline(ReadOnlyInline):
    model = CustomerDocument
    fields = ("kind", "content_type", "size_bytes", "sha256", "created_at", "view_link")
    readonly_fields = fields

    @admin.display(description="File")
    def view_link(self, obj):
        return format_html('<a href="{}" target="_blank">view</a>', document_url(obj))


class VerificationInline(ReadOnlyInline):
    model = IdentityVerification
    fields = ("created_at", "provider", "result_code", "matched_fields", "reference")
    readonly_fields = fields


class WalletInline(ReadOnlyInline):
    model = CustomerWallet
    fields = ("chain", "address", "label", "created_at")
    readonly_fields = fields


class ReviewInline(ReadOnlyInline):
    model = PeriodicReview
    fields = ("trigger", "status", "due_date", "detail", "completed_at", "outcome")
    readonly_fields = fields


@admin.register(Customer)
class CustomerAdmin(NoDeleteAdmin):
    list_display = (
        "external_id",
        "display_name",
        "customer_type",
        "status",
        "risk_level",
        "risk_score",
        "tier",
        "is_pep_declared",
        "next_review_due",
        "created_at",
    )
    list_filter = (
        "status",
        "risk_level",
        "customer_type",
        "is_pep_declared",
        "tier",
        OverdueReviewFilter,
        "id_type",
    )
    search_fields = ("external_id", "full_name", "legal_name", "mobile", "email", "ntn")
    list_select_related = ("tier",)
    date_hierarchy = "created_at"
    actions = ["approve_selected", "reject_selected", "request_information_selected"]
    inlines = [
        BeneficialOwnerInline,
        VerificationInline,
        DocumentInline,
        WalletInline,
        ReviewInline,
        VersionInline,
    ]
    fieldsets = (
        ("Status", {"fields": ("external_id", "customer_type", "status", "status_reason",
                               "risk_level", "risk_score", "tier", "limits_view",
                               "next_review_due", "submitted_at", "approved_at",
                               "information_request", "version")}),
        ("Individual", {"fields": ("full_name", "father_or_spouse_name", "mother_maiden_name",
                                   "date_of_birth", "place_of_birth", "gender", "nationality",
                                   "country_of_residence", "id_type", "id_number_view",
                                   "id_issue_date", "id_expiry_date", "mobile", "email",
                                   "permanent_address", "present_address", "occupation",
                                   "source_of_funds", "purpose_of_account",
                                   "expected_monthly_turnover_pkr", "is_pep_declared",
                                   "pep_details", "is_us_person", "tax_residencies")}),
        ("Legal entity", {"fields": ("legal_name", "entity_type", "registration_number", "ntn",
                                     "incorporation_date", "country_of_incorporation",
                                     "registered_address", "business_activity")}),
        ("Decisions and events (audit trail)", {"fields": ("decisions_view",)}),
    )  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        return [f for fs in self.fieldsets for f in fs[1]["fields"]]

    def has_add_permission(self, request) -> bool:
        return False  # customers come from the exchange through the API

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("tier")

    # ---- display

    @admin.display(description="Limits (PKR)")
    def limits_view(self, obj):
        limits = obj.limits
        return format_html(
            "per transaction {} · daily {} · monthly {}",
            limits["per_transaction_pkr"],
            limits["daily_pkr"],
            limits["monthly_pkr"],
        )

    @admin.display(description="ID number (masked)")
    def id_number_view(self, obj):
        return obj.id_number_masked

    @admin.display(description="Decisions")
    def decisions_view(self, obj):
        events = audit.events_for(obj).order_by("-id")[:100]
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    timezone.localtime(e.occurred_at).strftime("%Y-%m-%d %H:%M"),
                    e.actor_label,
                    e.action,
                    e.reason,
                )
                for e in events
            ),
        )
        return format_html(
            "<table><tr><th>When (PKT)</th><th>Who</th><th>What</th><th>Reason</th></tr>{}</table>",
            rows,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        customer = self.get_object(request, object_id)
        extra_context = extra_context or {}
        extra_context["decisions"] = (
            [
                (
                    name,
                    label,
                    reverse("admin:kyc_customer_decide", args=[name]) + f"?ids={object_id}",
                )
                for name, (label, _, perm) in DECISIONS.items()
                if request.user.has_perm(perm)
            ]
            if customer is not None
            else []
        )
        if customer is not None and request.user.has_perm("kyc.reveal_id_number"):
            extra_context["reveal_url"] = reverse("admin:kyc_customer_reveal", args=[customer.pk])
        extra_context.update(
            show_save=False,
            show_save_and_continue=False,
            show_save_and_add_another=False,
            show_delete=False,
        )
        return super().change_view(request, object_id, form_url, extra_context)

    # ---- decisions

    def get_urls(self):
        extra = [
            path(
                "decide/<str:decision>/",
                self.admin_site.admin_view(self.decide_view),
                name="kyc_customer_decide",
            ),
            path(
                "<uuid:pk>/reveal/",
                self.admin_site.admin_view(self.reveal_view),
                name="kyc_customer_reveal",
            ),
        ]
        return extra + super().get_urls()

    def _redirect_to_decision(self, decision: str, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        return HttpResponseRedirect(
            reverse("admin:kyc_customer_decide", args=[decision]) + f"?ids={ids}"
        )

    @admin.action(description="Approve selected customers…", permissions=["change"])
    def approve_selected(self, request, queryset):
        return self._redirect_to_decision("approve", queryset)

    @admin.action(description="Reject selected customers…", permissions=["change"])
    def reject_selected(self, request, queryset):
        return self._redirect_to_decision("reject", queryset)

    @admin.action(
        description="Request information from selected customers…", permissions=["change"]
    )
    def request_information_selected(self, request, queryset):
        return self._redirect_to_decision("request_information", queryset)

    def decide_view(self, request: HttpRequest, decision: str):
        if decision not in DECISIONS:
            raise PermissionDenied
        label, service, permission = DECISIONS[decision]
        if not request.user.has_perm(permission):
            raise PermissionDenied
        ids = [i for i in (request.POST.get("ids") or request.GET.get("ids", "")).split(",") if i]
        customers = list(Customer.objects.filter(pk__in=ids).select_related("tier"))
        form = DecisionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            actor = Actor.for_user(request.user)
            done = 0
            for customer in customers:
                try:
                    self._decide(decision, service, customer, actor, form.cleaned_data)
                    done += 1
                except DomainError as exc:
                    messages.error(request, f"{customer.external_id}: {exc.detail or exc}")
            if done:
                messages.success(request, f"{label}: {done} customer(s), reason recorded.")
            if len(customers) == 1:
                return HttpResponseRedirect(
                    reverse("admin:kyc_customer_change", args=[customers[0].pk])
                )
            return HttpResponseRedirect(reverse("admin:kyc_customer_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": f"{label}: give the reason",
            "opts": self.model._meta,
            "form": form,
            "customers": customers,
            "decision": decision,
            "decision_label": label,
            "ids": ",".join(ids),
        }
        return TemplateResponse(request, "admin/kyc/customer/decide.html", context)

    @staticmethod
    def _decide(decision, service, customer, actor, data) -> None:
        reason = data["reason"]
        if decision == "approve":
            needs_mlro = customer.risk_level in (RiskLevel.HIGH, RiskLevel.PROHIBITED) or (
                customer.is_pep_declared
            )
            if needs_mlro:
                raise DomainError(
                    "high-risk and PEP customers are approved through the onboarding "
                    "assessment (EDD and MLRO approval by a second officer)"
                )
            service(customer=customer, actor=actor, tier=data.get("tier"), reason=reason)
        else:
            service(customer=customer, actor=actor, reason=reason)

    def reveal_view(self, request: HttpRequest, pk):
        if not request.user.has_perm("kyc.reveal_id_number"):
            raise PermissionDenied
        customer = get_object_or_404(Customer, pk=pk)
        audit.record(
            actor=Actor.for_user(request.user),
            action="customer.id_number_revealed",
            obj=customer,
            reason=request.GET.get("reason", "viewed in the officer admin"),
        )
        context = {
            **self.admin_site.each_context(request),
            "title": f"ID number of {customer.display_name}",
            "opts": self.model._meta,
            "customer": customer,
            "id_number": customer.id_number,
            "owners": [(o.full_name, o.id_number) for o in customer.current_beneficial_owners],
        }
        return TemplateResponse(request, "admin/kyc/customer/reveal.html", context)
