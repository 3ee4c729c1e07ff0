"""The analysts' case workspace: queues, the case page, and the actions on it.

Queues are list filters ("my cases", "unassigned", "breaching SLA", ...) so they combine with
status, priority, assignee and typology filters and can be bookmarked as saved views. The case
page shows the alerts, hits, decisions, notes, attachments and the timeline; officers act
through buttons (a form with a reason, then the service). Regulators and Auditors see the same
pages read-only: no save button, no actions, 403 on every write.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from compliance.cases import access, selectors, services
from compliance.cases.admin.forms import CaseChangeForm
from compliance.cases.admin.steps import CASE_STEPS, DECISION_STEPS
from compliance.cases.admin.views import StepsMixin
from compliance.cases.models import (
    Case,
    CaseAlert,
    CaseAttachment,
    CaseEvent,
    CaseNote,
    CaseScreeningHit,
    Decision,
)
from compliance.network import drawing as network_drawing
from core.actors import Actor
from core.admin import NoDeleteAdmin
from core.admin_base import (
    SEVERITY_BADGE,
    SLA_BADGE,
    StackedInline,
    TabularInline,
    badge,
    badge_html,
    display,
)
from core.errors import DomainError


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%a %d %b %Y %H:%M") if moment else "—"


def _short(moment) -> str:
    return timezone.localtime(moment).strftime("%a %d %b %H:%M") if moment else "—"


def _admin_link(obj, label=None) -> str:
    opts = obj._meta
    try:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return str(label or obj)
    return format_html('<a href="{}">{}</a>', url, label or obj)


# ------------------------------------------------------------------------------ filters


class QueueFilter(admin.SimpleListFilter):
    title = "work queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("mine", "My cases"),
            ("unassigned", "Unassigned"),
            ("breaching", "Breaching SLA"),
            ("at_risk", "SLA at risk"),
            ("escalated", "Escalated (with the MLRO)"),
            ("awaiting_decision", "Awaiting a decision"),
            ("live", "All live cases"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "mine":
            return queryset.filter(pk__in=selectors.my_cases(request.user).values("pk"))
        if value == "unassigned":
            return queryset.filter(pk__in=selectors.unassigned().values("pk"))
        if value == "breaching":
            return queryset.filter(pk__in=selectors.breaching_sla().values("pk"))
        if value == "at_risk":
            return queryset.filter(pk__in=selectors.at_risk().values("pk"))
        if value == "escalated":
            return queryset.filter(status=Case.Status.ESCALATED)
        if value == "awaiting_decision":
            return queryset.filter(pk__in=selectors.awaiting_decision().values("case_id"))
        if value == "live":
            return queryset.filter(status__in=Case.LIVE_STATUSES)
        return queryset


class TypologyFilter(admin.SimpleListFilter):
    title = "typology"
    parameter_name = "typology"

    def lookups(self, request, model_admin):
        codes = (
            CaseAlert.objects.values_list("alert__typology", flat=True)
            .distinct()
            .order_by("alert__typology")
        )
        return [(code, code) for code in codes]

    def queryset(self, request, queryset):
        if self.value():
            return selectors.with_typology(queryset, self.value())
        return queryset


# ------------------------------------------------------------------------------ inlines


class ReadOnlyInline(TabularInline):
    template = "admin/cases/edit_inline/readonly_tabular.html"
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AlertInline(ReadOnlyInline):
    model = CaseAlert
    verbose_name_plural = "alerts"
    fields = ("alert_link", "typology", "severity", "explanation", "raised_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("alert")

    @admin.display(description="Alert")
    def alert_link(self, obj):
        return _admin_link(obj.alert, str(obj.alert_id)[:8])

    @admin.display(description="Typology")
    def typology(self, obj):
        return obj.alert.typology

    @admin.display(description="Severity")
    def severity(self, obj):
        return obj.alert.severity

    @admin.display(description="Why it fired")
    def explanation(self, obj):
        return obj.alert.explanation

    @admin.display(description="Raised (PKT)")
    def raised_at(self, obj):
        return _local(obj.alert.created_at)


class HitInline(ReadOnlyInline):
    model = CaseScreeningHit
    verbose_name_plural = "screening hits"
    fields = ("hit_link", "screened_name", "listed", "score", "hit_status")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("hit", "hit__entry")

    @admin.display(description="Hit")
    def hit_link(self, obj):
        return _admin_link(obj.hit, str(obj.hit_id)[:8])

    @admin.display(description="Screened name")
    def screened_name(self, obj):
        return obj.hit.subject_name

    @admin.display(description="Listed entry")
    def listed(self, obj):
        entry = obj.hit.entry
        return f"{entry.list_code} {entry.entry_id}: {obj.hit.matched_name}"

    @admin.display(description="Score")
    def score(self, obj):
        return obj.hit.score

    @admin.display(description="Status")
    def hit_status(self, obj):
        return obj.hit.get_status_display()


class DecisionInline(ReadOnlyInline):
    model = Decision
    fields = ("kind", "status", "proposed", "reason", "decided", "decision_reason", "act")
    readonly_fields = fields
    ordering = ("proposed_at",)

    @admin.display(description="Proposed")
    def proposed(self, obj):
        return f"{obj.proposed_by_label}, {_local(obj.proposed_at)}"

    @admin.display(description="Decided")
    def decided(self, obj):
        return f"{obj.decided_by_label}, {_local(obj.decided_at)}" if obj.decided_at else "—"

    @admin.display(description="")
    def act(self, obj):
        request = getattr(self, "_request", None)
        if request is None or not access.can_decide(request.user):
            return ""
        links = [
            (reverse("admin:cases_decision_step", args=[name]) + f"?ids={obj.pk}", step.label)
            for name, step in DECISION_STEPS.items()
            if step.shown(obj, request.user)
        ]
        return format_html_join(" · ", '<a class="button" href="{}">{}</a>', links)

    def get_formset(self, request, obj=None, **kwargs):
        self._request = request
        return super().get_formset(request, obj, **kwargs)


class NoteInline(ReadOnlyInline):
    model = CaseNote
    verbose_name_plural = "notes"
    fields = ("created_at_local", "author_label", "text")
    readonly_fields = fields

    @admin.display(description="When (PKT)")
    def created_at_local(self, obj):
        return _local(obj.created_at)


class NewNoteInline(StackedInline):
    """An empty form under the notes: typing a note and saving adds it (through the service)."""

    model = CaseNote
    verbose_name = "new note"
    verbose_name_plural = "add a note"
    fields = ("text",)
    extra = 1
    max_num = 1
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_add_permission(self, request, obj=None) -> bool:
        return obj is not None and access.can_work_cases(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_add_permission(request, obj)


class AttachmentInline(ReadOnlyInline):
    model = CaseAttachment
    fields = ("original_name", "description", "size", "sha256", "uploaded_by_label", "file")
    readonly_fields = fields


class NewAttachmentInline(NewNoteInline):
    model = CaseAttachment
    verbose_name = "new attachment"
    verbose_name_plural = "add an attachment"
    fields = ("file", "description")


class TimelineInline(ReadOnlyInline):
    model = CaseEvent
    verbose_name_plural = "timeline"
    fields = ("when", "kind", "actor_label", "message")
    readonly_fields = fields
    ordering = ("occurred_at", "id")

    @admin.display(description="When (PKT)")
    def when(self, obj):
        return _local(obj.occurred_at)


# ------------------------------------------------------------------------------ case admin


@admin.register(Case)
class CaseAdmin(StepsMixin, NoDeleteAdmin):
    form = CaseChangeForm
    steps = CASE_STEPS
    list_display = (
        "reference",
        "customer_link",
        "priority_badge",
        "status_badge",
        "assignee",
        "contents",
        "sla_view",
        "opened_local",
    )
    list_display_links = ("reference",)
    list_filter = (
        QueueFilter,
        "status",
        "priority",
        ("assignee", admin.RelatedOnlyFieldListFilter),
        TypologyFilter,
        "outcome",
    )
    search_fields = (
        "reference",
        "customer__external_id",
        "customer__full_name",
        "customer__legal_name",
        "summary",
    )
    ordering = ("-priority_rank", "sla_due_at")
    list_per_page = 50
    actions = [
        "assign_to_me_selected",
        "assign_selected",
        "start_investigation_selected",
        "add_note_selected",
        "escalate_selected",
        "close_selected",
        "propose_str_selected",
        "propose_freeze_selected",
        "propose_unfreeze_selected",
    ]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("reference", "status", "outcome"),
                    ("customer_link", "customer_status"),
                    ("priority", "assignee"),
                )
            },
        ),
        (
            "SLA",
            {
                "fields": (
                    ("opened_at", "sla_terms"),
                    ("sla_due_at", "sla_view"),
                    ("escalated_at", "suspicion_formed_at"),
                )
            },
        ),
        ("Investigation", {"fields": ("summary", "narrative")}),
        ("Network", {"fields": ("network_view",), "classes": ("collapse",)}),
        ("Closure", {"fields": (("closed_at", "closed_by"), "closing_reason")}),
    )
    readonly_fields = (
        "reference",
        "status",
        "outcome",
        "customer_link",
        "customer_status",
        "priority",
        "assignee",
        "opened_at",
        "sla_terms",
        "sla_due_at",
        "sla_view",
        "escalated_at",
        "suspicion_formed_at",
        "closed_at",
        "closed_by",
        "closing_reason",
        "network_view",
    )
    inlines = [
        AlertInline,
        HitInline,
        DecisionInline,
        NoteInline,
        NewNoteInline,
        AttachmentInline,
        NewAttachmentInline,
        TimelineInline,
    ]

    def get_queryset(self, request):
        return selectors.with_queue_columns(super().get_queryset(request))

    def get_queryset_for_steps(self):
        return Case.objects.select_related("customer").prefetch_related("decisions")

    def has_add_permission(self, request) -> bool:
        return False  # cases open from alerts and hits (services.group_into_cases)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not obj.is_live:
            fields += ["summary", "narrative"]
        return fields

    # ---- display

    status_badge = badge("status")

    @admin.display(description="Customer", ordering="customer__external_id")
    def customer_link(self, obj):
        customer = obj.customer
        return format_html(
            '{} · <a href="{}">360</a>',
            _admin_link(customer, f"{customer.display_name} ({customer.external_id})"),
            reverse("workspace:customer-360", args=[customer.pk]),
        )

    @admin.display(description="Customer network")
    def network_view(self, obj):
        alert_ids = list(obj.alert_links.values_list("alert_id", flat=True))
        return network_drawing.case_panel(str(obj.customer_id), alert_ids)

    @admin.display(description="Customer status")
    def customer_status(self, obj):
        return obj.customer.get_status_display()

    @display(description="Priority", ordering="priority_rank")
    def priority_badge(self, obj):
        return badge_html(obj.priority, obj.priority, SEVERITY_BADGE)

    @admin.display(description="What is in it")
    def contents(self, obj):
        return obj.summary or ", ".join(selectors.typologies_of(obj)) or "—"

    @admin.display(description="SLA (PKT)", ordering="sla_due_at")
    def sla_view(self, obj):
        state = obj.sla_status(timezone.now())
        return format_html(
            "{}<br>due {}",
            badge_html(state.value, state.value.replace("_", " "), SLA_BADGE),
            _short(obj.sla_due_at),
        )

    @admin.display(description="Opened (PKT)", ordering="opened_at")
    def opened_local(self, obj):
        return _short(obj.opened_at)

    # ---- the case page

    def change_view(self, request, object_id, form_url="", extra_context=None):
        case = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if case is not None and access.can_work_cases(request.user):
            extra_context["case_steps"] = [
                (step.label, self.step_url(name, [case.pk]))
                for name, step in CASE_STEPS.items()
                if name != "add_note" and step.shown(case, request.user)
            ]
        if case is not None and access.can_decide(request.user):
            # The MLRO's pending decisions on this case, first among the buttons.
            extra_context["case_steps"] = [
                (
                    f"{step.label}: {decision.get_kind_display()}",
                    reverse("admin:cases_decision_step", args=[name]) + f"?ids={decision.pk}",
                )
                for decision in case.decisions.filter(status=Decision.Status.PROPOSED)
                for name, step in DECISION_STEPS.items()
                if step.shown(decision, request.user)
            ] + extra_context.get("case_steps", [])
        if case is not None and not case.is_live:
            extra_context["show_save_and_continue"] = False
        extra_context.update(show_save_and_add_another=False, show_delete=False)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            return
        try:
            services.update_case_details(
                case=obj,
                actor=Actor.for_user(request.user),
                summary=form.cleaned_data.get("summary"),
                narrative=form.cleaned_data.get("narrative"),
            )
        except DomainError as exc:
            messages.error(request, str(exc.detail or exc))

    def save_formset(self, request, form, formset, change) -> None:
        # New notes and attachments go through the services (timeline + audit); nothing else
        # in the inlines is writable.
        actor = Actor.for_user(request.user)
        for inline_form in formset.forms:
            if not inline_form.has_changed() or not inline_form.is_valid():
                continue
            data = inline_form.cleaned_data
            try:
                if formset.model is CaseNote and data.get("text"):
                    services.add_note(case=form.instance, text=data["text"], actor=actor)
                elif formset.model is CaseAttachment and data.get("file"):
                    services.add_attachment(
                        case=form.instance,
                        file=data["file"],
                        description=data.get("description", ""),
                        actor=actor,
                    )
            except DomainError as exc:
                messages.error(request, str(exc.detail or exc))
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    # ---- actions (each opens its form for the selected cases)

    def get_urls(self):
        return [
            path(
                "step/<str:name>/",
                self.admin_site.admin_view(self.step_view),
                name=self.step_url_name(),
            ),
            *super().get_urls(),
        ]

    @admin.action(description="Assign selected cases to me", permissions=["change"])
    def assign_to_me_selected(self, request, queryset):
        """One step, no form: the keyboard's "a" on a queue row (each case audited)."""
        try:
            done = services.assign_cases(
                case_ids=list(queryset.values_list("pk", flat=True)),
                assignee=request.user,
                actor=Actor.for_user(request.user),
            )
        except DomainError as exc:
            messages.error(request, str(exc.detail or exc))
            return None
        messages.success(request, f"Assigned to you: {len(done)} of {queryset.count()}.")
        return None

    @admin.action(description="Assign selected cases…", permissions=["change"])
    def assign_selected(self, request, queryset):
        return self.redirect_to_step("assign", queryset)

    @admin.action(description="Start investigating selected cases…", permissions=["change"])
    def start_investigation_selected(self, request, queryset):
        return self.redirect_to_step("start_investigation", queryset)

    @admin.action(description="Add a note to selected cases…", permissions=["change"])
    def add_note_selected(self, request, queryset):
        return self.redirect_to_step("add_note", queryset)

    @admin.action(description="Escalate selected cases to the MLRO…", permissions=["change"])
    def escalate_selected(self, request, queryset):
        return self.redirect_to_step("escalate", queryset)

    @admin.action(description="Close selected cases with a reason…", permissions=["change"])
    def close_selected(self, request, queryset):
        return self.redirect_to_step("close", queryset)

    @admin.action(description="Propose an STR on selected cases…", permissions=["change"])
    def propose_str_selected(self, request, queryset):
        return self.redirect_to_step("propose_str", queryset)

    @admin.action(description="Propose freezing the customers…", permissions=["change"])
    def propose_freeze_selected(self, request, queryset):
        return self.redirect_to_step("propose_freeze", queryset)

    @admin.action(description="Propose lifting the customers' freeze…", permissions=["change"])
    def propose_unfreeze_selected(self, request, queryset):
        return self.redirect_to_step("propose_unfreeze", queryset)
