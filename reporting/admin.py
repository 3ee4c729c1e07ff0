"""Officers' and the regulator's screens for filings; every button calls one service.

- Reports: filters by kind, status and deadline; the XML as built/filed, its validation
  problems (element path + message) and its audit history; the lifecycle actions, each a
  service call (audited there), with a reason where the rule asks for one.
- The Regulator sees filed reports only, read-only, and no actions; the inspection export and
  the monthly statistics are open to every role that may view reports.
- Filing settings, closures, the goAML registration and the FMU lookup lists are data the
  compliance team edits here; each change is audited.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from core import audit, roles
from core.actors import Actor
from core.admin import NoDeleteAdmin, ReadOnlyAdmin
from core.admin_base import badge, unfold_widgets
from core.errors import DomainError
from kyc.models import Customer
from reporting import exports, services, statistics
from reporting.models import (
    FilingSettings,
    LookupCode,
    OverdueNotice,
    Report,
    ReportingEntityProfile,
)

# name -> (label, permission needed, statuses it applies to, form fields; "*" = required)
TRANSITIONS: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {
    "regenerate": ("Regenerate and validate", "change", ("draft",), ()),
    "submit_for_approval": ("Submit for approval", "change", ("draft",), ()),
    "approve": ("Approve (MLRO)", "approve", ("pending_approval",), ("reason",)),
    "return_to_draft": (
        "Return to draft",
        "change",
        ("pending_approval", "approved"),
        ("reason*",),
    ),
    "submit": ("File with the FMU", "approve", ("approved",), ()),
    "fetch_outcome": ("Check the FMU's answer", "change", ("submitted",), ()),
    "record_acknowledgement": (
        "Record the FMU's acknowledgement",
        "change",
        ("submitted",),
        ("fiu_ref_number*",),
    ),
    "record_rejection": ("Record the FMU's rejection", "change", ("submitted",), ("reason*",)),
    "correct_and_resubmit": (
        "Correct and resubmit as a new version",
        "change",
        ("rejected",),
        ("reason*", "narrative", "action_taken"),
    ),
}


def is_regulator(user) -> bool:
    return user.groups.filter(name=roles.REGULATOR).exists()


class DeadlineFilter(admin.SimpleListFilter):
    title = "deadline"
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "Overdue"),
            ("due_soon", "Due within 2 days"),
            ("late", "Filed late"),
            ("on_time", "Filed on time"),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        value = self.value()
        if value == "overdue":
            return queryset.filter(status__in=Report.OPEN_STATUSES, due_at__lt=now)
        if value == "due_soon":
            return queryset.filter(
                status__in=Report.OPEN_STATUSES,
                due_at__gte=now,
                due_at__lt=now + timedelta(days=2),
            )
        if value in ("late", "on_time"):
            filed = queryset.filter(submitted_at__isnull=False, due_at__isnull=False)
            if value == "late":
                return filed.filter(submitted_at__gt=F("due_at"))
            return filed.filter(submitted_at__lte=F("due_at"))
        return queryset


class ReportForm(forms.ModelForm):
    indicators_text = forms.CharField(
        label="Indicators",
        required=False,
        help_text="Typology codes (STRUCTURING, TFS_MATCH ...) or FMU indicator codes, "
        "separated by commas.",
    )
    change_reason = forms.CharField(
        label="Reason for the change", required=False, widget=forms.TextInput(attrs={"size": 80})
    )

    class Meta:
        model = Report
        fields = ["narrative", "action_taken"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["indicators_text"].initial = ", ".join(self.instance.indicators or [])


def due_text(report: Report) -> str:
    if report.due_at is None:
        return "—"
    now = timezone.now()
    if report.is_open:
        delta = report.due_at - now
        if delta.total_seconds() < 0:
            return f"OVERDUE by {(-delta).days}d {(-delta).seconds // 3600}h"
        return f"due in {delta.days}d {delta.seconds // 3600}h"
    if report.filed_on_time is None:
        return "—"
    return "filed on time" if report.filed_on_time else "filed late"


@admin.register(Report)
class ReportAdmin(NoDeleteAdmin):
    form = ReportForm
    change_form_template = "reporting/report_change_form.html"
    change_list_template = "reporting/report_change_list.html"
    list_display = (
        "reference",
        "kind",
        "status_badge",
        "customer_ref",
        "version",
        "due_at",
        "deadline",
        "submitted_at",
        "fiu_ref_number",
    )
    status_badge = badge("status")
    list_filter = ("kind", "status", DeadlineFilter)
    search_fields = ("reference", "fiu_ref_number", "customer__external_id")
    date_hierarchy = "created_at"
    list_select_related = ("customer",)
    actions = ["regenerate_selected", "submit_for_approval_selected", "approve_selected"]
    DETAIL_FIELDS = (
        "reference",
        "kind",
        "status",
        "version",
        "previous_version",
        "customer",
        "case",
        "screening_hit",
        "transaction_list",
        "deadline",
        "suspicion_formed_at",
        "due_at",
        "prepared_by",
        "approval_requested_by",
        "approved_by",
        "approved_at",
        "submitted_at",
        "submitted_by_label",
        "transport_ref",
        "acknowledged_at",
        "fiu_ref_number",
        "rejected_at",
        "rejection_reason",
        "problems",
        "xml_view",
        "xml_sha256",
        "generated_at",
        "history",
    )

    # ---- display

    @admin.display(description="Customer", ordering="customer__external_id")
    def customer_ref(self, obj: Report) -> str:
        return obj.customer.external_id if obj.customer else "—"

    @admin.display(description="Deadline")
    def deadline(self, obj: Report) -> str:
        text = due_text(obj)
        if text.startswith("OVERDUE") or text == "filed late":
            return format_html('<strong style="color:#b42318">{}</strong>', text)
        return text

    @admin.display(description="Transactions")
    def transaction_list(self, obj: Report) -> str:
        rows = obj.transactions.order_by("occurred_at")
        return (
            format_html_join(
                "",
                "<div>{} — {} {} via {}, PKR {}</div>",
                (
                    (
                        timezone.localtime(tx.occurred_at).strftime("%d %b %Y %H:%M"),
                        tx.external_id,
                        tx.kind,
                        tx.channel,
                        f"{tx.amount_pkr:,}",
                    )
                    for tx in rows
                ),
            )
            or "—"
        )

    @admin.display(description="Validation problems")
    def problems(self, obj: Report) -> str:
        if not obj.xml and not obj.validation_problems:
            return "not generated yet"
        if not obj.validation_problems:
            return format_html('<span style="color:#116329">{}</span>', "Valid against goAML 5.0.1")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li><code>{}</code>: {}</li>",
                ((p["path"], p["message"]) for p in obj.validation_problems),
            ),
        )

    @admin.display(description="goAML XML")
    def xml_view(self, obj: Report) -> str:
        if not obj.xml:
            return "—"
        link = reverse("admin:reporting_report_xml", args=[obj.pk])
        return format_html(
            '<p><a href="{}">Download {}.xml</a></p>'
            '<pre style="max-height:32em;overflow:auto;white-space:pre">{}</pre>',
            link,
            obj.reference,
            obj.xml,
        )

    @admin.display(description="History (audit trail)")
    def history(self, obj: Report) -> str:
        events = audit.events_for(obj).order_by("id")
        return format_html(
            "<table><tr><th>When (PKT)</th><th>Who</th><th>What</th><th>Reason</th></tr>{}</table>",
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (
                        timezone.localtime(e.occurred_at).strftime("%d %b %Y %H:%M"),
                        e.actor_label,
                        e.action,
                        e.reason,
                    )
                    for e in events
                ),
            ),
        )

    # ---- permissions and form

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # reports are drafted from cases, hits and cash transactions

    def has_approve_permission(self, request) -> bool:
        return request.user.has_perm(services.APPROVE_PERMISSION)

    def get_queryset(self, request):
        reports = super().get_queryset(request)
        if is_regulator(request.user):
            return reports.filter(status__in=Report.FILED_STATUSES)
        return reports

    def _editable(self, request, obj: Report | None) -> bool:
        return (
            obj is not None
            and obj.status == Report.Status.DRAFT
            and self.has_change_permission(request, obj)
        )

    def get_fields(self, request, obj=None):
        editable = ("narrative", "action_taken", "indicators_text", "change_reason")
        if self._editable(request, obj):
            return (*editable, *self.DETAIL_FIELDS)
        return ("narrative", "action_taken", "indicators", *self.DETAIL_FIELDS)

    def get_readonly_fields(self, request, obj=None):
        if self._editable(request, obj):
            return self.DETAIL_FIELDS
        return ("narrative", "action_taken", "indicators", *self.DETAIL_FIELDS)

    def save_model(self, request, obj, form, change):
        text = form.cleaned_data.get("indicators_text", "")
        services.update_draft(
            report=obj,
            actor=Actor.for_user(request.user),
            narrative=form.cleaned_data["narrative"],
            action_taken=form.cleaned_data["action_taken"],
            indicators=[code for code in text.split(",") if code.strip()],
            reason=form.cleaned_data.get("change_reason", ""),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        report = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if report is not None and self.has_change_permission(request, report):
            extra_context["transitions"] = [
                (label, reverse("admin:reporting_report_transition", args=[report.pk, name]))
                for name, (label, perm, statuses, _) in TRANSITIONS.items()
                if report.status in statuses and self._allowed(request, perm)
            ]
        extra_context.update(show_save_and_add_another=False, show_delete=False)
        return super().change_view(request, object_id, form_url, extra_context)

    def _allowed(self, request, perm: str) -> bool:
        if perm == "approve":
            return self.has_approve_permission(request)
        return self.has_change_permission(request)

    # ---- bulk actions

    def _bulk(self, request, queryset, label: str, call) -> None:
        actor = Actor.for_user(request.user)
        done = 0
        for report in queryset:
            try:
                call(report, actor)
                done += 1
            except DomainError as exc:
                errors = getattr(exc, "errors", None)
                detail = "; ".join(m for ms in errors.values() for m in ms) if errors else exc
                messages.error(request, f"{report.reference}: {detail}")
        if done:
            messages.success(request, f"{label}: {done} report(s).")

    @admin.action(description="Regenerate and validate", permissions=["change"])
    def regenerate_selected(self, request, queryset):
        self._bulk(
            request,
            queryset,
            "Regenerated",
            lambda r, a: services.regenerate(report=r, actor=a),
        )

    @admin.action(description="Submit for approval", permissions=["change"])
    def submit_for_approval_selected(self, request, queryset):
        self._bulk(
            request,
            queryset,
            "Submitted for approval",
            lambda r, a: services.submit_for_approval(report=r, actor=a),
        )

    @admin.action(description="Approve (MLRO, four-eyes)", permissions=["approve"])
    def approve_selected(self, request, queryset):
        self._bulk(request, queryset, "Approved", lambda r, a: services.approve(report=r, actor=a))

    # ---- extra views

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<uuid:pk>/transition/<str:name>/",
                view(self.transition_view),
                name="reporting_report_transition",
            ),
            path("<uuid:pk>/xml/", view(self.xml_download), name="reporting_report_xml"),
            path(
                "inspection-export/",
                view(self.inspection_export_view),
                name="reporting_inspection_export",
            ),
            path("statistics/", view(self.statistics_view), name="reporting_statistics"),
            *super().get_urls(),
        ]

    def transition_view(self, request: HttpRequest, pk, name: str):
        if name not in TRANSITIONS:
            raise PermissionDenied
        label, perm, _statuses, field_specs = TRANSITIONS[name]
        report = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, report) or not self._allowed(request, perm):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else None
        form = unfold_widgets(TransitionForm(field_specs, report, data))
        if request.method == "POST" and form.is_valid():
            try:
                actor = Actor.for_user(request.user)
                result = run_transition(name, report, actor, form.cleaned_data)
            except DomainError as exc:
                errors = getattr(exc, "errors", None)
                for message in (m for ms in errors.values() for m in ms) if errors else [exc]:
                    messages.error(request, str(message))
                result = report
            else:
                messages.success(
                    request, f"{label}: {result.reference} is now {result.get_status_display()}."
                )
            return HttpResponseRedirect(reverse("admin:reporting_report_change", args=[result.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"{label}: {report.reference}",
            "opts": self.model._meta,
            "report": report,
            "form": form,
            "label": label,
        }
        return TemplateResponse(request, "reporting/report_transition.html", context)

    def xml_download(self, request: HttpRequest, pk):
        report = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, report) or not report.xml:
            raise PermissionDenied
        response = HttpResponse(report.xml.encode(), content_type="application/xml")
        response["Content-Disposition"] = f'attachment; filename="{report.reference}.xml"'
        return response

    def inspection_export_view(self, request: HttpRequest):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = InspectionExportForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            export = exports.build_inspection_export(
                actor=Actor.for_user(request.user),
                customer=data.get("customer_obj"),
                date_from=data.get("date_from"),
                date_to=data.get("date_to"),
            )
            response = HttpResponse(export.content, content_type="application/zip")
            response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
            return response
        context = {
            **self.admin_site.each_context(request),
            "title": "Inspection export",
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(request, "reporting/inspection_export.html", context)

    def statistics_view(self, request: HttpRequest):
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        year, month = today.year, today.month
        raw = request.GET.get("month", "")
        try:
            chosen = datetime.strptime(raw, "%Y-%m").date() if raw else None
        except ValueError:
            chosen = None
        if chosen is not None:
            year, month = chosen.year, chosen.month
        summary = statistics.monthly_summary(year, month)
        if request.GET.get("format") == "csv":
            response = HttpResponse(summary.as_csv(), content_type="text/csv")
            response["Content-Disposition"] = (
                f'attachment; filename="nigraan-statistics-{year:04d}-{month:02d}.csv"'
            )
            return response
        filings = summary.filings
        context = {
            **self.admin_site.each_context(request),
            "title": f"Monthly statistics — {summary.label}",
            "opts": self.model._meta,
            "summary": summary,
            "month_value": f"{year:04d}-{month:02d}",
            "charts": [
                ("Customers onboarded, by risk", statistics.bar_chart(summary.customers_by_risk)),
                ("Alerts, by typology", statistics.bar_chart(summary.alerts_by_typology)),
                ("Cases closed, by outcome", statistics.bar_chart(summary.cases_by_outcome)),
                (
                    "Filings submitted, by kind",
                    statistics.bar_chart({k: f.filed for k, f in filings.items()}),
                ),
            ],
            "filings": filings,
        }
        return TemplateResponse(request, "reporting/statistics.html", context)


class TransitionForm(forms.Form):
    """The fields one transition asks for (see TRANSITIONS)."""

    LABELS = {
        "reason": "Reason",
        "fiu_ref_number": "FMU reference number",
        "narrative": "Corrected grounds for suspicion (narrative)",
        "action_taken": "Corrected action taken",
    }

    def __init__(self, specs, report: Report, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for spec in specs:
            name = spec.rstrip("*")
            required = spec.endswith("*")
            long_text = name in ("narrative", "action_taken", "reason")
            self.fields[name] = forms.CharField(
                label=self.LABELS[name],
                required=required,
                widget=forms.Textarea(attrs={"rows": 4, "cols": 80})
                if long_text
                else forms.TextInput(attrs={"size": 40}),
            )
            if name in ("narrative", "action_taken"):
                self.fields[name].initial = getattr(report, name)


def run_transition(name: str, report: Report, actor: Actor, data: dict) -> Report:
    reason = data.get("reason", "")
    if name == "regenerate":
        return services.regenerate(report=report, actor=actor)
    if name == "submit_for_approval":
        return services.submit_for_approval(report=report, actor=actor)
    if name == "approve":
        return services.approve(report=report, actor=actor, reason=reason)
    if name == "return_to_draft":
        return services.return_to_draft(report=report, actor=actor, reason=reason)
    if name == "submit":
        return services.submit(report=report, actor=actor)
    if name == "fetch_outcome":
        return services.fetch_outcome(report=report)
    if name == "record_acknowledgement":
        return services.record_acknowledgement(
            report=report, actor=actor, fiu_ref_number=data["fiu_ref_number"]
        )
    if name == "record_rejection":
        return services.record_rejection(report=report, actor=actor, reason=reason)
    if name == "correct_and_resubmit":
        return services.correct_and_resubmit(
            report=report,
            actor=actor,
            reason=reason,
            narrative=data.get("narrative"),
            action_taken=data.get("action_taken"),
        )
    raise PermissionDenied


class InspectionExportForm(forms.Form):
    customer = forms.CharField(
        required=False, help_text="The customer's external id (the exchange's user id)."
    )
    date_from = forms.DateField(required=False, help_text="YYYY-MM-DD (filings submitted from)")
    date_to = forms.DateField(required=False, help_text="YYYY-MM-DD (to, inclusive)")

    def clean(self):
        data = super().clean()
        ref = (data.get("customer") or "").strip()
        date_from: date | None = data.get("date_from")
        date_to: date | None = data.get("date_to")
        if ref:
            customer = Customer.objects.filter(external_id=ref).first()
            if customer is None:
                raise forms.ValidationError(f"No customer with external id {ref!r}.")
            data["customer_obj"] = customer
        elif not (date_from and date_to):
            raise forms.ValidationError("Give a customer, or both dates of a range.")
        elif date_to < date_from:
            raise forms.ValidationError("The range ends before it starts.")
        return data


# --------------------------------------------------------------------------- settings as data


class AuditedSettingsAdmin(NoDeleteAdmin):
    """Deadlines, thresholds, closures, the registration and lookups: every change audited."""

    def save_model(self, request, obj, form, change):
        before = {f: form.initial.get(f) for f in form.changed_data} if change else None
        super().save_model(request, obj, form, change)
        audit.record(
            actor=Actor.for_user(request.user),
            action=f"reporting.{obj._meta.model_name}.{'changed' if change else 'added'}",
            obj=obj,
            before=before,
            after={f: form.cleaned_data.get(f) for f in form.changed_data},
        )


@admin.register(FilingSettings)
class FilingSettingsAdmin(AuditedSettingsAdmin):
    list_display = ("__str__", "str_working_days", "ctr_schedule_days", "ctr_threshold_pkr")

    def has_add_permission(self, request) -> bool:
        return not FilingSettings.objects.exists() and super().has_add_permission(request)


@admin.register(ReportingEntityProfile)
class ReportingEntityProfileAdmin(AuditedSettingsAdmin):
    list_display = ("name", "rentity_id", "branch", "is_active")


@admin.register(LookupCode)
class LookupCodeAdmin(AuditedSettingsAdmin):
    list_display = ("table", "code", "description", "is_active")
    list_filter = ("table", "is_active")
    search_fields = ("code", "description")


@admin.register(OverdueNotice)
class OverdueNoticeAdmin(ReadOnlyAdmin):
    list_display = ("notified_on", "report", "email_sent", "message")
    list_filter = ("email_sent",)
