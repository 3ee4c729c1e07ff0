"""Admin for the rule-quality records: suppressions (made and lifted through the service,
listed for review with the findings they held back), the precision floor (a decider's change,
with a reason, audited) and tuning runs (progress, table, chart, suggested draft)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from compliance.monitoring.models import Alert
from compliance.rule_quality import reports
from compliance.rule_quality.admin.common import report
from compliance.rule_quality.models import PrecisionFloor, Suppression, TuningRun
from compliance.rule_quality.services import floors, suppressions, tuning
from core.actors import Actor
from core.admin import ReadOnlyAdmin
from core.errors import DomainError


class SuppressionForm(forms.ModelForm):
    class Meta:
        model = Suppression
        fields = ["rule", "customer", "counterparty_key", "reason", "ends_at"]


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    form = SuppressionForm
    list_display = ("rule", "customer", "counterparty_key", "ends_at", "state", "held_back",
                    "created_by_label")  # fmt: skip
    list_filter = ("rule",)
    search_fields = ("customer__external_id", "counterparty_key", "reason")
    raw_id_fields = ("customer",)
    actions = ["lift"]
    readonly_fields = ("starts_at", "created_by_label", "lifted_at", "lifted_by_label",
                       "lift_reason", "suppressed_alerts")  # fmt: skip

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def get_fields(self, request, obj=None):
        if obj is None:
            return SuppressionForm.Meta.fields
        return [*SuppressionForm.Meta.fields, *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (*SuppressionForm.Meta.fields, *self.readonly_fields)

    @admin.display(description="State")
    def state(self, obj: Suppression) -> str:
        if obj.lifted_at:
            return "lifted"
        return "active" if obj.ends_at > timezone.now() else "expired"

    @admin.display(description="Findings held back")
    def held_back(self, obj: Suppression) -> int:
        return obj.findings.count()

    @admin.display(description="Suppressed findings (recorded, not routed)")
    def suppressed_alerts(self, obj: Suppression):
        alerts = Alert.objects.filter(suppressed__suppression=obj).order_by("-created_at")[:50]
        if not alerts:
            return "none yet"
        return format_html(
            "<ul>{}</ul>",
            format_html(
                "".join(
                    format_html(
                        '<li><a href="{}">{:%Y-%m-%d %H:%M}</a> {}</li>',
                        reverse("admin:monitoring_alert_change", args=[a.pk]),
                        a.created_at,
                        a.explanation,
                    )
                    for a in alerts
                )
            ),
        )

    def save_model(self, request, obj, form, change):
        # The service writes and audits; the admin only hands it the form's data.
        created = suppressions.suppress(
            rule=obj.rule,
            customer=obj.customer,
            counterparty_key=obj.counterparty_key,
            reason=obj.reason,
            ends_at=obj.ends_at,
            actor=Actor.for_user(request.user),
        )
        obj.pk = created.pk
        obj._state.adding = False

    def add_view(self, request, form_url="", extra_context=None):
        try:
            return super().add_view(request, form_url, extra_context)
        except DomainError as exc:
            report(request, exc)
            return HttpResponseRedirect(request.path)

    @admin.action(description="Lift the selected suppressions now")
    def lift(self, request, queryset):
        done = 0
        for suppression in queryset:
            try:
                suppressions.lift(
                    suppression=suppression,
                    reason=f"lifted from the admin by {request.user.get_username()}",
                    actor=Actor.for_user(request.user),
                )
                done += 1
            except DomainError as exc:
                report(request, exc)
        if done:
            messages.success(request, f"{done} suppression(s) lifted.")


class PrecisionFloorForm(forms.ModelForm):
    reason = forms.CharField(help_text="Why the floor changes (audited).")

    class Meta:
        model = PrecisionFloor
        fields = ["rule", "floor", "min_dispositioned"]


@admin.register(PrecisionFloor)
class PrecisionFloorAdmin(admin.ModelAdmin):
    form = PrecisionFloorForm
    list_display = ("__str__", "floor", "min_dispositioned", "updated_at")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        floors.save_floor(
            floor=obj,
            actor=Actor.for_user(request.user),
            reason=form.cleaned_data["reason"],
            before=form.initial if change else None,
        )


@admin.register(TuningRun)
class TuningRunAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "status", "progress", "created_at", "requested_by_label")
    list_filter = ("status",)
    fields = ("rule_version", "grid", "date_from", "date_to", "status", "suggested",
              "requested_by_label", "started_at", "finished_at", "error")  # fmt: skip
    change_form_template = "rule_quality/tuning_run.html"

    @admin.display(description="Progress")
    def progress(self, run: TuningRun) -> str:
        return f"{run.progress_done}/{run.progress_total} customers"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<uuid:run_id>/draft/", wrap(self.make_draft), name="rule_quality_tuning_draft"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = self.get_object(request, object_id)
        extra = {}
        if run is not None:
            current = tuning.current_settings(run)
            rows = [
                {
                    **r,
                    "label": ", ".join(f"{k} = {v}" for k, v in r["settings"].items()),
                    "is_current": r["settings"] == current,
                    "is_suggested": r["settings"] == run.suggested,
                }
                for r in run.results
            ]
            extra = {
                "run": run,
                "rows": rows,
                "current": current,
                "chart": reports.tuning_chart(run.results, current=current, suggested=run.suggested)
                if run.results
                else None,
                "running": run.status in (TuningRun.Status.QUEUED, TuningRun.Status.RUNNING),
                "percent": int(100 * run.progress_done / run.progress_total)
                if run.progress_total
                else 0,
            }
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def make_draft(self, request: HttpRequest, run_id):
        run = self.get_object(request, str(run_id))
        url = reverse("admin:rule_quality_tuningrun_change", args=[run_id])
        if request.method != "POST" or run is None:
            return HttpResponseRedirect(url)
        try:
            version = tuning.create_suggested_draft(run=run, actor=Actor.for_user(request.user))
        except DomainError as exc:
            report(request, exc)
            return HttpResponseRedirect(url)
        messages.success(
            request,
            f"Draft v{version.number} made with the suggested setting; a checker activates it.",
        )
        return HttpResponseRedirect(
            reverse("admin:rule_quality_versions", args=[run.rule_version.rule_id])
            + f"?left={run.rule_version.number}&right={version.number}"
        )
