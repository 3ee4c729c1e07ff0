"""Officer admin for onboarding: assessments with their risk explanation and the EDD / MLRO
decisions (each needs a reason and goes through a service), and the risk model's rows, whose
every edit needs a reason and is audited."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html, format_html_join

from compliance.onboarding import services
from compliance.onboarding.config import row_problems, save_risk_model_row, snapshot
from compliance.onboarding.models import CountryRisk, OnboardingAssessment, RiskBand, RiskFactor
from core.actors import Actor
from core.admin import NoDeleteAdmin, ReadOnlyAdmin
from core.admin_base import unfold_widgets
from core.errors import DomainError, ValidationFailed
from kyc.models import CustomerDocument

REVIEW_PERMISSION = services.REVIEW_PERMISSION
APPROVE_PERMISSION = services.APPROVE_PERMISSION


class DecisionForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text="Recorded in the audit trail with your name. Never sent to the exchange.",
    )


class EddForm(forms.Form):
    evidence = forms.CharField(
        label="Source of wealth evidence",
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text="What the wealth comes from and which evidence was seen.",
    )
    document = forms.ModelChoiceField(
        queryset=CustomerDocument.objects.none(), required=False,
        help_text="The uploaded evidence, if any.",
    )  # fmt: skip

    def __init__(self, *args, customer_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = CustomerDocument.objects.filter(customer_id=customer_id)


# name -> (label, permission, form, service call)
DECISIONS = {
    "record_edd": ("Record EDD (source of wealth)", REVIEW_PERMISSION, EddForm),
    "approve_after_edd": ("MLRO approval after EDD", APPROVE_PERMISSION, DecisionForm),
    "approve_after_review": ("Approve after review", REVIEW_PERMISSION, DecisionForm),
    "reject_after_review": ("Reject after review", REVIEW_PERMISSION, DecisionForm),
}


def _available(assessment: OnboardingAssessment) -> list[str]:
    if assessment.status != OnboardingAssessment.Status.IN_REVIEW:
        return []
    if assessment.edd_required:
        names = ["record_edd", "reject_after_review"]
        if assessment.edd_recorded:
            names.insert(1, "approve_after_edd")
        return names
    return ["approve_after_review", "reject_after_review"]


class AwaitingMlroFilter(admin.SimpleListFilter):
    title = "awaiting MLRO"
    parameter_name = "awaiting_mlro"

    def lookups(self, request, model_admin):
        return [("yes", "EDD recorded, awaiting MLRO"), ("edd", "EDD not yet recorded")]

    def queryset(self, request, queryset):
        in_edd = queryset.filter(status=OnboardingAssessment.Status.IN_REVIEW, edd_required=True)
        if self.value() == "yes":
            return in_edd.exclude(prepared_by=None).exclude(source_of_wealth="")
        if self.value() == "edd":
            return in_edd.filter(prepared_by=None)
        return queryset


@admin.register(OnboardingAssessment)
class OnboardingAssessmentAdmin(ReadOnlyAdmin):
    list_display = (
        "customer", "status", "risk_level", "risk_score", "verification_outcome",
        "edd_required", "prepared_by", "approved_by", "started_at",
    )  # fmt: skip
    list_filter = ("status", "risk_level", "edd_required", AwaitingMlroFilter, "decided_by")
    search_fields = ("customer__external_id", "customer__full_name", "customer__legal_name")
    list_select_related = ("customer", "prepared_by", "approved_by")
    date_hierarchy = "started_at"
    fieldsets = (
        (None, {"fields": ("customer_link", "status", "started_at", "completed_at")}),
        ("Identity verification", {"fields": ("verification_outcome", "verification")}),
        ("Screening", {"fields": ("screening_view",)}),
        ("Risk", {"fields": ("risk_score", "risk_level", "is_pep", "contributions_view")}),
        ("Decision", {"fields": ("decision_reason", "decided_by", "decided_at", "tier_code",
                                 "next_review_due", "actions_view")}),
        ("Enhanced due diligence", {"fields": (
            "edd_required", "source_of_wealth", "source_of_wealth_document", "prepared_by",
            "prepared_at", "approved_by", "approved_at",
        )}),
    )  # fmt: skip
    readonly_fields = (
        "customer_link", "status", "started_at", "completed_at", "verification_outcome",
        "verification", "screening_view", "risk_score", "risk_level", "is_pep",
        "contributions_view", "decision_reason", "decided_by", "decided_at", "tier_code",
        "next_review_due", "actions_view", "edd_required", "source_of_wealth",
        "source_of_wealth_document", "prepared_by", "prepared_at", "approved_by", "approved_at",
    )  # fmt: skip

    @admin.display(description="Customer")
    def customer_link(self, obj):
        try:
            url = reverse("admin:kyc_customer_change", args=[obj.customer_id])
        except NoReverseMatch:
            return str(obj.customer)
        return format_html('<a href="{}">{}</a>', url, obj.customer)

    @admin.display(description="Risk explanation (each factor's contribution)")
    def contributions_view(self, obj):
        if not obj.contributions:
            return "-"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td><b>{}</b></td><td>{}</td><td>{}</td></tr>",
            (
                (r["factor"], r["points"], r["weight"], r["score"], r["detail"], r["floor"] or "")
                for r in sorted(obj.contributions, key=lambda r: -float(r["score"]))
            ),
        )
        return format_html(
            "<table><tr><th>Factor</th><th>Points</th><th>Weight</th><th>Score</th>"
            "<th>Why</th><th>At least</th></tr>{}<tr><td colspan=3>Total</td><td><b>{}</b></td>"
            "<td colspan=2>{}</td></tr></table>",
            rows,
            obj.risk_score,
            obj.risk_level,
        )

    @admin.display(description="Screening result")
    def screening_view(self, obj):
        result = obj.screening_result or {}
        hits = result.get("hits") or []
        if not hits:
            return result.get("detail") or "-"
        return format_html_join(
            "", "<div>{} ({}, {}) score {}</div>",
            ((h["matched_name"], h["list"], h["entry_id"], h["score"]) for h in hits),
        )  # fmt: skip

    @admin.display(description="Decisions")
    def actions_view(self, obj):
        names = _available(obj)
        if not names:
            return "-"
        return format_html_join(
            " ", '<a class="button" href="{}">{}</a>',
            (
                (reverse("admin:compliance_onboarding_decide", args=[obj.pk, n]), DECISIONS[n][0])
                for n in names
            ),
        )  # fmt: skip

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "show_save": False, "show_delete": False}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        extra = [
            path(
                "<uuid:pk>/decide/<str:decision>/",
                self.admin_site.admin_view(self.decide_view),
                name="compliance_onboarding_decide",
            )
        ]
        return extra + super().get_urls()

    def decide_view(self, request: HttpRequest, pk, decision: str):
        if decision not in DECISIONS:
            raise PermissionDenied
        label, permission, form_class = DECISIONS[decision]
        if not request.user.has_perm(permission):
            raise PermissionDenied
        assessment = get_object_or_404(OnboardingAssessment.objects.select_related("customer"),
                                       pk=pk)  # fmt: skip
        kwargs = {"customer_id": assessment.customer_id} if form_class is EddForm else {}
        form = unfold_widgets(form_class(request.POST or None, **kwargs))
        change_url = reverse("admin:compliance_onboardingassessment_change", args=[pk])
        if request.method == "POST" and form.is_valid():
            try:
                self._decide(decision, assessment, Actor.for_user(request.user), form.cleaned_data)
            except ValidationFailed as exc:
                for field, problems in exc.errors.items():
                    form.add_error(field if field in form.fields else None, problems)
            except DomainError as exc:
                messages.error(request, exc.detail or str(exc))
                return HttpResponseRedirect(change_url)
            else:
                messages.success(request, f"{label}: recorded.")
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": f"{label}: {assessment.customer}",
            "opts": self.model._meta,
            "form": form,
            "assessment": assessment,
            "decision_label": label,
            "change_url": change_url,
        }
        return TemplateResponse(
            request, "admin/compliance/onboardingassessment/decide.html", context
        )

    @staticmethod
    def _decide(decision: str, assessment, actor: Actor, data: dict) -> None:
        if decision == "record_edd":
            services.record_edd(
                assessment=assessment, evidence=data["evidence"], actor=actor,
                document=data.get("document"),
            )  # fmt: skip
        else:
            getattr(services, decision)(assessment=assessment, actor=actor, reason=data["reason"])


# --- the risk model: every edit needs a reason and is audited --------------------------------


class AuditedRiskForm(forms.ModelForm):
    change_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        help_text="Why (recorded in the audit trail). Re-score customers afterwards.",
    )

    def _post_clean(self) -> None:
        super()._post_clean()  # the instance now carries the submitted values
        for field, problems in row_problems(self.instance).items():
            self.add_error(field if field in self.fields else None, problems)


class AuditedRiskAdmin(NoDeleteAdmin):
    form = AuditedRiskForm
    actions = ["rescore_customers"]

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f != "change_reason"]
        return [*fields, "change_reason"]

    def save_model(self, request, obj, form, change):
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        save_risk_model_row(
            row=obj, actor=Actor.for_user(request.user),
            reason=form.cleaned_data["change_reason"], before=before,
        )  # fmt: skip

    @admin.action(
        description="Re-score all customers with the current model", permissions=["change"]
    )
    def rescore_customers(self, request, queryset):
        from compliance.onboarding.tasks import rescore_all_task

        rescore_all_task.delay()
        messages.success(request, "Re-scoring started; level changes open risk-change reviews.")


@admin.register(RiskFactor)
class RiskFactorAdmin(AuditedRiskAdmin):
    list_display = ("code", "weight", "is_active", "description", "updated_at")
    readonly_fields = ("code",)

    def has_add_permission(self, request) -> bool:
        return False  # a factor needs its scoring function: added in code with a migration

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj else ()


@admin.register(CountryRisk)
class CountryRiskAdmin(AuditedRiskAdmin):
    list_display = ("code", "name", "list_name", "points", "prohibits_onboarding", "is_active",
                    "listed_since")  # fmt: skip
    list_filter = ("list_name", "prohibits_onboarding", "is_active")
    search_fields = ("code", "name")


@admin.register(RiskBand)
class RiskBandAdmin(AuditedRiskAdmin):
    list_display = ("level", "min_score", "updated_at")
