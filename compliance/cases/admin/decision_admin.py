"""The MLRO's desk: decisions awaiting a second officer, and the SLA policies.

Decisions are never edited in a form: the MLRO approves or refuses one (with a reason) and the
service applies it. SLA policies are edited by the MLRO only, each change with a reason.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.urls import path, reverse
from django.utils.html import format_html

from compliance.cases import access, selectors
from compliance.cases.admin.case_admin import _admin_link, _local
from compliance.cases.admin.steps import DECISION_STEPS
from compliance.cases.admin.views import StepsMixin
from compliance.cases.models import Decision, SlaPolicy
from compliance.cases.services import save_sla_policy
from compliance.cases.services.sla_policies import snapshot
from core.actors import Actor
from core.admin import NoDeleteAdmin
from core.errors import DomainError


class AwaitingFilter(admin.SimpleListFilter):
    title = "queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("mine_to_decide", "Awaiting my decision"), ("pending", "All pending")]

    def queryset(self, request, queryset):
        if self.value() == "mine_to_decide":
            return queryset.filter(pk__in=selectors.awaiting_decision(request.user).values("pk"))
        if self.value() == "pending":
            return queryset.filter(status=Decision.Status.PROPOSED)
        return queryset


@admin.register(Decision)
class DecisionAdmin(StepsMixin, NoDeleteAdmin):
    steps = DECISION_STEPS
    list_display = (
        "proposed_local",
        "case_link",
        "customer",
        "kind",
        "status",
        "proposed_by_label",
        "short_reason",
        "decided_by_label",
    )
    list_filter = (AwaitingFilter, "status", "kind", "four_eyes")
    search_fields = ("case__reference", "case__customer__external_id", "reason")
    list_select_related = ("case", "case__customer")
    actions = ["approve_selected", "refuse_selected"]
    fields = (
        ("case_link", "kind", "status", "four_eyes"),
        ("proposed_by_label", "proposed_at"),
        "reason",
        "details",
        ("decided_by_label", "decided_at"),
        "decision_reason",
    )
    readonly_fields = tuple(
        name for row in fields for name in (row if isinstance(row, tuple) else (row,))
    )

    def has_add_permission(self, request) -> bool:
        return False  # decisions are proposed on a case

    def has_decide_permission(self, request) -> bool:
        return access.can_decide(request.user)

    def get_queryset_for_steps(self):
        return Decision.objects.select_related("case")

    @admin.display(description="Proposed (PKT)", ordering="proposed_at")
    def proposed_local(self, obj):
        return _local(obj.proposed_at)

    @admin.display(description="Case", ordering="case__reference")
    def case_link(self, obj):
        return _admin_link(obj.case, obj.case.reference)

    @admin.display(description="Customer")
    def customer(self, obj):
        return obj.case.customer.display_name

    @admin.display(description="Reason")
    def short_reason(self, obj):
        return obj.reason if len(obj.reason) < 120 else obj.reason[:117] + "..."

    def change_view(self, request, object_id, form_url="", extra_context=None):
        decision = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if decision is not None and access.can_decide(request.user):
            extra_context["case_steps"] = [
                (step.label, self.step_url(name, [decision.pk]))
                for name, step in DECISION_STEPS.items()
                if step.shown(decision, request.user)
            ]
        extra_context.update(show_save=False, show_save_and_continue=False, show_delete=False)
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "step/<str:name>/",
                self.admin_site.admin_view(self.step_view),
                name=self.step_url_name(),
            ),
            *super().get_urls(),
        ]

    def after_step_url(self, objects: list) -> str:
        if len(objects) == 1:
            return reverse("admin:cases_case_change", args=[objects[0].case_id])
        return self.changelist_url()

    @admin.action(description="Approve selected decisions…", permissions=["decide"])
    def approve_selected(self, request, queryset):
        return self.redirect_to_step("approve", queryset)

    @admin.action(description="Refuse selected decisions…", permissions=["decide"])
    def refuse_selected(self, request, queryset):
        return self.redirect_to_step("refuse", queryset)


class SlaPolicyForm(forms.ModelForm):
    change_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text="Why the SLA changes (audited). Open cases keep the due time they were given.",
    )

    class Meta:
        model = SlaPolicy
        fields = ("unit", "amount", "at_risk_after", "description")


@admin.register(SlaPolicy)
class SlaPolicyAdmin(NoDeleteAdmin):
    form = SlaPolicyForm
    list_display = ("priority", "terms", "at_risk_after", "description", "updated_at")
    ordering = ("-id",)

    def has_add_permission(self, request) -> bool:
        return False  # one row per priority, from the data migration

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and access.can_decide(request.user)

    @admin.display(description="Time to resolve")
    def terms(self, obj):
        return format_html("<b>{}</b>", obj.as_terms().describe())

    def save_model(self, request, obj, form, change) -> None:
        before = snapshot(SlaPolicy.objects.get(pk=obj.pk)) if obj.pk else None
        try:
            save_sla_policy(
                policy=obj,
                actor=Actor.for_user(request.user),
                reason=form.cleaned_data["change_reason"],
                before=before,
            )
        except DomainError as exc:
            messages.error(request, str(exc.detail or exc))
